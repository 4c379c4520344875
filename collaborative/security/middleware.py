"""Small middlewares for signing in safely. Their order is in ``settings.MIDDLEWARE``."""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from collaborative.security.events import log_event
from collaborative.security.mfa import has_mfa, must_use_mfa

# The session keeps when the person was last seen, to the minute: writing it on
# every request would save the session on every request.
LAST_SEEN = "security_last_seen"
LAST_SEEN_RESOLUTION = 60
# Where someone sent to enrol was going, to carry on there afterwards.
MFA_NEXT = "security_mfa_next"

# Pages opened without signing in by a secret link (a calendar feed, an invitation, a
# password reset) are personal: they are known by the secret's name in the URL.
SECRET_URL_PARAMETERS = {"token", "key", "uidb36"}


@receiver(user_logged_in, dispatch_uid="security_session_starts_seen")
def session_starts_seen(sender, request, user, **kwargs):
    """A new session counts as seen when it starts, so its first page writes nothing."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_SEEN] = time.time()


class IdleTimeoutMiddleware:
    """Signs a person out after ``SESSION_IDLE_TIMEOUT_MINUTES`` without a request.

    It holds for every session, "keep me signed in" included: that choice keeps a
    session when the browser closes, not when it is left unattended.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.SESSION_IDLE_TIMEOUT_MINUTES * 60
        if timeout and request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > timeout:
                log_event("session_idle_timeout", request=request, level=logging.INFO)
                logout(request)
                messages.info(
                    request,
                    "You were signed out because you had not used the portal for "
                    f"{settings.SESSION_IDLE_TIMEOUT_MINUTES} minutes. Sign in again to carry on.",
                )
            elif last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class MFARequiredMiddleware:
    """Staff and steering group members enrol in two-step verification before they
    reach the admin or the steering area; the enrolment page says why.

    Sign-in itself asks for the code of anyone enrolled (allauth's MFA stage), and
    every sign-in goes through allauth, the admin's included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            self._protected(request.path)
            and must_use_mfa(request.user)
            and not has_mfa(request.user)
        ):
            if request.method == "GET":
                request.session[MFA_NEXT] = request.get_full_path()
            return redirect("security_mfa_required")
        return self.get_response(request)

    @staticmethod
    def _protected(path):
        if path in {reverse("admin:login"), reverse("admin:logout")}:
            return False
        return path.startswith((reverse("admin:index"), reverse("workshops:steering:planner")))


class PrivateResponsesMiddleware:
    """``Cache-Control: no-store`` (with Django's other never-cache headers) on every
    response to a signed-in person, on the account pages, and on the pages opened by
    a secret link, so that no browser or proxy keeps personal data.

    Refusals are logged here too: 403 as ``permission_denied``, 429 as ``rate_limited``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            log_event("permission_denied", request=request, status=403)
        elif response.status_code == 429:
            log_event("rate_limited", request=request, status=429)
        if self._personal(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _personal(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        match = getattr(request, "resolver_match", None)
        if match is not None and SECRET_URL_PARAMETERS & set(match.kwargs):
            return True
        return request.path.startswith("/accounts/")
