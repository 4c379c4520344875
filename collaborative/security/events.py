"""Security events, one structured (JSON) log line each on the ``nmhwdc.security`` logger.

A line names the event, the account's id, the page by its URL name and the client
by a keyed hash of its address: enough to follow one client or one account through
the log, nothing that names a person. No e-mail address, name, password, code,
token or IP address is written; an address someone tried to sign in with is kept
only as its keyed hash, so repeated attempts on one account can be told apart from
a spray across many.

The receivers below log what allauth and Django signal (failed and successful
sign-ins, MFA failures, authenticators added and removed, password resets);
``collaborative.security.middleware`` logs refusals (403) and rate limits (429).
"""

import hashlib
import hmac
import json
import logging

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.signals import password_reset, user_logged_in, user_logged_out
from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

logger = logging.getLogger("nmhwdc.security")


def pseudonym(value):
    """A short keyed hash of ``value``: the same value always gives the same pseudonym,
    and without the secret key it cannot be turned back into the value."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, str(value).strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


def client_address(request):
    """The client's address as allauth counts it (``ALLAUTH_TRUSTED_PROXY_COUNT``)."""
    try:
        return get_account_adapter().get_client_ip(request)
    except Exception:  # a request that names no client at all (some test requests)
        return request.META.get("REMOTE_ADDR", "")


def log_event(event, *, request=None, user=None, level=logging.WARNING, **fields):
    """Write one security event. ``fields`` must hold ids and codes only."""
    record = {"event": event}
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        record["user_id"] = user.pk
    if request is not None:
        record["client"] = pseudonym(client_address(request))
        match = getattr(request, "resolver_match", None)
        record["view"] = match.view_name if match else None
        record["method"] = request.method
    record.update(fields)
    logger.log(level, json.dumps(record, sort_keys=True, default=str))


@receiver(user_login_failed, dispatch_uid="security_sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs):
    from collaborative.people.models import User

    login = credentials.get("email") or credentials.get("username") or ""
    account = User.objects.filter(email__iexact=login).values_list("pk", flat=True).first()
    log_event(
        "sign_in_failed",
        request=request,
        account_id=account,
        login=pseudonym(login) if login else None,
    )


@receiver(user_logged_in, dispatch_uid="security_signed_in")
def signed_in(sender, request, user, **kwargs):
    log_event("signed_in", request=request, user=user, level=logging.INFO)


@receiver(user_logged_out, dispatch_uid="security_signed_out")
def signed_out(sender, request, user, **kwargs):
    log_event("signed_out", request=request, user=user, level=logging.INFO)


@receiver(authentication_failed, dispatch_uid="security_mfa_failed")
def mfa_failed(sender, request, user, authenticator, reauthentication=False, **kwargs):
    log_event(
        "mfa_failed",
        request=request,
        user=user,
        authenticator=authenticator.type,
        reauthentication=reauthentication,
    )


@receiver(authenticator_added, dispatch_uid="security_mfa_added")
def mfa_added(sender, request, user, authenticator, **kwargs):
    log_event(
        "mfa_added",
        request=request,
        user=user,
        authenticator=authenticator.type,
        level=logging.INFO,
    )


@receiver(authenticator_removed, dispatch_uid="security_mfa_removed")
def mfa_removed(sender, request, user, authenticator, **kwargs):
    log_event("mfa_removed", request=request, user=user, authenticator=authenticator.type)


@receiver(password_reset, dispatch_uid="security_password_reset")
def password_was_reset(sender, request, user, **kwargs):
    log_event("password_reset", request=request, user=user)
