from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from demo.models import DemoRecord


@admin.register(DemoRecord)
class DemoRecordAdmin(admin.ModelAdmin):
    """What ``load_demo`` made up, to see at a glance; ``manage.py remove_demo`` removes it."""

    list_display = ["description", "content_type", "row"]
    list_filter = ["content_type"]
    search_fields = ["description"]
    list_select_related = ["content_type"]

    @admin.display(description="Row")
    def row(self, record):
        try:
            url = reverse(
                f"admin:{record.content_type.app_label}_{record.content_type.model}_change",
                args=[record.object_id],
            )
        except NoReverseMatch:
            return record.object_id
        return format_html('<a href="{}">{}</a>', url, record.object_id)

    # Rows are flagged by load_demo and removed with remove_demo, never by hand.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
