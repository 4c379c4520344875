from django.contrib import admin
from django.db.models import Count

from trusts.models import EmailDomain, Membership, StakeholderBody, Trust


class EmailDomainInline(admin.TabularInline):
    model = EmailDomain
    extra = 1


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["name", "ods_code", "region", "membership_kind", "is_member", "people_count"]
    list_filter = ["membership__kind", "membership__is_active", "region"]
    search_fields = ["name", "ods_code", "email_domains__domain"]
    autocomplete_fields = ["successor"]
    inlines = [MembershipInline, EmailDomainInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("membership")
            .annotate(people_count=Count("people", distinct=True))
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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
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
