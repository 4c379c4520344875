from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from collaborative.inputs.page_cache import public_page
from collaborative.inputs.ratelimit import rate_limited
from collaborative.people import calendar_tokens
from collaborative.people.models import FunctionalArea, User, has_verified_email
from collaborative.site import contact_messages
from collaborative.site.forms import (
    AffiliationRequestForm,
    CalendarFeedForm,
    ContactForm,
    ProfileForm,
)
from trusts import services as trust_services
from trusts.models import Trust
from workshops.models import Theme, Workshop


@public_page
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


@rate_limited("contact")
def contact(request):
    form = ContactForm(request.POST or None, initial=ContactForm.initial_for(request.user))
    if request.method == "POST" and form.is_valid():
        contact_messages.receive_contact_message(
            form.save(commit=False),
            sent_by=request.user if request.user.is_authenticated else None,
        )
        return redirect("contact_sent")
    return render(request, "pages/contact.html", {"form": form})


def contact_sent(request):
    return render(request, "pages/contact_sent.html")


@login_required
def profile(request):
    # An empty POST is still a POST: ``request.POST or None`` would show it as a fresh form.
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if form.is_valid():
        person = form.save()
        text = "Your details have been saved."
        if "seniority" in form.changed_data and person.seniority_awaits_confirmation:
            text += (
                f" Your seniority as {person.get_seniority_display()} is waiting for "
                f"confirmation by {_seniority_confirmers(person)}."
            )
        messages.success(request, text)
        return redirect("profile")
    return _render_profile(request, profile_form=form)


def _seniority_confirmers(person):
    """Who can confirm the person's director-level role, as the profile tells it."""
    if person.trust_id:
        return "the programme operations manager or a director of your Trust"
    return "the programme operations manager"


@login_required
@require_POST
def request_affiliation(request):
    """Only people not yet linked to an organisation ask; others have nothing to ask for here."""
    if request.user.affiliation:
        raise Http404("Already linked to an organisation.")
    form = AffiliationRequestForm(request.POST)
    if form.is_valid():
        affiliation = trust_services.request_affiliation(person=request.user, **form.cleaned_data)
        organisation = affiliation.trust or affiliation.stakeholder_body
        messages.success(
            request,
            f"You have asked to be linked to {organisation}. The programme operations manager "
            "will decide, and you can book once they approve.",
        )
        return redirect("profile")
    return _render_profile(request, affiliation_form=form)


@login_required
@require_POST
def calendar_feed(request):
    """Create, replace or turn off the person's calendar feed address."""
    form = CalendarFeedForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        if action == "revoke":
            calendar_tokens.revoke_calendar_token(request.user)
            text = "Your calendar address is turned off. Calendars subscribed to it stop updating."
        else:
            calendar_tokens.issue_calendar_token(request.user)
            text = "Your calendar address is ready. Add it to your calendar below."
            if action == "replace":
                text = "You have a new calendar address; the old one no longer works. " + text
        messages.success(request, text)
    return redirect(reverse("profile") + "#calendar")


def _calendar_feed_urls(person):
    """The feed's address, as https and as webcal (which opens a calendar program)."""
    if not person.calendar_token:
        return None
    url = settings.PORTAL_BASE_URL + reverse("calendar_feed", args=[person.calendar_token])
    return {"https": url, "webcal": "webcal://" + url.split("://", 1)[1]}


def _render_profile(request, profile_form=None, affiliation_form=None):
    person = request.user
    # As saved: a form with errors has already put its answers on ``request.user``.
    saved = User.objects.only("seniority", "confirmed_seniority", "trust").get(pk=person.pk)
    context = {
        "profile_form": profile_form or ProfileForm(instance=person),
        "email_verified": has_verified_email(person),
        "calendar_feed": _calendar_feed_urls(person),
        "seniority": {
            "stated": saved.get_seniority_display() if saved.seniority else "",
            "confirmed": saved.is_director_level and not saved.seniority_awaits_confirmation,
            "waiting": saved.seniority_awaits_confirmation,
            "counts_meanwhile": saved.is_director_level,
            "confirmed_as": saved.get_confirmed_seniority_display(),
            "confirmers": _seniority_confirmers(saved),
        },
    }
    if not person.affiliation:
        context["affiliation_form"] = affiliation_form or AffiliationRequestForm()
        context["affiliation_request"] = (
            person.affiliation_requests.select_related("trust", "stakeholder_body")
            .order_by("-requested_at")
            .first()
        )
    return render(request, "pages/profile.html", context)
