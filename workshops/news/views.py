"""The public News and events page and its Atom feed: workshop announcements and outcomes.

Two parts, each with the item that matters most first: the workshops ahead, announced
once their agenda is agreed, the next one first; then the past ones, the latest first,
each told by what it discussed and agreed where that is recorded, and otherwise by its
announcement as the Collaborative's record gives it.
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from collaborative.inputs.page_cache import public_page
from demo import registry as demo_registry
from workshops.booking import by_year
from workshops.models import Outcome, Workshop

FEED_LENGTH = 30


@dataclass(frozen=True)
class NewsItem:
    """One entry of the page and of the feed."""

    is_outcome: bool
    workshop: Workshop
    title: str
    summary: str
    url: str
    updated: datetime.datetime
    outcome: Outcome | None = None
    is_demo: bool = False
    is_past: bool = False

    @property
    def day(self):
        return self.workshop.date


def _announcement(workshop, demo, *, is_past=False):
    return NewsItem(
        is_outcome=False,
        workshop=workshop,
        title=workshop.title,
        summary=workshop.description,
        url=workshop.get_absolute_url(),
        updated=workshop.updated_at,
        is_demo=str(workshop.pk) in demo,
        is_past=is_past,
    )


def _outcome(outcome, demo):
    workshop = outcome.workshop
    return NewsItem(
        is_outcome=True,
        workshop=workshop,
        title=f"What we agreed: {workshop.title}",
        summary=outcome.summary,
        url=workshop.get_absolute_url() + "#outcome",
        updated=outcome.updated_at,
        outcome=outcome,
        is_demo=str(workshop.pk) in demo,
        is_past=True,
    )


def _when(item):
    # A past event's start time may be unrecorded: it sorts first on its day.
    return (item.workshop.date, item.workshop.start_time or datetime.time.min)


def _public():
    return Workshop.objects.public().exclude(status=Workshop.Status.CANCELLED)


def _ahead(demo, today=None):
    """The public workshops ahead, the next first."""
    return sorted(
        (_announcement(w, demo) for w in _public().upcoming(today).select_related("theme")),
        key=_when,
    )


def _past(workshops, demo):
    """Past ``workshops``, the latest first, each told by its outcome where it has one."""
    past = [
        _outcome(outcome, demo)
        if (outcome := getattr(workshop, "outcome", None))
        else _announcement(workshop, demo, is_past=True)
        for workshop in workshops.select_related("theme", "outcome").prefetch_related(
            Prefetch(
                "outcome__follow_up_events",
                queryset=Workshop.objects.public().order_by("date", "start_time"),
            )
        )
    ]
    return sorted(past, key=_when, reverse=True)


def news_items(today=None, *, past_year=None, length=None):
    """The public workshops ahead, the next first; then the past ones, the latest first:
    those of ``past_year``, or the latest so that there are ``length`` items in all."""
    demo = demo_registry.keys(Workshop)
    ahead = _ahead(demo, today)
    past = _public().past(today)
    if past_year is not None:
        past = past.filter(date__year=past_year)
    if length is not None:
        past = past[: max(length - len(ahead), 0)]
    return (ahead + _past(past, demo))[:length]


@public_page
def news(request):
    """What is ahead, and the past events of one year (the latest unless asked)."""
    today = timezone.localdate()
    years, year = by_year.past_year(request, _public().past(today).dates("date", "year"))
    return render(
        request,
        "workshops/news.html",
        {
            "items": news_items(today, past_year=year),
            "today": today,
            "past_years": years,
            "past_year": year,
        },
    )


@method_decorator(public_page, name="__call__")
class NewsFeed(Feed):
    feed_type = Atom1Feed
    title = "NMHWDC news and events"
    subtitle = (
        "Workshops of the National Mental Health Workforce Development Collaborative, "
        "and what they agreed."
    )
    author_name = "National Mental Health Workforce Development Collaborative"

    def link(self):
        return reverse("news")

    def items(self):
        return news_items(length=FEED_LENGTH)

    def item_title(self, item):
        # Made-up workshops say so in the feed too, where the page's banner is not seen.
        if item.is_demo:
            return f"Demonstration (made up): {item.title}"
        return item.title

    def item_description(self, item):
        return Truncator(item.summary).words(80)

    def item_link(self, item):
        return item.url

    def item_updateddate(self, item):
        return item.updated

    def item_categories(self, item):
        return ["Outcome" if item.is_outcome else item.workshop.get_kind_display()]
