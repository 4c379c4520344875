from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from collaborative.models import ContactMessage, User


class PersonChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class PersonCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PersonChangeForm
    add_form = PersonCreationForm
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "job_title",
        "seniority",
        "functional_area",
        "trust",
        "stakeholder_body",
        "is_steering_member",
        "is_staff",
    ]
    list_filter = [
        "seniority",
        "functional_area",
        "is_steering_member",
        "is_staff",
        "is_active",
        "trust__membership__kind",
        "trust__region",
    ]
    list_select_related = ["trust", "stakeholder_body"]
    search_fields = ["email", "full_name", "job_title", "trust__name", "stakeholder_body__name"]
    autocomplete_fields = ["trust", "stakeholder_body"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("About them", {"fields": ["full_name", "job_title", "seniority", "functional_area"]}),
        ("Affiliation", {"fields": ["trust", "stakeholder_body", "is_steering_member"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        """Only superusers hand out admin rights, so the role cannot widen itself."""
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly

    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "usable_password", "password1", "password2"]},
        )
    ]


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "name", "email", "organisation", "received_at", "is_answered"]
    list_filter = ["is_answered", "received_at"]
    search_fields = ["subject", "name", "email", "organisation", "message"]
    readonly_fields = [
        "name",
        "email",
        "organisation",
        "subject",
        "message",
        "sent_by",
        "received_at",
        "notified_at",
    ]
    date_hierarchy = "received_at"
