from django.shortcuts import render

from collaborative.forms import TrustSearchForm
from collaborative.models import User
from trusts.models import Trust


def founding(request):
    """The founding Trusts, under today's name and the name they founded under."""
    return render(
        request,
        "trusts/founding.html",
        {
            "founding_trusts": Trust.objects.founding()
            .select_related("successor", "membership")
            .prefetch_related("predecessors"),
            # Only names are published: a member without one is left off, never shown by e-mail.
            "steering_group": User.objects.steering_group()
            .exclude(full_name="")
            .select_related("trust")
            .order_by("trust__name", "full_name"),
        },
    )


def member_list(request):
    form = TrustSearchForm(request.GET)
    trusts = form.filter(Trust.objects.members().select_related("membership"))
    return render(
        request,
        "trusts/member_list.html",
        {
            "form": form,
            "trusts": list(trusts),
            "searched": form.is_valid() and any(form.cleaned_data.values()),
        },
    )
