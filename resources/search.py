"""Searching the library: ranked full-text search on PostgreSQL, a plain scan elsewhere."""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import mark_safe

from resources.models import SEARCH_CONFIG, Resource

# ts_headline marks matches with these; they are private-use characters, which
# extraction strips from file text, so anything else in a snippet is escaped.
MATCH_START, MATCH_END = "\ue000", "\ue001"
MARKED = re.compile(f"{MATCH_START}([^{MATCH_START}{MATCH_END}]*){MATCH_END}")


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
    query = query_for(text)
    return (
        resources.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
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
    return resources


def add_snippets(resources, text):
    """Give each resource in the list a ``snippet`` showing where it matches, in one query.

    Only for a page of results: ts_headline re-reads each document, which is
    too slow to run over every match.
    """
    headline = SearchHeadline(
        Concat("summary", Value("\n"), "body_text", output_field=TextField()),
        query_for(text),
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
        .annotate(snippet=headline)
        .values_list("pk", "snippet")
    )
    for resource in resources:
        resource.snippet = highlight(snippets.get(resource.pk, ""))


def highlight(snippet):
    """The snippet as safe HTML: matches in ``<mark>``, everything else escaped."""
    html = MARKED.sub(r"<mark>\1</mark>", str(escape(snippet)))
    return mark_safe(html.replace(MATCH_START, "").replace(MATCH_END, ""))
