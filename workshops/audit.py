"""Which door a change came through, for the bookings' audit trail.

The rule functions write the trail (``Booking.log``) but do not know whether
they were called by a page, an admin action or a task; the caller says so
once, around its work, and every line written inside carries it. Pages get
theirs from ``DoorMiddleware`` (the URL's name), so nothing in a view needs to
remember it.
"""

import contextlib
import contextvars

_door = contextvars.ContextVar("door", default="")


def current_door():
    return _door.get() or "unknown"


@contextlib.contextmanager
def through(door):
    """Name the door for the changes made inside the block."""
    token = _door.set(door)
    try:
        yield
    finally:
        _door.reset(token)


class DoorMiddleware:
    """Names the page a request came through: "page workshops:cancel", "admin ..."."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _door.set(f"page {request.path}")
        try:
            return self.get_response(request)
        finally:
            _door.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else request.path
        where = "admin" if name.startswith("admin:") else "page"
        _door.set(f"{where} {name}")
