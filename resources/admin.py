from django.contrib import admin, messages
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from collaborative.inputs.admin_dates import SafeDateHierarchy
from resources.forms import ResourceForm
from resources.models import Resource
from resources.tasks import extract_resource_text


@admin.register(Resource)
class ResourceAdmin(SafeDateHierarchy, admin.ModelAdmin):
    form = ResourceForm
    list_display = [
        "title",
        "kind",
        "published_on",
        "author_organisation",
        "workshop",
        "is_published",
    ]
    list_filter = ["kind", "is_published", "themes", "published_on"]
    list_select_related = ["workshop"]
    search_fields = ["title", "summary", "author_organisation"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["workshop"]
    filter_horizontal = ["themes"]
    date_hierarchy = "published_on"
    readonly_fields = ["file_details", "text_for_search"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    "summary",
                    "published_on",
                    "publication_date_not_recorded",
                ]
            },
        ),
        ("Where it comes from", {"fields": ["author_organisation", "themes", "workshop"]}),
        (
            "The document",
            {
                "description": "Give a file or an external link, or mark a presentation's "
                "slides as not available.",
                "fields": [
                    "file",
                    "file_details",
                    "text_for_search",
                    "url",
                    "slides_not_available",
                ],
            },
        ),
        (None, {"fields": ["is_published"]}),
    ]

    actions = ["publish", "unpublish"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The admin puts a file input in a fieldset whose legend ("File:") does not name the
        # input itself, so a screen reader announces an unnamed "choose file" button.
        form.base_fields["file"].widget.attrs["aria-label"] = "File to upload"
        return form

    @admin.action(description="Publish selected resources", permissions=["change"])
    def publish(self, request, queryset):
        count = queryset.update(is_published=True, updated_at=timezone.now())
        self.message_user(
            request,
            f"{count} resource(s) published; those dated in the future appear on their date.",
            messages.SUCCESS,
        )

    @admin.action(description="Unpublish selected resources", permissions=["change"])
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False, updated_at=timezone.now())
        self.message_user(request, f"{count} resource(s) taken off the library.", messages.SUCCESS)

    @admin.display(description="File type and size")
    def file_details(self, resource):
        """Links the download page: the admin's own file link points into MEDIA_URL, which
        the portal does not serve."""
        if not resource.file:
            return "No file"
        link = format_html(
            '<a href="{}">{}</a>',
            reverse("resources:download", args=[resource.slug]),
            resource.file_description,
        )
        if resource.uploaded_as:
            return format_html("{}, uploaded as “{}”", link, resource.uploaded_as)
        return link

    @admin.display(description="Text read for search")
    def text_for_search(self, resource):
        if not resource.file:
            return "No file"
        if not resource.body_text:
            return "None: the text is read a few moments after an upload, and a scan has none"
        return f"{len(resource.body_text.split()):,} words"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data:
            extract_resource_text.delay_on_commit(obj.pk)
