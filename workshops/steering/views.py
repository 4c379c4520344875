"""The steering group's pages: programme planner, topic proposals, agenda editor, outcomes.

Every page answers 404 to anyone not on the steering group, signed in or not, so that
the area cannot even be told to exist; the outcome page also lets the programme
operations manager in. The rules are in workshops.steering.planning and
workshops.steering.agenda: each view collects answers, calls one rule, and says what happened.
"""

import copy
from functools import wraps

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from collaborative.inputs.forms import posted
from collaborative.inputs.spreadsheets import csv_download
from collaborative.people.roles import sits_on_steering_group
from workshops.engagement import OUTLINE
from workshops.feedback import survey
from workshops.models import AgendaComment, AgendaItem, TopicProposal, TopicSupport, Workshop
from workshops.steering import agenda, decisions, planning
from workshops.steering.forms import (
    AgendaCommentForm,
    AgendaItemForm,
    OutcomeForm,
    SignOffForm,
    TopicProposalForm,
    WorkshopDetailsForm,
    planning_defaults,
)

# Years the planner shows: from the Collaborative's founding to a decade ahead.
FIRST_YEAR = 2017


def steering_member_required(view):
    """404 for anyone not on the steering group. Put it outermost, so that no other check
    (a 405 for a GET, say) tells an outsider the page exists."""

    @wraps(view)
    def for_steering_members(request, *args, **kwargs):
        if not sits_on_steering_group(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return for_steering_members


# The programme planner and topic proposals -------------------------------------------


@steering_member_required
def planner(request, year=None):
    today = timezone.localdate()
    year = year or planning.year_to_plan(today)
    if not FIRST_YEAR <= year <= today.year + 10:
        raise Http404("No programme for that year.")
    quarters, others = planning.programme_for(year)
    return render(
        request,
        "workshops/steering/planner.html",
        {
            "year": year,
            "quarters": quarters,
            "others": others,
            "proposals": _proposals(request.user, workshop=None),
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < today.year + 10 else None,
            "today": today,
        },
    )


@steering_member_required
def proposals(request):
    form = TopicProposalForm(posted(request))
    if form.is_valid():
        proposal = planning.propose_topic(proposed_by=request.user, **form.details())
        messages.success(request, f"Your topic “{proposal.title}” is proposed.")
        return redirect("workshops:steering:proposals")
    return render(
        request,
        "workshops/steering/proposals.html",
        {"proposals": _proposals(request.user), "form": form},
    )


@steering_member_required
@require_POST
def support(request, pk):
    proposal = get_object_or_404(TopicProposal, pk=pk)
    try:
        planning.support_topic(proposal=proposal, person=request.user)
    except agenda.AgendaError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"You support “{proposal.title}”.")
    return redirect("workshops:steering:proposals")


@steering_member_required
@require_POST
def withdraw_support(request, pk):
    proposal = get_object_or_404(TopicProposal, pk=pk)
    planning.withdraw_support(proposal=proposal, person=request.user)
    messages.success(request, f"You no longer support “{proposal.title}”.")
    return redirect("workshops:steering:proposals")


@steering_member_required
def plan_quarter(request, year, quarter):
    if quarter not in planning.QUARTERS or not FIRST_YEAR <= year <= timezone.localdate().year + 10:
        raise Http404("No such quarter.")
    day = planning.default_day(year, quarter)
    return _plan(request, f"Plan the {day:%B %Y} workshop", date=day)


@steering_member_required
def plan_event(request):
    return _plan(request, "Plan a forum or videoconference", kind=Workshop.Kind.FORUM)


@steering_member_required
def plan_proposal(request, pk):
    proposal = get_object_or_404(TopicProposal.objects.filter(workshop=None), pk=pk)
    return _plan(
        request,
        "Plan a workshop on this topic",
        proposal=proposal,
        title=proposal.title,
        theme=proposal.theme,
        description=proposal.rationale,
    )


def _plan(request, heading, proposal=None, **initial):
    form = WorkshopDetailsForm(
        posted(request), initial=planning_defaults(**initial), submit_label="Save as a draft"
    )
    if form.is_valid():
        try:
            workshop = planning.plan_workshop(
                planned_by=request.user, proposal=proposal, **form.details()
            )
        except agenda.AgendaError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(
                request, f"“{workshop.title}” is planned as a draft. Now draft its agenda."
            )
            return redirect("workshops:steering:agenda", workshop.slug)
    return render(
        request,
        "workshops/steering/plan.html",
        {"form": form, "heading": heading, "proposal": proposal},
    )


# A workshop: overview and history, details, agenda, agreement, outcome --------------------


@steering_member_required
def workshop(request, slug):
    return _workshop_page(request, slug)


def _workshop_page(request, slug, comment_form=None):
    comment_form = comment_form or AgendaCommentForm()
    comment_form.helper.form_action = reverse("workshops:steering:comment", args=[slug])
    workshop = get_object_or_404(
        Workshop.objects.select_related("theme", "outcome", "proposal").prefetch_related(
            "agenda_items"
        ),
        slug=slug,
    )
    return render(
        request,
        "workshops/steering/workshop.html",
        {
            "workshop": workshop,
            "changes": workshop.changes.select_related("changed_by"),
            "refusal": agenda.why_unchangeable(workshop),
            **_sign_off_context(workshop, request.user),
            "comment_form": comment_form,
        },
    )


def _sign_off_context(workshop, viewer):
    """The sign-off section: the rule, each member's decision, the discussion."""
    state = decisions.state(workshop)
    open_request = (
        workshop.sign_off_requests.filter(is_open=True).select_related("asked_by").first()
    )
    return {
        "sign_off": state,
        "decisions": [(member, "Signed off") for member in state.signed_off]
        + [(member, "Asked for changes") for member in state.changes_requested]
        + [(member, "Not yet") for member in state.not_answered],
        "open_request": open_request,
        "discussion": workshop.agenda_comments.select_related("author__trust"),
        "viewer_signed_off": any(member.pk == viewer.pk for member in state.signed_off),
    }


@steering_member_required
def edit_workshop(request, slug):
    workshop = _get_workshop(slug)
    # The form writes its answers into its instance: a copy keeps the page's own as stored.
    form = WorkshopDetailsForm(
        posted(request), instance=copy.copy(workshop), submit_label="Save the changes"
    )
    if form.is_valid():
        try:
            change = agenda.change_workshop(
                workshop=workshop, changed_by=request.user, **form.details()
            )
        except agenda.AgendaError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, change.summary if change else "Nothing was changed.")
            return redirect("workshops:steering:workshop", slug)
    return render(
        request,
        "workshops/steering/edit_workshop.html",
        {"workshop": workshop, "form": form, "refusal": agenda.why_unchangeable(workshop)},
    )


@steering_member_required
def agenda_editor(request, slug):
    """The agenda, item by item, with the form to add one below."""
    workshop = _get_workshop(slug)
    form = AgendaItemForm(posted(request), submit_label="Add to the agenda")
    if form.is_valid():
        try:
            item = agenda.add_agenda_item(
                workshop=workshop, added_by=request.user, **form.details()
            )
        except agenda.AgendaError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, f"“{item.title}” is on the agenda.")
            return redirect("workshops:steering:agenda", slug)
    return render(
        request,
        "workshops/steering/agenda.html",
        {
            "workshop": workshop,
            "items": workshop.agenda_items.all(),
            "form": form,
            "refusal": agenda.why_unchangeable(workshop),
        },
    )


@steering_member_required
def edit_item(request, slug, pk):
    item = _get_item(slug, pk)
    form = AgendaItemForm(posted(request), instance=item, submit_label="Save the item")
    if form.is_valid():
        try:
            change = agenda.change_agenda_item(item=item, changed_by=request.user, **form.details())
        except agenda.AgendaError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, change.summary if change else "Nothing was changed.")
            return redirect("workshops:steering:agenda", slug)
    return render(
        request,
        "workshops/steering/agenda_item.html",
        {"workshop": item.workshop, "item": item, "form": form},
    )


@steering_member_required
@require_POST
def move_item(request, slug, pk):
    item = _get_item(slug, pk)
    try:
        change = agenda.move_agenda_item(
            item=item, direction=request.POST.get("direction"), moved_by=request.user
        )
    except agenda.AgendaError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, change.summary)
    return redirect("workshops:steering:agenda", slug)


@steering_member_required
def remove_item(request, slug, pk):
    """GET asks "are you sure?"; only the POST removes the item."""
    item = _get_item(slug, pk)
    if request.method == "POST":
        try:
            change = agenda.remove_agenda_item(item=item, removed_by=request.user)
        except agenda.AgendaError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, change.summary)
        return redirect("workshops:steering:agenda", slug)
    return render(
        request, "workshops/steering/remove_item.html", {"workshop": item.workshop, "item": item}
    )


@steering_member_required
def sign_off_agenda(request, slug):
    """GET shows the draft to decide on; the POST signs it off or asks for changes."""
    workshop = _get_workshop(slug)
    form = SignOffForm(posted(request))
    if form.is_valid():
        try:
            agenda.sign_off_agenda(
                workshop=workshop,
                member=request.user,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
            )
        except agenda.AgendaError as refusal:
            form.add_refusal(refusal)
        else:
            workshop.refresh_from_db()
            if workshop.agenda_is_public:
                text = (
                    f"You signed off the agenda of “{workshop.title}”. With your sign-off it "
                    "meets the steering group's rule, so it is agreed and now public."
                )
            elif form.cleaned_data["decision"] == AgendaComment.Decision.SIGNED_OFF:
                text = f"You signed off the agenda. {decisions.state(workshop).progress}"
            else:
                text = "You asked for changes. The other members see your comment."
            messages.success(request, text)
            return redirect("workshops:steering:workshop", slug)
    return render(
        request,
        "workshops/steering/sign_off.html",
        {
            "workshop": workshop,
            "items": workshop.agenda_items.all(),
            "form": form,
            "refusal": agenda.why_unchangeable(workshop),
            **_sign_off_context(workshop, request.user),
        },
    )


@steering_member_required
@require_POST
def comment(request, slug):
    workshop = _get_workshop(slug)
    form = AgendaCommentForm(request.POST)
    if form.is_valid():
        try:
            agenda.comment_on_agenda(
                workshop=workshop, author=request.user, text=form.cleaned_data["text"]
            )
        except agenda.AgendaError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, "Your comment is added to the discussion.")
            return redirect(reverse("workshops:steering:workshop", args=[slug]) + "#discussion")
    return _workshop_page(request, slug, comment_form=form)


@steering_member_required
@require_POST
def ask_for_sign_off(request, slug):
    workshop = _get_workshop(slug)
    try:
        agenda.ask_for_sign_off(workshop=workshop, asked_by=request.user)
    except agenda.AgendaError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            "The other members of the steering group are e-mailed that the draft is ready for "
            "their sign-off.",
        )
    return redirect("workshops:steering:workshop", slug)


@steering_member_required
@require_POST
def agree(request, slug):
    """Agree an agenda whose sign-offs meet the rule already (the rule changed since)."""
    workshop = _get_workshop(slug)
    try:
        agenda.agree_agenda(workshop=workshop, agreed_by=request.user)
    except agenda.AgendaError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"The agenda of “{workshop.title}” is agreed and now public.")
    return redirect("workshops:steering:workshop", slug)


# Feedback after a workshop ---------------------------------------------------------------


def _feedback_workshop(request, slug):
    if not survey.may_see_results(request.user):
        raise Http404("No such page.")
    return get_object_or_404(Workshop.objects.select_related("theme"), slug=slug)


def feedback_results(request, slug):
    """The answers of a workshop's attendees, without names: for the steering group and the
    programme operations manager."""
    workshop = _feedback_workshop(request, slug)
    return render(
        request,
        "workshops/steering/feedback.html",
        {
            "workshop": workshop,
            "results": survey.results(workshop),
            "min_answers": survey.MIN_ANSWERS_SHOWN,
            "questions": survey.QUESTIONS,
            "outline": OUTLINE,
            "on_steering_group": sits_on_steering_group(request.user),
        },
    )


def feedback_csv(request, slug):
    workshop = _feedback_workshop(request, slug)
    results = survey.results(workshop)
    if not results.shown:
        raise Http404("Too few answers to show yet.")
    return csv_download(f"feedback-{workshop.slug}.csv", survey.csv_rows(results))


def outcome(request, slug):
    """Steering members and the programme operations manager record what a workshop agreed."""
    if not agenda.may_record_outcomes(request.user):
        raise Http404("No such page.")
    workshop = get_object_or_404(Workshop.objects.select_related("outcome"), slug=slug)
    existing = getattr(workshop, "outcome", None)
    form = OutcomeForm(
        posted(request), instance=existing, workshop=workshop, submit_label="Save the outcome"
    )
    if form.is_valid():
        try:
            agenda.record_outcome(workshop=workshop, recorded_by=request.user, **form.details())
        except agenda.AgendaError as refusal:
            form.add_refusal(refusal)
        else:
            messages.success(request, f"The outcome of “{workshop.title}” is published.")
            return redirect(workshop.get_absolute_url() + "#outcome")
    return render(
        request,
        "workshops/steering/outcome.html",
        {
            "workshop": workshop,
            "form": form,
            "refusal": None if workshop.has_taken_place else agenda.NOT_TAKEN_PLACE,
            "on_steering_group": sits_on_steering_group(request.user),
        },
    )


# Helpers of the pages ------------------------------------------------------------


def _get_workshop(slug):
    return get_object_or_404(Workshop.objects.select_related("theme"), slug=slug)


def _get_item(slug, pk):
    return get_object_or_404(
        AgendaItem.objects.select_related("workshop"), workshop__slug=slug, pk=pk
    )


def _proposals(viewer, **filters):
    """Proposals with their supporters, the best supported first, each marked with whether
    the viewer proposed or supports it."""
    proposals = list(
        TopicProposal.objects.filter(**filters)
        .select_related("proposed_by__trust", "theme", "workshop")
        .prefetch_related(
            Prefetch("supports", queryset=TopicSupport.objects.select_related("person__trust"))
        )
        .annotate(support_count=Count("supports"))
        .order_by("-support_count", "-proposed_at", "-pk")
    )
    for proposal in proposals:
        proposal.proposed_by_viewer = proposal.proposed_by_id == viewer.pk
        proposal.supported_by_viewer = any(
            support.person_id == viewer.pk for support in proposal.supports.all()
        )
    return proposals
