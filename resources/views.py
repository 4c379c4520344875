from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from collaborative.inputs.page_cache import public_page
from resources import search
from resources.forms import LibraryForm
from resources.models import Resource

RESOURCES_PER_PAGE = 20


def _visible_resources(user):
    """Visitors see published resources; staff may also preview the rest."""
    return Resource.objects.all() if user.is_staff else Resource.objects.published()


@public_page
def library(request):
    published = Resource.objects.published()
    form = LibraryForm(request.GET, resources=published)
    matches = form.filter(published.select_related("workshop").prefetch_related("themes"))
    page = Paginator(matches, RESOURCES_PER_PAGE).get_page(request.GET.get("page"))
    results = list(page.object_list)
    if form.words and search.has_full_text_search(published):
        search.add_snippets(results, form.words)
    return render(
        request,
        "resources/library.html",
        {
            "form": form,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_ends=1),
            "results": results,
            "words": form.words,
            "narrowed": bool(form.words) or form.is_filtered,
            "asked_for_nothing": "q" in request.GET and not form.words and not form.is_filtered,
        },
    )


@public_page
def detail(request, slug):
    resource = get_object_or_404(
        _visible_resources(request.user).select_related("workshop").prefetch_related("themes"),
        slug=slug,
    )
    return render(request, "resources/detail.html", {"resource": resource})


def download(request, slug):
    """The file as an attachment, typed by what it was found to be on upload, never sniffed."""
    resource = get_object_or_404(_visible_resources(request.user).exclude(file=""), slug=slug)
    try:
        file = resource.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing from storage.") from error
    response = FileResponse(
        file,
        as_attachment=True,
        filename=resource.download_filename,
        content_type=resource.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
