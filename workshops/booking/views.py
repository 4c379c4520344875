"""The workshop programme, and the pages where people book, change and cancel places.

The rules are in workshops.booking.rules; these views collect answers, call one
service, and say what happened. Every booking page finds its booking through
``_get_booking_for_user``, which answers 404 for bookings that are not the
person's to see, so that other Trusts' bookings cannot even be told to exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.views.decorators.http import require_POST

from collaborative.inputs.forms import posted
from collaborative.inputs.page_cache import public_page
from collaborative.people.models import FunctionalArea
from resources.models import Resource
from workshops import refusals
from workshops.booking import by_year, rules
from workshops.booking.certificates import certificate_pdf
from workshops.booking.colleagues import find_or_create_colleague
from workshops.booking.forms import (
    COLLEAGUE,
    MYSELF,
    AccessNeedsForm,
    BookingForm,
    ChangeAttendeeForm,
    ConfirmForm,
    InvitationForm,
)
from workshops.messages.calendar import booking_calendar
from workshops.models import Booking, BookingStatus, Invitation, Workshop
from workshops.steering import agenda


@public_page
def programme(request):
    """The workshops ahead, and the past ones of one year (the latest unless asked)."""
    workshops = Workshop.objects.public().select_related("theme")
    past = workshops.past()
    years, year = by_year.past_year(request, past.dates("date", "year"))
    return render(
        request,
        "workshops/programme.html",
        {
            "upcoming": workshops.upcoming(),
            "past": past.filter(date__year=year) if year else [],
            "past_years": years,
            "past_year": year,
        },
    )


@public_page
def detail(request, slug):
    """A published workshop. Staff may also preview a draft, which visitors cannot see."""
    workshops = Workshop.objects.all() if request.user.is_staff else Workshop.objects.public()
    workshop = get_object_or_404(
        workshops.with_places_taken()
        .select_related("theme", "outcome")
        .prefetch_related(
            "agenda_items",
            Prefetch(
                "resources",
                queryset=Resource.objects.published(),
                to_attr="published_resources",
            ),
            Prefetch("outcome__follow_up_events", queryset=Workshop.objects.public()),
        ),
        slug=slug,
    )
    context = {
        "workshop": workshop,
        "outcome": getattr(workshop, "outcome", None),
        "may_record_outcome": agenda.may_record_outcomes(request.user),
    }
    if request.user.is_authenticated:
        context.update(_booking_panel(request.user, workshop))
    return render(request, "workshops/detail.html", context)


@login_required
def book(request, slug):
    """Book a place. People book their own; a Trust's confirmed directors also book for
    colleagues, and only for colleagues once they have a place themselves
    (``?for=colleague`` starts the form on a colleague)."""
    own_booking = Booking.objects.active().filter(workshop=OuterRef("pk"), person=request.user.pk)
    workshop = get_object_or_404(
        Workshop.objects.public().with_places_taken().annotate(has_own_booking=Exists(own_booking)),
        slug=slug,
    )
    full = workshop.places_left() == 0
    mode = _booking_mode(request.user, workshop)
    if mode == COLLEAGUE and request.method == "POST" and request.POST.get("attendee") == MYSELF:
        # A second "myself" from a page that offered it (a double submit): show the booking.
        own = workshop.bookings.active().get(person=request.user)
        messages.info(request, refusals.AlreadyBooked(own, for_self=True).message)
        return redirect("workshops:booking", own.pk)
    form = BookingForm(
        posted(request),
        booker=request.user,
        workshop=workshop,
        mode=mode,
        chosen=COLLEAGUE if request.GET.get("for") == COLLEAGUE else None,
        submit_label=_submit_label(mode, full),
    )
    if form.is_valid():
        try:
            booking, new_account = _book(request.user, workshop, form)
        except refusals.AlreadyBooked as refusal:
            if _is_repeat(refusal.booking, request.user, form):
                messages.info(request, refusal.message)
                return redirect("workshops:booking", refusal.booking.pk)
            form.add_error(form.field_for(refusal.field), refusal.message)
        except refusals.BookingError as refusal:
            form.add_error(form.field_for(refusal.field), refusal.message)
        else:
            messages.success(request, _outcome(booking, request.user, new_account))
            return redirect("workshops:booking", booking.pk)
    refusal = _refusal(request.user, workshop)
    return render(
        request,
        "workshops/book.html",
        {
            "workshop": workshop,
            "form": form,
            "full": full,
            "for_colleague_only": mode == COLLEAGUE,
            "refusal": refusal,
            "refusal_needs_profile": _needs_profile(refusal, request.user),
        },
    )


@login_required
def booking(request, pk):
    booking = _get_booking_for_user(request, pk)
    Booking.set_waiting_positions([booking])
    return render(request, "workshops/booking.html", _booking_context(request, booking))


@login_required
def access_needs(request, pk):
    """The attendee gives or changes their access and dietary needs; nobody else sees them
    here, so to anyone else the page does not exist."""
    booking = _get_booking_for_user(request, pk)
    if not rules.may_see_access_needs(request.user, booking):
        raise Http404
    form = AccessNeedsForm(posted(request), initial={"access_needs": booking.access_needs})
    if form.is_valid():
        try:
            booking = rules.record_access_needs(
                booking=booking, by=request.user, text=form.cleaned_data["access_needs"]
            )
        except refusals.BookingError as refusal:
            form.add_error("access_needs" if refusal.field else None, refusal.message)
        else:
            given = "saved" if booking.access_needs else "removed"
            messages.success(request, f"Your access and dietary needs are {given}.")
            return redirect("workshops:booking", booking.pk)
    return render(request, "workshops/access_needs.html", {"booking": booking, "form": form})


@login_required
def change_attendee(request, pk):
    booking = _get_booking_for_user(request, pk)
    if refused := _unless_may_manage(request, booking):
        return refused
    form = ChangeAttendeeForm(posted(request), initial={"functional_area": booking.functional_area})
    if form.is_valid():
        try:
            with transaction.atomic():
                person, new_account = find_or_create_colleague(
                    booker=request.user, **form.colleague()
                )
                booking = rules.change_attendee(
                    booking=booking,
                    person=person,
                    functional_area=form.cleaned_data["functional_area"] or None,
                    changed_by=request.user,
                )
        except refusals.BookingError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            text = f"{person} now has this booking ({booking.get_status_display().lower()})."
            messages.success(request, text + _set_up_note(person, new_account))
            return redirect("workshops:booking", booking.pk)
    return render(request, "workshops/change_attendee.html", {"booking": booking, "form": form})


@login_required
def cancel(request, pk):
    """GET asks "are you sure?"; only the POST cancels, and the place goes to the waiting list."""
    booking = _get_booking_for_user(request, pk)
    if refused := _unless_may_manage(request, booking):
        return refused
    if request.method == "POST":
        try:
            booking = rules.cancel_booking(booking=booking, by=request.user)
        except refusals.BookingError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"The booking for {booking.person} is cancelled.")
        return redirect("workshops:booking", booking.pk)
    return render(request, "workshops/cancel.html", _booking_context(request, booking))


@login_required
def offer(request, pk):
    booking = _get_booking_for_user(request, pk)
    if refused := _unless_may_manage(request, booking):
        return refused
    return render(request, "workshops/offer.html", {"booking": booking, "form": ConfirmForm()})


@login_required
@require_POST
def accept_offer(request, pk):
    return _answer_offer(request, pk, rules.accept_offer, "accepted")


@login_required
@require_POST
def decline_offer(request, pk):
    return _answer_offer(request, pk, rules.decline_offer, "declined")


@login_required
def calendar(request, pk):
    """The calendar entry of a confirmed place; other bookings have none."""
    booking = _get_booking_for_user(request, pk, status=BookingStatus.CONFIRMED)
    ics = booking_calendar(booking, viewer=request.user)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nmhwdc-{booking.workshop.slug}.ics"'
    return response


@login_required
def my_bookings(request):
    bookings = rules.bookings_visible_to(request.user).filter(person=request.user)
    return render(
        request,
        "workshops/my_bookings.html",
        {
            **_upcoming_and_past(request, bookings),
            "manages_trust_bookings": rules.manages_trust_bookings(request.user),
            "open_to_colleagues": _open_to_colleagues(request.user),
        },
    )


@login_required
def trust_bookings(request):
    """A Trust's bookings for its directors: places still to come (not the cancelled ones),
    and past places with who attended."""
    context = {"refusal": None, "upcoming": [], "past": [], "open_to_colleagues": []}
    if rules.manages_trust_bookings(request.user):
        bookings = (
            rules.bookings_visible_to(request.user)
            .filter(trust_id=request.user.trust_id)
            .exclude(status=BookingStatus.CANCELLED)
        )
        context.update(_upcoming_and_past(request, bookings))
        context["open_to_colleagues"] = _open_to_colleagues(request.user)
    else:
        context["refusal"] = _refusal(request.user) or _not_a_manager(request.user)
    return render(request, "workshops/trust_bookings.html", context)


@login_required
def attended(request):
    """The workshops the person attended, as the operations manager recorded, each with its
    certificate of attendance."""
    bookings = (
        Booking.objects.filter(person=request.user, attended=True)
        .select_related("workshop", "trust", "stakeholder_body")
        .order_by("-workshop__date", "-workshop__start_time", "-pk")
    )
    not_recorded = (
        Booking.objects.filter(
            person=request.user, status=BookingStatus.CONFIRMED, attended__isnull=True
        )
        .filter(
            Q(workshop__status=Workshop.Status.HELD)
            | (
                Q(workshop__date__lt=timezone.localdate())
                & ~Q(workshop__status__in=(Workshop.Status.DRAFT, Workshop.Status.CANCELLED))
            )
        )
        .count()
    )
    return render(
        request,
        "workshops/attended.html",
        {"bookings": bookings, "not_recorded": not_recorded},
    )


@login_required
def certificate(request, pk):
    """The certificate of attendance, for the person who attended and the operations
    manager only; to anyone else, and for an attendance not recorded, it does not exist."""
    booking = get_object_or_404(
        Booking.objects.select_related("workshop", "person", "trust", "stakeholder_body"),
        pk=pk,
        attended=True,
    )
    if booking.person_id != request.user.pk and not rules.is_operations(request.user):
        raise Http404
    response = HttpResponse(certificate_pdf(booking), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="nmhwdc-certificate-{booking.workshop.slug}.pdf"'
    )
    return response


@login_required
def invitation(request, token):
    """A stakeholder representative's personal link to book their place."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("workshop__theme"), token=token
    )
    if invitation.person_id != request.user.pk:
        # The link is personal: someone else holding it learns only that it is not theirs.
        return render(
            request, "workshops/invitation_not_yours.html", {"workshop": invitation.workshop}
        )
    form = InvitationForm(posted(request), workshop=invitation.workshop)
    if form.is_valid():
        try:
            booking = rules.book_with_invitation(
                token=token,
                person=request.user,
                access_needs=form.cleaned_data.get("access_needs", ""),
            )
        except refusals.BookingError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, _outcome(booking, request.user))
            return redirect("workshops:booking", booking.pk)
    own_booking = invitation.workshop.bookings.active().filter(person=request.user).first()
    return render(
        request,
        "workshops/invitation.html",
        {
            "invitation": invitation,
            "workshop": invitation.workshop,
            "own_booking": own_booking,
            "form": form,
        },
    )


# Who may see which bookings -------------------------------------------------


def _get_booking_for_user(request, pk, **filters):
    """The booking if the person may see it, else 404, which does not tell whether it exists."""
    bookings = rules.bookings_visible_to(request.user).select_related(
        "workshop", "person", "booked_by", "trust", "stakeholder_body"
    )
    return get_object_or_404(bookings.filter(**filters), pk=pk)


def _unless_may_manage(request, booking):
    """Seeing a Trust's booking is not changing it: others are sent back with the reason."""
    try:
        rules.check_may_manage(request.user, booking)
    except refusals.NotAllowed as refusal:
        messages.error(request, refusal.message)
        return redirect("workshops:booking", booking.pk)
    return None


# Helpers of the pages ------------------------------------------------------


def _refusal(person, workshop=None):
    """Why the person cannot book (at this workshop), in the service's words, or None."""
    try:
        rules.check_may_book_for_trust(person)
    except refusals.BookingError as refusal:
        return refusal
    if workshop is not None and not workshop.is_open_for_booking:
        return refusals.BookingNotOpen.for_workshop(workshop, timezone.localdate())
    return None


def _not_a_manager(person):
    """Why a member who may book their own place does not see the whole Trust's."""
    if rules.manages_trust_bookings(person):
        return None
    return refusals.NotAllowed(
        "Only your Trust's directors, once their director-level role is confirmed, see all of "
        "its bookings. Your own bookings, and those you made for others, are under My bookings."
    )


def _needs_profile(refusal, person):
    """Whether the way past a refusal starts on the profile page (affiliation, e-mail address).

    Not for stakeholder representatives: they need an invitation, which the profile cannot
    give them.
    """
    return isinstance(refusal, refusals.NotAffiliated | refusals.NotVerified) and not (
        person.stakeholder_body_id
    )


def _booking_mode(person, workshop):
    """Who the booking form can book for: MYSELF, COLLEAGUE (a director who has a place
    already), or None: a director chooses. ``workshop.has_own_booking`` is annotated by
    the booking page's query."""
    if not rules.manages_trust_bookings(person):
        return MYSELF
    if workshop.has_own_booking:
        return COLLEAGUE
    return None


def _submit_label(mode, full):
    if mode == COLLEAGUE:
        return "Put your colleague on the waiting list" if full else "Book a place for them"
    return "Join the waiting list" if full else "Book a place"


def _open_to_colleagues(person):
    """For a Trust's directors: the workshops open for booking where the Trust still has
    places free, each with ``trust_places_free``, in one query."""
    if not rules.manages_trust_bookings(person):
        return []
    held = Count(
        "bookings",
        filter=Q(
            bookings__trust_id=person.trust_id,
            bookings__status__in=Booking.PLACE_HOLDING_STATUSES,
        ),
    )
    workshops = (
        Workshop.objects.open_for_booking()
        .annotate(trust_places_held=held)
        .filter(trust_places_held__lt=F("places_per_trust"))
        .order_by("date", "start_time")
    )
    for workshop in workshops:
        workshop.trust_places_free = workshop.places_per_trust - workshop.trust_places_held
    return workshops


def _booking_panel(person, workshop):
    """What a signed-in person sees about booking this workshop, in a constant number of queries."""
    own_booking = workshop.bookings.active().filter(person=person).select_related("person").first()
    if own_booking:
        Booking.set_waiting_positions([own_booking])
    refusal = _refusal(person, workshop)
    panel = {
        "places_left": workshop.places_left(),
        "own_booking": own_booking,
        "video_link": own_booking.video_link_for(person) if own_booking else "",
        "refusal": refusal,
        "refusal_needs_profile": _needs_profile(refusal, person),
    }
    if rules.manages_trust_bookings(person):
        panel["trust_places"] = _trust_places(person.trust_id, workshop)
    elif person.stakeholder_body_id and not own_booking:
        panel["invitation"] = workshop.invitations.filter(person=person).first()
    return panel


def _trust_places(trust_id, workshop):
    """The Trust's bookings at the workshop by functional area, and how many places are free."""
    bookings = list(
        workshop.bookings.active()
        .filter(trust_id=trust_id)
        .select_related("person")
        .order_by("requested_at", "pk")
    )
    Booking.set_waiting_positions(bookings)
    holders = [booking for booking in bookings if booking.holds_a_place]
    return {
        "areas": [
            {"label": label, "bookings": [b for b in holders if b.functional_area == value]}
            for value, label in FunctionalArea.choices
        ],
        "waiting": [booking for booking in bookings if booking.status == BookingStatus.WAITING],
        "free": max(workshop.places_per_trust - len(holders), 0),
    }


def _upcoming_and_past(request, bookings):
    """The bookings for workshops ahead, and those of one past year (the latest unless
    asked), with the years there are."""
    today = timezone.localdate()
    years, year = by_year.past_year(
        request, bookings.filter(workshop__date__lt=today).dates("workshop__date", "year")
    )
    shown = Q(workshop__date__gte=today)
    if year:
        shown |= Q(workshop__date__year=year)
    bookings = list(
        bookings.filter(shown)
        .select_related("workshop", "person")
        .order_by("workshop__date", "workshop__start_time", "requested_at", "pk")
    )
    Booking.set_waiting_positions(bookings)
    return {
        "upcoming": [booking for booking in bookings if booking.workshop.date >= today],
        "past": [booking for booking in reversed(bookings) if booking.workshop.date < today],
        "past_years": years,
        "past_year": year,
    }


def _booking_context(request, booking):
    is_upcoming = booking.workshop.date >= timezone.localdate()
    may_see_access_needs = rules.may_see_access_needs(request.user, booking)
    return {
        "booking": booking,
        "is_attendee": booking.person_id == request.user.pk,
        "video_link": booking.video_link_for(request.user),
        "may_manage": rules.may_manage_booking(request.user, booking),
        "is_upcoming": is_upcoming,
        "may_see_access_needs": may_see_access_needs,
        "may_change_access_needs": may_see_access_needs
        and is_upcoming
        and not booking.workshop.has_taken_place
        and booking.status != BookingStatus.CANCELLED,
    }


def _book(booker, workshop, form):
    """Book the place the form asks for, all or nothing: a refusal leaves no new account behind.

    One's own place is the rule's own transaction; a colleague's wraps their new account in it.
    """
    if not form.for_colleague:
        return _book_place(booker, booker, workshop, form), False
    with transaction.atomic():
        person, new_account = find_or_create_colleague(booker=booker, **form.colleague())
        return _book_place(booker, person, workshop, form), new_account


def _book_place(booker, person, workshop, form):
    return rules.book_place(
        workshop=workshop,
        person=person,
        booked_by=booker,
        functional_area=form.functional_area(),
        access_needs=form.cleaned_data.get("access_needs", ""),
    )


def _is_repeat(existing, booker, form):
    """Whether the form asked for this existing booking (a double submit) and may see it."""
    asked_for = form.cleaned_data["email"] if form.for_colleague else booker.email
    return (
        existing.person.email.lower() == asked_for.lower()
        and rules.bookings_visible_to(booker).filter(pk=existing.pk).exists()
    )


def _outcome(booking, viewer, new_account=False):
    """What a new booking came to: a confirmed place, the waiting list, or awaiting approval."""
    mine = booking.person_id == viewer.pk
    workshop = f"“{booking.workshop.title}” on {formats.date_format(booking.workshop.date)}"
    if booking.status == BookingStatus.WAITING:
        who = "you are" if mine else f"{booking.person} is"
        text = (
            f"The workshop {workshop} is full, so {who} on the waiting list at position "
            f"{getattr(booking, 'position', None) or booking.waiting_position()}. "
            "If a place comes up, it will be offered here."
        )
    elif booking.status == BookingStatus.AWAITING_APPROVAL:
        who = "Your place" if mine else f"{booking.person}'s place"
        reason = booking.approval_reason_to_attendee if mine else booking.approval_reason
        text = f"{who} at {workshop} is awaiting approval. {reason}"
    else:
        who = "You have" if mine else f"{booking.person} has"
        text = f"{who} a confirmed place at {workshop}."
    return text + _set_up_note(booking.person, new_account)


def _set_up_note(person, new_account):
    if not new_account:
        return ""
    return f" We have e-mailed {person.email} a link to set up their account."


def _answer_offer(request, pk, answer, done):
    booking = _get_booking_for_user(request, pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            booking = answer(booking=booking, by=request.user)
        except refusals.BookingError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request, f"The offer of a place at {booking.workshop.title} is {done}."
            )
            return redirect("workshops:booking", booking.pk)
    return render(request, "workshops/offer.html", {"booking": booking, "form": form})
