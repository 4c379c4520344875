from django.conf import settings
from django.urls import reverse

from collaborative.people.roles import sits_on_steering_group

# The header's navigation: URL name, label, and the other pages that belong to
# the same section (a view name, or a namespace prefix such as "workshops:").
NAVIGATION = (
    ("home", "Home", ()),
    ("about", "About", ()),
    ("trusts:founding", "Founding Trusts and steering group", ()),
    ("trusts:list", "Member Trusts", ()),
    ("workshops:programme", "Workshops", ("workshops:",)),
    ("news", "News and events", ()),
    ("resources:library", "Resources", ("resources:",)),
    ("contact", "Contact", ("contact_sent",)),
)


def portal(request):
    """Values every page's layout needs."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    navigation = [
        {
            "href": reverse(url_name),
            "text": text,
            "current": view_name == url_name,
            "active": any(view_name.startswith(prefix) for prefix in section),
        }
        for url_name, text, section in NAVIGATION
    ]
    return {
        "programme_operations_email": settings.PROGRAMME_OPERATIONS_EMAIL,
        "session_idle_minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES,
        "navigation": navigation,
        # Only people whose flag is set cost a query: the rest cannot be on the steering group.
        "on_steering_group": hasattr(request, "user") and sits_on_steering_group(request.user),
    }
