"""Rate limits on the forms anyone can send without signing in (contact, request to join).

Each client may send a form ``RATE_LIMITS[action]`` times in a window; past that, the
page answers 429 (``429.html``) until the window ends. Counts are kept in the default
cache, which production must share between processes (``CACHE_URL``). The client is
told apart as allauth tells it for its own limits, from ``ALLAUTH_TRUSTED_PROXY_COUNT``.
"""

import hashlib
import math
import time
from functools import wraps

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


def client_key(request):
    """The client's address, hashed: the cache keeps no address in the clear."""
    try:
        address = get_adapter(request).get_client_ip(request)
    except PermissionDenied:  # no address at all: such clients share one count
        address = "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def take(request, action):
    """Count one use of ``action`` by this client; the seconds to wait if it is one too many,
    else 0."""
    limit, window = settings.RATE_LIMITS[action]
    now = time.time()
    window_start = math.floor(now / window) * window
    key = f"ratelimit:{action}:{client_key(request)}:{window_start}"
    cache.add(key, 0, timeout=window + 60)
    try:
        used = cache.incr(key)
    except ValueError:  # the count expired between add and incr: this is its first use
        cache.set(key, 1, timeout=window + 60)
        used = 1
    if used <= limit:
        return 0
    return max(1, math.ceil(window_start + window - now))


def rate_limited(action):
    """Refuse the view's POSTs past the client's allowance with 429; pages still open."""

    def decorator(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            if request.method == "POST" and (wait := take(request, action)):
                minutes = math.ceil(wait / 60)
                response = render(
                    request,
                    "429.html",
                    {"minutes": minutes},
                    status=429,
                )
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return limited

    return decorator
