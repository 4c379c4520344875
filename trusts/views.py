from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from collaborative.inputs.page_cache import public_page
from collaborative.people.models import User
from demo import registry as demo_registry
from trusts import services
from trusts.forms import TrustSearchForm
from trusts.models import Membership, Trust
from workshops.models import BookingStatus
from workshops.refusals import BookingError


@public_page
def founding(request):
    """The founding Trusts, under today's name and the name they founded under."""
    return render(
        request,
        "trusts/founding.html",
        {
            "founding_trusts": Trust.objects.founding()
            .select_related("successor", "membership")
            .prefetch_related("predecessors", "changes", "successor__changes"),
            # Only names are published: a member without one is left off, never shown by e-mail.
            "steering_group": User.objects.steering_group()
            .exclude(full_name="")
            .select_related("trust")
            .order_by("trust__name", "full_name"),
        },
    )


@public_page
def member_list(request):
    form = TrustSearchForm(request.GET)
    trusts = form.filter(
        Trust.objects.members().select_related("membership").prefetch_related("changes")
    )
    trusts = list(trusts)
    demo_memberships = demo_registry.keys(Membership)
    return render(
        request,
        "trusts/member_list.html",
        {
            "form": form,
            "trusts": trusts,
            # Which Trusts are members is demonstration data unless the record says so.
            "demo_memberships": any(str(t.membership.pk) in demo_memberships for t in trusts),
            "searched": form.is_valid() and any(form.cleaned_data.values()),
        },
    )


# Confirming seniority: a confirmed director's page for their own Trust's people ----------


def _confirmer(request):
    """The signed-in confirmed director of a Trust; anyone else is refused (403)."""
    if not services.confirms_for_trust(request.user):
        raise PermissionDenied(
            "Only confirmed directors of a Trust can confirm their colleagues' seniority."
        )
    return request.user


@login_required
def people(request):
    """The Trust's people whose director-level role awaits confirmation, with their places
    held for approval because of it."""
    confirmer = _confirmer(request)
    held_back = Q(
        bookings__status=BookingStatus.AWAITING_APPROVAL,
        bookings__workshop__director_level_only=True,
        bookings__workshop__date__gte=timezone.localdate(),
    )
    waiting = (
        services.colleagues_awaiting_confirmation(confirmer)
        .annotate(places_held=Count("bookings", filter=held_back))
        .order_by("full_name", "email")
    )
    return render(
        request,
        "trusts/people.html",
        {"trust": confirmer.trust, "people": list(waiting)},
    )


@login_required
@require_POST
def confirm_seniority(request, pk):
    confirmer = _confirmer(request)
    # Only the director's own Trust's people: others are not even told to exist.
    person = get_object_or_404(User, pk=pk, trust_id=confirmer.trust_id)
    try:
        result = services.confirm_seniority(person=person, confirmed_by=confirmer)
    except BookingError as refusal:
        messages.error(request, refusal.message)
        return redirect("trusts:people")
    if not result.confirmed:
        messages.info(request, f"{person}'s seniority was already confirmed.")
        return redirect("trusts:people")
    text = (
        f"{person}'s role as {person.get_seniority_display()} is confirmed, and we have "
        "e-mailed them."
    )
    if result.approved:
        count = len(result.approved)
        text += (
            " Their place awaiting approval is now confirmed."
            if count == 1
            else f" Their {count} places awaiting approval are now confirmed."
        )
    messages.success(request, text)
    for booking in result.still_waiting:
        messages.warning(
            request,
            f"{person}'s place at {booking.workshop.title} still awaits approval: "
            f"{booking.refusal}",
        )
    return redirect("trusts:people")
