from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.urls import re_path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from collaborative.inputs.admin_dates import SafeDateHierarchy
from collaborative.people.models import User
from trusts import services
from trusts.models import (
    AffiliationRequest,
    EmailDomain,
    Membership,
    MembershipRequest,
    StakeholderBody,
    Trust,
    TrustChange,
)
from workshops.models import Booking


def count_per_trust(queryset):
    """A count per Trust as a subquery, so that several counts multiply no joins."""
    counts = (
        queryset.filter(trust=OuterRef("pk"))
        .order_by()
        .values("trust")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts), 0)


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 1


class TrustChangeInline(admin.TabularInline):
    """Renames, mergers and acquisitions that made the Trust what it is, with their sources."""

    model = TrustChange
    fk_name = "trust"
    fields = ["kind", "former_name", "former_trust", "changed_on", "month_only", "note", "source"]
    autocomplete_fields = ["former_trust"]
    extra = 0


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False


class SteeringMemberInline(admin.TabularInline):
    """The Trust's people on the steering group; who sits on it is set on each person."""

    model = User
    fk_name = "trust"
    verbose_name = "steering group member"
    verbose_name_plural = "steering group members"
    fields = readonly_fields = ["full_name", "email", "job_title", "functional_area"]
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_steering_member=True)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "ods_code",
        "region",
        "membership_kind",
        "is_member",
        "people_count",
        "upcoming_bookings",
        "attended_count",
    ]
    list_filter = ["membership__kind", "membership__is_active", "region", "kind"]
    list_select_related = ["membership"]
    search_fields = ["name", "ods_code", "email_domains__domain"]
    autocomplete_fields = ["successor"]
    inlines = [MembershipInline, EmailDomainInline, TrustChangeInline, SteeringMemberInline]

    def get_queryset(self, request):
        upcoming = Booking.objects.active().filter(workshop__date__gte=timezone.localdate())
        return (
            super()
            .get_queryset(request)
            .annotate(
                people_count=count_per_trust(User.objects.all()),
                upcoming_bookings=count_per_trust(upcoming),
                attended_count=count_per_trust(Booking.objects.filter(attended=True)),
            )
        )

    @admin.display(description="Membership", ordering="membership__kind")
    def membership_kind(self, trust):
        membership = getattr(trust, "membership", None)
        return membership.get_kind_display() if membership else "Not a member"

    @admin.display(description="Active", boolean=True, ordering="membership__is_active")
    def is_member(self, trust):
        membership = getattr(trust, "membership", None)
        return bool(membership and membership.is_active)

    @admin.display(description="People", ordering="people_count")
    def people_count(self, trust):
        return trust.people_count

    @admin.display(description="Bookings to come", ordering="upcoming_bookings")
    def upcoming_bookings(self, trust):
        """Places and waiting-list entries at workshops still to come."""
        return trust.upcoming_bookings

    @admin.display(description="Attendances", ordering="attended_count")
    def attended_count(self, trust):
        return trust.attended_count


@admin.register(Membership)
class MembershipAdmin(SafeDateHierarchy, admin.ModelAdmin):
    list_display = ["trust", "kind", "joined_on", "is_active"]
    list_filter = ["kind", "is_active", "trust__region"]
    list_select_related = ["trust"]
    search_fields = ["trust__name", "trust__ods_code"]
    autocomplete_fields = ["trust"]
    date_hierarchy = "joined_on"


@admin.register(EmailDomain)
class EmailDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "trust"]
    list_select_related = ["trust"]
    search_fields = ["domain", "trust__name", "trust__ods_code"]
    autocomplete_fields = ["trust"]


@admin.register(StakeholderBody)
class StakeholderBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "scope", "website"]
    list_filter = ["scope"]
    search_fields = ["name", "description"]


@admin.register(AffiliationRequest)
class AffiliationRequestAdmin(admin.ModelAdmin):
    """The approval queue: people whose address is on no Trust's domain ask to be linked."""

    list_display = ["person", "person_email", "organisation", "requested_at", "status", "decide"]
    list_filter = ["status", "trust__region"]
    list_select_related = ["person", "trust", "stakeholder_body"]
    search_fields = ["person__full_name", "person__email", "trust__name", "stakeholder_body__name"]
    autocomplete_fields = ["person", "trust", "stakeholder_body"]
    readonly_fields = ["decided_at", "decided_by"]
    actions = ["approve", "reject"]

    def changelist_view(self, request, extra_context=None):
        if not request.GET:
            # The queue opens on what needs deciding.
            return redirect(f"{request.path}?status__exact={AffiliationRequest.Status.PENDING}")
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_one)
        return [
            # Only the two decisions: "<pk>/change/" and the like are the admin's own pages.
            re_path(
                r"^(?P<pk>\d+)/(?P<decision>approve|reject)/$",
                decide,
                name="trusts_affiliationrequest_decide",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="E-mail", ordering="person__email")
    def person_email(self, affiliation_request):
        return affiliation_request.person.email

    @admin.display(description="Organisation")
    def organisation(self, affiliation_request):
        return affiliation_request.trust or affiliation_request.stakeholder_body

    @admin.display(description="Decide")
    def decide(self, affiliation_request):
        """One-click buttons: they submit the changelist's own form (and its CSRF token)."""
        if affiliation_request.status != AffiliationRequest.Status.PENDING:
            return f"{affiliation_request.get_status_display()}"
        url = "admin:trusts_affiliationrequest_decide"
        return format_html(
            '<button type="submit" class="button" formaction="{}">Approve</button> '
            '<button type="submit" class="button" formaction="{}">Reject</button>',
            reverse(url, args=[affiliation_request.pk, "approve"]),
            reverse(url, args=[affiliation_request.pk, "reject"]),
        )

    def decide_one(self, request, pk, decision):
        affiliation_request = get_object_or_404(AffiliationRequest, pk=pk)
        if request.method != "POST":
            return redirect("admin:trusts_affiliationrequest_changelist")
        if not self.has_change_permission(request, affiliation_request):
            return redirect("admin:index")
        self._decide(request, [affiliation_request], approve=decision == "approve")
        return redirect(self._back_to_the_queue(request))

    @staticmethod
    def _back_to_the_queue(request):
        """The queue as it was filtered, if the Referer is this site's queue; else the queue.

        The Referer is the browser's word: anything else (another site, another page)
        is not followed.
        """
        queue = reverse("admin:trusts_affiliationrequest_changelist")
        referer = request.headers.get("referer", "")
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            parts = urlsplit(referer)
            if parts.path == queue:
                return f"{queue}?{parts.query}" if parts.query else queue
        return queue

    def _decide(self, request, affiliation_requests, *, approve):
        for affiliation_request in affiliation_requests:
            services.decide_affiliation(
                request=affiliation_request, approve=approve, decided_by=request.user
            )
            verb = "linked to" if approve else "not linked to"
            self.message_user(
                request,
                f"{affiliation_request.person} {verb} {self.organisation(affiliation_request)}.",
                messages.SUCCESS,
            )

    @admin.action(description="Approve selected requests")
    def approve(self, request, queryset):
        self._decide(
            request, queryset.filter(status=AffiliationRequest.Status.PENDING), approve=True
        )

    @admin.action(description="Reject selected requests")
    def reject(self, request, queryset):
        self._decide(
            request, queryset.filter(status=AffiliationRequest.Status.PENDING), approve=False
        )


@admin.register(TrustChange)
class TrustChangeAdmin(admin.ModelAdmin):
    """Every rename, merger and acquisition recorded, with where each fact comes from."""

    list_display = ["trust", "kind", "former_name", "changed_on", "source"]
    list_filter = ["kind"]
    list_select_related = ["trust"]
    search_fields = ["trust__name", "former_name", "source"]
    autocomplete_fields = ["trust", "former_trust"]


@admin.register(MembershipRequest)
class MembershipRequestAdmin(SafeDateHierarchy, admin.ModelAdmin):
    """Trusts asking to join, from the "How a Trust joins" page; new ones first."""

    list_display = ["trust_name", "ods_code", "contact_name", "email", "received_at", "status"]
    list_filter = ["status"]
    search_fields = ["trust_name", "ods_code", "contact_name", "email"]
    date_hierarchy = "received_at"
    readonly_fields = ["received_at"]
    fieldsets = [
        (
            "The request",
            {
                "fields": [
                    "trust_name",
                    "ods_code",
                    ("contact_name", "job_title"),
                    "email",
                    "message",
                    "received_at",
                ]
            },
        ),
        ("Answering it", {"fields": ["status", "notes"]}),
    ]
