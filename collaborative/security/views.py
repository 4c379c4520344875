from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from collaborative.security.mfa import has_mfa, must_use_mfa
from collaborative.security.middleware import MFA_NEXT


def _safe_next(request, default):
    candidate = request.GET.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def admin_sign_in(request, extra_context=None):
    """The admin's sign-in page, in place of Django's: the admin signs in through
    allauth like everyone else, so its rate limits and two-step verification apply.

    Signed-in staff go on to where they were going; anyone else signed in is
    refused, and never shown a password form that would sign in around allauth.
    """
    next_url = _safe_next(request, reverse("admin:index"))
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        raise PermissionDenied("This account does not have access to the admin.")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def admin_password_change(request, extra_context=None):
    """The admin's "Change password" is the portal's page, with allauth's limits and
    re-authentication, instead of Django's form without them."""
    return redirect("account_change_password")


@login_required
def mfa_required(request):
    """The page staff and steering group members see until they have enrolled."""
    next_url = request.session.get(MFA_NEXT) or reverse("mfa_index")
    if not must_use_mfa(request.user) or has_mfa(request.user):
        return redirect(next_url)
    return render(request, "security/mfa_required.html", {"next_url": next_url})
