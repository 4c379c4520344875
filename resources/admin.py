from django.contrib import admin

from resources.models import Resource


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
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
