"""The resources library's pages, downloads, demo resources and a workshop's list of resources."""

import datetime
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import IntegrityError
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from resources import demo_data
from resources.models import Resource, readable_size
from tests.factories import ResourceFactory, ThemeFactory, WorkshopFactory
from tests.queries import queries_to_get
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n" + b"0" * 319_479  # 312 KB


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def with_pdf(**fields):
    return ResourceFactory(
        file=ContentFile(PDF, name="upload.pdf"),
        file_type=Resource.FileType.PDF,
        file_size=len(PDF),
        **fields,
    )


def test_library_lists_published_resources_newest_first(client):
    ResourceFactory(title="Older", published_on=datetime.date(2018, 3, 1))
    ResourceFactory(title="Newer", published_on=datetime.date(2022, 11, 28))

    response = client.get(reverse("resources:library"))

    assert [resource.title for resource in response.context["results"]] == ["Newer", "Older"]


def test_library_leaves_out_unpublished_and_future_resources(client):
    ResourceFactory(title="Published")
    ResourceFactory(title="Unpublished", is_published=False)
    ResourceFactory(title="Not yet", published_on=timezone.localdate() + datetime.timedelta(days=1))

    response = client.get(reverse("resources:library"))

    assert [resource.title for resource in response.context["results"]] == ["Published"]


def test_library_pages_twenty_at_a_time_and_links_keep_the_filters(client):
    for number in range(45):
        ResourceFactory(title=f"Report {number:02d}", kind=Resource.Kind.GUIDANCE)

    response = client.get(reverse("resources:library"), {"kind": "guidance", "page": 2})
    page = response.content.decode()

    assert len(response.context["results"]) == 20
    assert 'class="nhsuk-pagination nhsuk-pagination--numbered"' in page
    assert 'href="?kind=guidance&amp;page=3" class="nhsuk-pagination__next" rel="next"' in page
    assert 'aria-label="Page 2" aria-current="page"' in page


def test_library_filters_offer_only_what_is_published(client):
    ThemeFactory(name="Unused theme", slug="unused")
    ResourceFactory(author_organisation="Hidden body", is_published=False)
    ResourceFactory(author_organisation="Public Health England").themes.add(ThemeFactory())

    form = client.get(reverse("resources:library")).context["form"]

    assert [theme.slug for theme in form.fields["theme"].queryset] == ["staff-wellbeing"]
    assert form.fields["organisation"].choices == [
        ("", "All organisations"),
        ("Public Health England", "Public Health England"),
    ]
    assert form.fields["year"].choices == [("", "All years"), (2020, 2020)]


def test_library_page_makes_as_many_queries_for_500_resources_as_for_5(client):
    theme = ThemeFactory()
    workshop = WorkshopFactory(status=Workshop.Status.HELD)

    def add(count):
        for resource in ResourceFactory.create_batch(count, workshop=workshop):
            resource.themes.add(theme)

    def queries():
        return queries_to_get(client, reverse("resources:library"))[0]

    add(5)
    few = queries()
    add(495)

    assert queries() == few


def test_resource_page_shows_its_summary_and_details(client):
    theme = ThemeFactory()
    resource = ResourceFactory(
        title="Thriving at Work: Collaborative workshop report",
        kind=Resource.Kind.WORKSHOP_REPORT,
        summary="How Trusts meet the core and enhanced standards.",
        published_on=datetime.date(2018, 3, 1),
        author_organisation="National Mental Health Workforce Development Collaborative",
    )
    resource.themes.add(theme)

    page = client.get(reverse("resources:detail", args=[resource.slug])).content.decode()

    assert "How Trusts meet the core and enhanced standards." in page
    assert '<dd class="nhsuk-summary-list__value">1 March 2018</dd>' in page
    assert "Collaborative workshop report" in page
    assert f'?theme={theme.slug}">{theme.name}</a>' in page


def test_resource_page_links_its_workshop(client):
    workshop = WorkshopFactory(status=Workshop.Status.HELD, title="Thriving at Work")
    resource = ResourceFactory(workshop=workshop)

    page = client.get(resource.get_absolute_url()).content.decode()

    assert f'<a href="{workshop.get_absolute_url()}">Thriving at Work</a>' in page


def test_draft_workshop_is_not_linked_from_its_resources(client):
    workshop = WorkshopFactory(status=Workshop.Status.DRAFT)
    resource = ResourceFactory(workshop=workshop)

    page = client.get(resource.get_absolute_url()).content.decode()

    assert workshop.get_absolute_url() not in page


def test_resource_page_offers_the_file_with_its_type_and_size(client):
    resource = with_pdf()

    page = client.get(resource.get_absolute_url()).content.decode()

    assert f'href="{reverse("resources:download", args=[resource.slug])}"' in page
    assert "(PDF, 312 KB)" in page


def test_resource_page_links_an_external_report(client):
    resource = ResourceFactory(
        url="https://www.example.org/report", author_organisation="Centre for Mental Health"
    )

    page = client.get(resource.get_absolute_url()).content.decode()

    assert 'href="https://www.example.org/report"' in page
    assert "Read it on Centre for Mental Health's website" in page


def test_presentation_without_slides_says_so(client):
    resource = ResourceFactory(kind=Resource.Kind.PRESENTATION, slides_not_available=True)

    page = client.get(resource.get_absolute_url()).content.decode()

    assert "Slides not available" in page
    assert "/download/" not in page


def test_only_a_presentation_without_file_or_link_can_lack_its_slides():
    with pytest.raises(IntegrityError):
        ResourceFactory(
            kind=Resource.Kind.PRESENTATION, slides_not_available=True, url="https://example.org"
        )


def test_file_cannot_be_stored_without_its_type_and_size():
    with pytest.raises(IntegrityError):
        ResourceFactory(file=ContentFile(PDF, name="upload.pdf"))


def test_download_is_an_attachment_with_its_type_and_nosniff(client):
    resource = with_pdf(slug="future-workforce")

    response = client.get(reverse("resources:download", args=[resource.slug]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="future-workforce.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("view", ["resources:detail", "resources:download"])
def test_unpublished_resource_is_not_found_by_the_public(client, director_a, view):
    resource = with_pdf(is_published=False)
    url = reverse(view, args=[resource.slug])

    assert client.get(url).status_code == 404
    client.force_login(director_a)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("view", ["resources:detail", "resources:download"])
def test_resource_dated_in_the_future_is_not_found_by_the_public(client, view):
    resource = with_pdf(published_on=timezone.localdate() + datetime.timedelta(days=1))

    assert client.get(reverse(view, args=[resource.slug])).status_code == 404


def test_staff_preview_an_unpublished_resource_with_a_warning(client, operations_manager):
    resource = with_pdf(is_published=False)
    client.force_login(operations_manager)

    page = client.get(resource.get_absolute_url()).content.decode()

    assert "Not published: only staff can see this page" in page
    assert client.get(reverse("resources:download", args=[resource.slug])).status_code == 200


def test_download_of_a_resource_without_a_file_is_not_found(client):
    resource = ResourceFactory(url="https://www.example.org/report")

    assert client.get(reverse("resources:download", args=[resource.slug])).status_code == 404


def test_download_of_a_file_missing_from_storage_is_not_found(client, media_root):
    resource = with_pdf()
    (media_root / resource.file.name).unlink()

    assert client.get(reverse("resources:download", args=[resource.slug])).status_code == 404


@pytest.mark.parametrize(
    ("size", "shown"),
    [(800, "800 bytes"), (319_488, "312 KB"), (2_516_582, "2.4 MB")],
)
def test_file_size_reads_as_people_expect(size, shown):
    assert readable_size(size) == shown


def test_workshop_resources_list_links_each_published_resource():
    workshop = WorkshopFactory(status=Workshop.Status.HELD)
    ResourceFactory(
        workshop=workshop,
        title="Skills mix modelling",
        kind=Resource.Kind.PRESENTATION,
        slides_not_available=True,
    )
    ResourceFactory(workshop=workshop, title="Unpublished notes", is_published=False)
    workshop = Workshop.objects.prefetch_related(
        Prefetch("resources", queryset=Resource.objects.published(), to_attr="published_resources")
    ).get(pk=workshop.pk)

    html = render_to_string("resources/_workshop_resources.html", {"workshop": workshop})

    assert "<h2>Reports and presentations</h2>" in html
    assert ">Skills mix modelling</a>" in html
    assert "(slides not available)" in html
    assert "Unpublished notes" not in html


def test_workshop_without_resources_shows_no_list():
    workshop = WorkshopFactory()
    workshop.published_resources = []

    assert (
        render_to_string("resources/_workshop_resources.html", {"workshop": workshop}).strip() == ""
    )


def load_demo():
    call_command("load_demo", stdout=StringIO())


def test_demo_march_2020_presentations_hold_no_slides(demo):
    presentations = Resource.objects.filter(workshop__slug__startswith="2020-03-05")

    assert {p.author_organisation for p in presentations} == {
        "Public Health England",
        "NHS England and NHS Improvement",
        "Health Education England",
        "GE Healthcare Partners Limited",
        "Oxford Health NHS Foundation Trust",
        "",
    }
    assert {(p.kind, p.slides_not_available, p.file.name, p.url) for p in presentations} == {
        (Resource.Kind.PRESENTATION, True, "", "")
    }


def test_demo_future_workforce_report_carries_its_summary_pdf(client):
    load_demo()
    report = Resource.objects.get(slug=demo_data.FUTURE_WORKFORCE_REPORT)

    response = client.get(reverse("resources:download", args=[report.slug]))

    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "194,000 whole-time equivalent" in report.body_text


def test_demo_summary_pdf_is_written_to_storage_once(media_root):
    load_demo()
    path = media_root / demo_data.FUTURE_WORKFORCE_SUMMARY_FILE
    written = path.stat().st_mtime_ns

    load_demo()

    assert path.stat().st_mtime_ns == written
    assert [p.name for p in media_root.rglob("*.pdf")] == [path.name]
