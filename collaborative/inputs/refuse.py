"""Input no page can use, refused before any view sees it."""

import re

from django.core.exceptions import BadRequest

# NUL ends strings in C and cannot be stored in PostgreSQL text ("A string literal cannot
# contain NUL"); a lone surrogate cannot be encoded as UTF-8 at all. Neither is ever
# part of a real address, search or form answer.
UNUSABLE = re.compile("[\x00\ud800-\udfff]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseUnusableInputMiddleware:
    """400 for a request whose path, query, form fields or cookies hold a NUL or a lone
    surrogate, or whose query string cannot be decoded; the page (400.html) says so.

    One check for every URL, so that no view, form, admin filter or database query has
    to meet such a value (issue 12: each answered 500). It comes straight after Django's
    SecurityMiddleware, before anything reads the session cookie (a NUL in it reaches
    PostgreSQL when the session loads), so the refusal has the security middleware's
    headers only; 400.html, like 500.html, is a static page without scripts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _unusable(request):
            raise BadRequest("The request holds characters no page accepts.")
        return self.get_response(request)


def _unusable(request):
    try:
        values = [request.path, *_strings(request.GET), *_strings(request.COOKIES)]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            values += _strings(request.POST)
    except UnicodeError:
        # A query string a server handed over undecoded (a lone surrogate in WSGI's
        # latin-1 string): Django cannot read it.
        return True
    return any(UNUSABLE.search(value) for value in values)


def _strings(mapping):
    if hasattr(mapping, "lists"):
        for key, values in mapping.lists():
            yield key
            yield from (value for value in values if isinstance(value, str))
    else:
        for key, value in mapping.items():
            yield key
            yield value
