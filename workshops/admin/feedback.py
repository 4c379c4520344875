"""Feedback after workshops, in the admin: to read only.

The answers come from the attendees' form and carry no name; the requests say which
places were asked. Neither is changed by hand. The results, with their chart and CSV,
are on the portal's feedback page of each workshop (linked from the engagement
dashboard).
"""

from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from workshops.admin.steering import ReadOnlyAdmin
from workshops.models import FeedbackAnswer, FeedbackRequest
from workshops.models.feedback import MIN_ANSWERS_SHOWN


@admin.register(FeedbackAnswer)
class FeedbackAnswerAdmin(ReadOnlyAdmin):
    """Only the answers of workshops with enough of them to show, as on the results page:
    one or two answers alone could be told apart by who came."""

    list_display = ["workshop", "usefulness", "relevance", "results"]
    list_filter = [("workshop", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["workshop"]
    fields = ["workshop", "usefulness", "relevance", "comments", "future_topics"]

    def get_queryset(self, request):
        enough = (
            FeedbackAnswer.objects.values("workshop")
            .annotate(count=Count("pk"))
            .filter(count__gte=MIN_ANSWERS_SHOWN)
            .values("workshop")
        )
        return super().get_queryset(request).filter(workshop__in=enough)

    @admin.display(description="All the workshop's answers")
    def results(self, answer):
        url = reverse("workshops:steering:feedback", args=[answer.workshop.slug])
        return format_html('<a href="{}">Results, chart and CSV</a>', url)


@admin.register(FeedbackRequest)
class FeedbackRequestAdmin(ReadOnlyAdmin):
    """Who was asked. Whether each has answered is left out: the answers reach the
    steering group without names, and nothing here should narrow down whose they are."""

    list_display = ["booking", "created_at"]
    list_select_related = ["booking__person", "booking__workshop"]
    search_fields = ["booking__person__full_name", "booking__workshop__title"]
    fields = ["booking", "created_at"]
