"""The public News and events page and its Atom feed: workshop announcements and outcomes.

Like the Collaborative's own news page, items are ordered by the day of the event they
are about, newest first: the workshops ahead (announced once their agenda is agreed),
then what past workshops discussed and agreed.
"""

import datetime
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator

from demo import registry as demo_registry
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

    @property
    def day(self):
        return self.workshop.date


def news_items(today=None):
    """Announcements of the public workshops ahead, and outcomes of the ones held."""
    public = Workshop.objects.public().exclude(status=Workshop.Status.CANCELLED)
    demo = demo_registry.keys(Workshop)
    announcements = [
        NewsItem(
            is_outcome=False,
            workshop=workshop,
            title=workshop.title,
            summary=workshop.description,
            url=workshop.get_absolute_url(),
            updated=workshop.updated_at,
            is_demo=str(workshop.pk) in demo,
        )
        for workshop in public.upcoming(today).select_related("theme")
    ]
    outcomes = [
        NewsItem(
            is_outcome=True,
            workshop=outcome.workshop,
            title=f"What we agreed: {outcome.workshop.title}",
            summary=outcome.summary,
            url=outcome.workshop.get_absolute_url() + "#outcome",
            updated=outcome.updated_at,
            outcome=outcome,
        )
        for outcome in Outcome.objects.filter(workshop__in=public)
        .select_related("workshop__theme")
        .prefetch_related(
            Prefetch(
                "follow_up_events",
                queryset=Workshop.objects.public().order_by("date", "start_time"),
            )
        )
    ]
    return sorted(
        announcements + outcomes,
        # A past event's start time may be unrecorded: it sorts first on its day.
        key=lambda item: (
            item.workshop.date,
            item.workshop.start_time or datetime.time.min,
            item.is_outcome,
        ),
        reverse=True,
    )


def news(request):
    return render(
        request, "workshops/news.html", {"items": news_items(), "today": timezone.localdate()}
    )


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
        return news_items()[:FEED_LENGTH]

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
