from functools import partial

from django.db import transaction
from django.shortcuts import redirect, render

from collaborative.forms import ContactForm
from collaborative.models import FunctionalArea
from collaborative.tasks import notify_programme_operations
from trusts.models import Trust
from workshops.models import Theme, Workshop


def home(request):
    next_workshop = (
        Workshop.objects.public()
        .upcoming()
        .exclude(status=Workshop.Status.CANCELLED)
        .select_related("theme")
        .first()
    )
    return render(
        request,
        "pages/home.html",
        {
            "priorities": Theme.objects.filter(is_current_priority=True),
            "next_workshop": next_workshop,
            "member_count": Trust.objects.members().count(),
            "functional_areas": FunctionalArea.labels,
        },
    )


def contact(request):
    form = ContactForm(request.POST or None, initial=ContactForm.initial_for(request.user))
    if request.method == "POST" and form.is_valid():
        message = form.save(commit=False)
        if request.user.is_authenticated:
            message.sent_by = request.user
        message.save()
        transaction.on_commit(partial(notify_programme_operations.delay, message.pk))
        return redirect("contact_sent")
    return render(request, "pages/contact.html", {"form": form})


def contact_sent(request):
    return render(request, "pages/contact_sent.html")
