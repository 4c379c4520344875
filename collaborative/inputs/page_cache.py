"""Public pages kept ready for visitors, and told apart by one site generation.

A visitor's page (anonymous, GET or HEAD, nothing flashed) is built once and kept in the
default cache (Redis in production, so every process shares it) under today's date and
the page's address, with the site's generation it was built in. Whatever changes what
public pages show calls ``site_changed``, which makes a new generation once the change
commits: the next visitor to every page gets it built again, and no page has to know
which others show the same facts. Signed-in people always get their own page, built fresh.

The same generation, date and address make the page's ETag, so a browser asking again
with it is answered 304 without the page being looked up at all.

Django's content security policy puts a new nonce in every page and in its header. A kept
page holds a placeholder where its nonce was, and each visitor's nonce goes there when
it is served; a 304 carries no policy, so the browser keeps the one that came with the
page it holds.
"""

import hashlib
import logging
import secrets
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
# Stands where the page's nonce was; never sent, and never in a page's own text.
NONCE_PLACEHOLDER = b"\x00csp-nonce\x00"


def site_changed():
    """Public pages may now show something else: a new generation once the change
    commits (at once outside a transaction), so a change that rolls back keeps them."""
    transaction.on_commit(new_generation, robust=True)


def new_generation():
    """Every kept page is out of date from now on."""
    cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)


def current_generation():
    """A token, never a counter: a generation lost from the cache is never reused."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _for_a_visitor(request):
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    # A flashed message belongs to this visitor: they get their own page with it.
    return not len(messages.get_messages(request))


def _keepable(request, response):
    """Only a plain page with nothing of this visitor's in it: no flashed message shown, no
    form token (it would be another visitor's), no cookie or session set."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not getattr(messages.get_messages(request), "used", False)
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.session.modified
        and get_nonce(request) is not None
    )


def _kept(request, response):
    body = response.content
    nonce = get_nonce(request)
    if nonce:
        body = body.replace(str(nonce).encode(), NONCE_PLACEHOLDER)
    headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
    return {"headers": headers, "body": body}


def _served(request, kept):
    body = kept["body"]
    if NONCE_PLACEHOLDER in body:
        body = body.replace(NONCE_PLACEHOLDER, str(get_nonce(request)).encode())
    response = HttpResponse(body)
    for name, value in kept["headers"]:
        response.headers[name] = value
    return response


def _not_modified(response):
    # No policy on a 304: the browser keeps the page's own, whose nonce the page holds.
    response._csp_config = {}
    response._csp_ro_config = {}
    return response


def public_page(view):
    """Serve ``view`` to visitors from the cache, built once per site generation and day
    (``PAGE_CACHE_SECONDS = 0`` builds every page afresh)."""

    @wraps(view)
    def page(request, *args, **kwargs):
        if not settings.PAGE_CACHE_SECONDS or not _for_a_visitor(request):
            return view(request, *args, **kwargs)
        address = f"{timezone.localdate()}|{request.get_host()}|{request.get_full_path()}"
        key = "page-cache:page:" + hashlib.sha256(address.encode()).hexdigest()
        # One round trip: the kept page says which generation it was built in.
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or current_generation()
        except Exception:
            # The cache is down: the page is built afresh, as for a signed-in person.
            logger.warning("Page cache unreachable; serving %s uncached", request.path)
            return view(request, *args, **kwargs)
        etag = '"' + hashlib.sha256(f"{generation}|{key}".encode()).hexdigest()[:32] + '"'
        if (unchanged := get_conditional_response(request, etag=etag)) is not None:
            unchanged.headers["ETag"] = etag
            return _not_modified(unchanged)
        kept = found.get(key)
        if kept is not None and kept["generation"] == generation:
            response = _served(request, kept)
        else:
            response = view(request, *args, **kwargs)
            if not _keepable(request, response):
                return response
            kept = {"generation": generation, **_kept(request, response)}
            try:
                cache.set(key, kept, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("Page cache unreachable; %s not kept", request.path)
        response.headers["ETag"] = etag
        # Kept by the browser, but asked about again each time (a 304 when unchanged).
        patch_cache_control(response, private=True, no_cache=True)
        return response

    return page


class ChangesMiddleware:
    """A signed-in person's form may change what visitors see (the admin's saves, a
    steering member's name on their profile): the site changes after each one. The
    rule functions, the tasks and the commands call ``site_changed`` themselves."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.user.is_authenticated:
            # The view's transactions have committed by now (there are no atomic requests).
            new_generation()
        return response
