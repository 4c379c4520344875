"""Searching the library: ranked full-text search on PostgreSQL, a plain scan elsewhere."""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, Func, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Greatest, Substr
from django.utils.html import escape
from django.utils.safestring import mark_safe

from resources.models import SEARCH_CONFIG, Resource

# ts_headline marks matches with these; they are private-use characters, which
# extraction strips from file text, so anything else in a snippet is escaped.
MATCH_START, MATCH_END = "\ue000", "\ue001"
MARKED = re.compile(f"{MATCH_START}([^{MATCH_START}{MATCH_END}]*){MATCH_END}")

# A snippet is made from the summary and this much of the file's text, starting a little
# before the first place a search word appears in it.
WINDOW_BEFORE, WINDOW_LENGTH = 200, 800

# The search words as a regular expression for where they begin in the text: their stems
# ("retain" for "retained"), ending before a final "i" (the stem of "study" is "studi"),
# anything but letters and digits escaped. NULL when there are no words to search for.
FIRST_WORD_PATTERN = rf"""
    SELECT '\m(' || string_agg(
        regexp_replace(regexp_replace(lexeme, '(...)i$', '\1'), '([^[:alnum:]])', '\\\1', 'g'),
        '|'
    ) || ')'
    FROM unnest(tsvector_to_array(to_tsvector('{SEARCH_CONFIG}', %s))) AS lexeme
"""


# What a list of results never shows: loading them would read each one's file text from TOAST.
UNLISTED_FIELDS = ("body_text", "search_vector", "heading_vector")


def has_full_text_search(resources):
    return connections[resources.db].vendor == "postgresql"


def search(resources, text):
    """The resources that match ``text``, best first where the database can rank them."""
    if has_full_text_search(resources):
        return ranked(resources, text)
    return scan(resources, text)


def query_for(text):
    """Words as people type them into a search box: quotes, OR and -word work too."""
    return SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)


def ranked(resources, text):
    """Matches anywhere, ranked by how well the title, summary and organisation match.

    Matches only in the file's text rank equal, newest first: ranking them by the
    whole document would read every match's large vector, most of the search's time.
    """
    query = query_for(text)
    return (
        resources.filter(search_vector=query)
        .defer(*UNLISTED_FIELDS)
        .annotate(rank=SearchRank(F("heading_vector"), query))
        .order_by("-rank", "-published_on", "title")
    )


def scan(resources, text):
    """Every word must appear in the title, summary, organisation or the file's text."""
    for word in re.findall(r"\w+", text):
        resources = resources.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(author_organisation__icontains=word)
            | Q(body_text__icontains=word)
        )
    return resources.defer(*UNLISTED_FIELDS)


def add_snippets(resources, text):
    """Give each resource in the list a ``snippet`` showing where it matches, in one query.

    Only for a page of results, and from the summary when it matches, otherwise from
    the summary and a window of the file's text around the first search word:
    ts_headline parses all it is given, which for a whole report takes milliseconds.
    """
    query = query_for(text)
    first_word = Func(
        "body_text",
        RawSQL(FIRST_WORD_PATTERN, [text]),
        Value(1),
        Value(1),
        Value(0),
        Value("i"),
        function="regexp_instr",
        output_field=IntegerField(),
    )
    window = Substr("body_text", Greatest(first_word - WINDOW_BEFORE, 1), WINDOW_LENGTH)
    matched_text = Case(
        When(Q(summary__search=query), then=F("summary")),
        default=Concat("summary", Value("\n"), window),
        output_field=TextField(),
    )
    headline = SearchHeadline(
        matched_text,
        query,
        config=SEARCH_CONFIG,
        start_sel=MATCH_START,
        stop_sel=MATCH_END,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    snippets = dict(
        Resource.objects.filter(pk__in=[resource.pk for resource in resources])
        .order_by()
        .annotate(snippet=headline)
        .values_list("pk", "snippet")
    )
    for resource in resources:
        resource.snippet = highlight(snippets.get(resource.pk, ""))


def highlight(snippet):
    """The snippet as safe HTML: matches in ``<mark>``, everything else escaped."""
    html = MARKED.sub(r"<mark>\1</mark>", str(escape(snippet)))
    return mark_safe(html.replace(MATCH_START, "").replace(MATCH_END, ""))
