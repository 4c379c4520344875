"""Searching the library: ranked, highlighted full text on PostgreSQL; a plain scan elsewhere."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from resources import search
from resources.models import Resource
from tests.factories import ResourceFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def library(client, **params):
    return client.get(reverse("resources:library"), params)


def titles(response):
    return [resource.title for resource in response.context["results"]]


def with_text(**fields):
    """A resource whose file's text is already read, as the extraction task leaves it."""
    body_text = fields.pop("body_text", "")
    resource = ResourceFactory(**fields)
    Resource.objects.filter(pk=resource.pk).update(body_text=body_text)
    Resource.objects.filter(pk=resource.pk).update_search_vector()
    return resource


@pytest.fixture
def full_text_off(monkeypatch):
    """The library as it runs on SQLite, whatever database this run uses."""
    monkeypatch.setattr(search, "has_full_text_search", lambda resources: False)


@pytest.mark.postgres
def test_title_match_ranks_above_a_match_in_the_file_text(client):
    with_text(title="Board papers", body_text="Apprenticeships came up once, on page forty.")
    with_text(title="Apprenticeships in mental health nursing")

    assert titles(library(client, q="apprenticeships")) == [
        "Apprenticeships in mental health nursing",
        "Board papers",
    ]


@pytest.mark.postgres
def test_summary_match_ranks_above_a_match_in_the_file_text(client):
    with_text(title="Board papers", body_text="A note on preceptorship for new nurses.")
    with_text(title="New starters", summary="Preceptorship that keeps newly qualified nurses.")

    assert titles(library(client, q="preceptorship")) == ["New starters", "Board papers"]


@pytest.mark.postgres
def test_search_matches_other_forms_of_a_word(client):
    with_text(title="Retaining experienced nurses")

    assert titles(library(client, q="retained nurse")) == ["Retaining experienced nurses"]


@pytest.mark.postgres
def test_snippet_highlights_the_match_in_the_file_text(client):
    with_text(
        title="Board papers",
        summary="Papers for the board.",
        body_text="The board agreed to fund reflective practice groups on every ward.",
    )

    snippet = library(client, q="reflective practice").context["results"][0].snippet

    assert "<mark>reflective</mark> <mark>practice</mark>" in snippet


@pytest.mark.postgres
def test_snippet_escapes_everything_but_its_highlights(client):
    with_text(
        title="Board papers",
        body_text='<script>alert("x")</script> Supervision & <b>reflective</b> practice.',
    )

    snippet = library(client, q="supervision").context["results"][0].snippet

    assert "<mark>Supervision</mark> &amp;" in snippet
    assert set(re.findall(r"<(/?\w+)", snippet)) == {"mark", "/mark"}


@pytest.mark.postgres
def test_search_uses_the_vector_stored_on_save(client):
    resource = ResourceFactory(title="Job planning")
    resource.title = "Rostering"
    resource.save()

    assert titles(library(client, q="rostering")) == ["Rostering"]
    assert titles(library(client, q="job planning")) == []


@pytest.mark.postgres
def test_search_vector_has_a_gin_index():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'resources_resource' "
            "AND indexdef LIKE '%%gin (search_vector)%%'"
        )
        assert cursor.fetchall()


def test_plain_scan_finds_by_title_and_summary():
    ResourceFactory(title="Safe staffing on inpatient wards", summary="Numbers and skill mix.")
    ResourceFactory(title="Board papers", summary="Papers on safe staffing for the board.")
    ResourceFactory(title="Recruitment", summary="Advertising posts.")

    found = search.scan(Resource.objects.all(), "Safe STAFFING")

    assert {resource.title for resource in found} == {
        "Safe staffing on inpatient wards",
        "Board papers",
    }


def test_plain_scan_needs_every_word_somewhere():
    with_text(title="Staffing", summary="Inpatient wards.", body_text="Skill mix reviews.")
    with_text(title="Staffing", summary="Community teams.")

    found = search.scan(Resource.objects.all(), "staffing skill")

    assert [resource.summary for resource in found] == ["Inpatient wards."]


def test_library_search_without_full_text_lists_matches_newest_first(client, full_text_off):
    ResourceFactory(title="Apprenticeships 2019", published_on=datetime.date(2019, 1, 1))
    ResourceFactory(title="Apprenticeships 2021", published_on=datetime.date(2021, 1, 1))
    ResourceFactory(title="Rostering")

    assert titles(library(client, q="apprenticeships")) == [
        "Apprenticeships 2021",
        "Apprenticeships 2019",
    ]


def test_filters_narrow_a_search(client):
    wellbeing = ThemeFactory(name="Staff wellbeing", slug="staff-wellbeing")
    planning = ThemeFactory(
        name="Strategic workforce planning", slug="strategic-workforce-planning"
    )
    for theme, kind, year in [
        (wellbeing, Resource.Kind.PRESENTATION, 2020),
        (wellbeing, Resource.Kind.POLICY_REPORT, 2020),
        (wellbeing, Resource.Kind.PRESENTATION, 2019),
        (planning, Resource.Kind.PRESENTATION, 2020),
    ]:
        ResourceFactory(
            title=f"Supervision {theme.slug} {kind} {year}",
            kind=kind,
            published_on=datetime.date(year, 6, 1),
            author_organisation="Health Education England",
        ).themes.add(theme)
    ResourceFactory(title="Rostering", kind=Resource.Kind.PRESENTATION).themes.add(wellbeing)

    response = library(
        client,
        q="supervision",
        kind="presentation",
        theme="staff-wellbeing",
        year="2020",
        organisation="Health Education England",
    )

    assert titles(response) == ["Supervision staff-wellbeing presentation 2020"]


def test_filter_by_organisation_alone(client):
    ResourceFactory(title="From HEE", author_organisation="Health Education England")
    ResourceFactory(title="From PHE", author_organisation="Public Health England")

    assert titles(library(client, organisation="Public Health England")) == ["From PHE"]


def test_filter_value_not_on_offer_is_shown_as_an_error_and_ignored(client):
    ResourceFactory(title="Rostering", published_on=datetime.date(2020, 1, 1))

    response = library(client, year="1850")

    assert titles(response) == ["Rostering"]
    assert "year" in response.context["form"].errors


def test_search_with_no_words_says_so_and_shows_the_whole_library(client):
    ResourceFactory(title="Rostering")

    response = library(client, q="   ")

    assert titles(response) == ["Rostering"]
    assert "You did not enter any words to search for" in response.content.decode()


def test_search_that_finds_nothing_says_so_and_suggests_what_to_try(client):
    ResourceFactory(title="Rostering")

    page = library(client, q="zebra").content.decode()

    assert "No resources match “zebra”" in page
    assert "check the spelling" in page


def test_filters_that_find_nothing_suggest_removing_them(client):
    ResourceFactory(title="Rostering", kind=Resource.Kind.GUIDANCE)
    ResourceFactory(title="Supervision", kind=Resource.Kind.PRESENTATION)

    page = library(client, kind="guidance", q="supervision").content.decode()

    assert "remove some of the filters" in page


def test_highlight_marks_matches_and_escapes_the_rest():
    marked = search.highlight(
        f"<b>x</b> {search.MATCH_START}wellbeing{search.MATCH_END} & {search.MATCH_START}stray"
    )

    assert marked == "&lt;b&gt;x&lt;/b&gt; <mark>wellbeing</mark> &amp; stray"


@pytest.mark.parametrize(
    "full_text",
    [pytest.param(True, marks=pytest.mark.postgres), False],
    ids=["postgresql full text", "plain scan"],
)
def test_visitor_finds_the_thriving_at_work_report_and_its_workshop(
    client, settings, tmp_path, monkeypatch, full_text
):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=StringIO())
    if not full_text:
        monkeypatch.setattr(search, "has_full_text_search", lambda resources: False)

    results = library(client, q="wellbeing standards").context["results"]
    assert results[0].title == "Thriving at Work: Collaborative workshop report"

    page = client.get(results[0].get_absolute_url()).content.decode()
    workshop_url = reverse("workshops:detail", args=["2018-02-thriving-at-work"])
    assert f'<a href="{workshop_url}">' in page


@pytest.mark.postgres
def test_demo_summary_pdf_is_searchable_by_its_text(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=StringIO())

    results = library(client, q="psychotherapy").context["results"]

    assert [resource.title for resource in results] == ["The future of the mental health workforce"]
    assert "<mark>psychotherapy</mark>" in results[0].snippet


@pytest.mark.postgres
def test_matches_only_in_the_file_text_rank_equal_and_come_newest_first(client):
    with_text(
        title="Board papers 2019",
        published_on=datetime.date(2019, 1, 1),
        body_text="Rostering. " * 50,
    )
    with_text(
        title="Board papers 2021",
        published_on=datetime.date(2021, 1, 1),
        body_text="Rostering came up once.",
    )
    with_text(title="Rostering on inpatient wards", published_on=datetime.date(2015, 1, 1))

    assert titles(library(client, q="rostering")) == [
        "Rostering on inpatient wards",
        "Board papers 2021",
        "Board papers 2019",
    ]


@pytest.mark.postgres
def test_results_are_listed_without_reading_the_file_text(client):
    with_text(title="Board papers", body_text="Rostering.")

    (resource,) = library(client, q="rostering").context["results"]

    assert set(search.UNLISTED_FIELDS) <= resource.get_deferred_fields()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "words, found",
    [
        ("preceptorship", "<mark>preceptorship</mark>"),
        ("studies", "<mark>study</mark>"),
        ("jo.bloggs@nhs.net", "<mark>jo.bloggs@nhs.net</mark>"),
    ],
    ids=["a word", "a stem ending in i", "a word with punctuation"],
)
def test_snippet_finds_a_match_deep_in_a_long_file_text(client, words, found):
    filler = "The board noted the minutes of the last meeting. " * 2000
    with_text(
        title="Board papers",
        summary="Papers for the board.",
        body_text=f"{filler} Write to jo.bloggs@nhs.net about the preceptorship study. {filler}",
    )

    snippet = library(client, q=words).context["results"][0].snippet

    assert found in snippet


@pytest.mark.postgres
def test_snippet_comes_from_the_summary_when_it_matches(client):
    with_text(
        title="Board papers",
        summary="Preceptorship for new nurses.",
        body_text="The board agreed to extend preceptorship to nursing associates.",
    )

    snippet = library(client, q="preceptorship").context["results"][0].snippet

    assert snippet.startswith("<mark>Preceptorship</mark> for new nurses")
    assert "nursing associates" not in snippet


@pytest.mark.postgres
def test_snippet_without_a_match_in_the_file_text_shows_the_summary(client):
    with_text(title="Rostering", summary="Papers for the board.", body_text="Minutes.")

    snippet = library(client, q="rostering").context["results"][0].snippet

    assert snippet.startswith("Papers for the board.")


@pytest.mark.postgres
def test_search_storage_keeps_ranking_in_the_row_and_matching_in_the_index():
    """What migration 0005 sets; without it a search for a common word reads every vector."""
    from django.db import connection

    with_text(title="Rostering", body_text="Rostering on inpatient wards.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE resources_resource")
        cursor.execute(
            "SELECT attname, attstorage, attstattarget FROM pg_attribute "
            "WHERE attrelid = 'resources_resource'::regclass "
            "AND attname IN ('search_vector', 'heading_vector')"
        )
        columns = {name: (storage, target) for name, storage, target in cursor.fetchall()}
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = 'resources_resource'::regclass")
        (options,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_stats "
            "WHERE tablename = 'resources_resource' AND attname = 'search_vector'"
        )
        (statistics,) = cursor.fetchone()

    assert columns["heading_vector"][0] == "m"
    assert columns["search_vector"][1] == 0
    assert "toast_tuple_target=1024" in options
    assert statistics == 0
