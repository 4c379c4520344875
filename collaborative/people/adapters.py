"""allauth's account e-mails go through the portal's outbox; new people are asked for their profile.

Wired in through ``ACCOUNT_ADAPTER``, allauth's own seam: its views and flows
stay untouched. The links an account e-mail holds are made here when it is
sent (``account_context``, registered with the outbox by the app's ``ready()``).
"""

import uuid

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.text import get_text_list

from collaborative.outbox import mail
from collaborative.outbox.models import OutgoingEmail
from collaborative.people.models import User
from collaborative.security.events import log_event, pseudonym

# What an outbox row keeps of allauth's context: plain values its message shows. The
# links are made when the message is sent (``account_context``).
KEPT = ("code", "from_email", "to_email", "deleted_email")


def register_messages():
    """Tell the outbox what account e-mails say, and the profile link every e-mail ends with."""
    mail.register(context=_profile_link)
    mail.register(OutgoingEmail.Kind.ACCOUNT, context=account_context)


def _profile_link(message):
    return {"profile_url": mail.portal_url(reverse("profile"))}


def set_password_url(person):
    """A link to choose a new password: allauth's reset link, with a token made now."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(person),
            "key": default_token_generator.make_token(person),
        },
    )
    return mail.portal_url(path)


def confirm_address_url(address):
    """A link confirming this EmailAddress, signed now (allauth's HMAC confirmation)."""
    key = EmailConfirmationHMAC(address).key
    return mail.portal_url(reverse("account_confirm_email", args=[key]))


def account_context(message):
    """The links of an account e-mail, made at sending time.

    The outbox row holds no key: the password reset link is made from the
    recipient, and the confirmation link from the address being confirmed,
    both signed now, so they are fresh when they arrive and the row gives
    nobody who reads it a way into an account.
    """
    context = {
        "template": f"email/account/{message.context['message']}",
        "address": message.address,
        "confirm_days": allauth_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS,
        "sign_in_url": mail.portal_url(reverse("account_login")),
        "sign_up_url": mail.portal_url(reverse("account_signup")),
        "password_reset_url": mail.portal_url(reverse("account_reset_password")),
        "email_settings_url": mail.portal_url(reverse("account_email")),
    }
    if timestamp := message.context.get("timestamp"):
        context["changed_at"] = mail.moment(parse_datetime(timestamp))
    if message.context["message"] == "password_reset_key":
        context["set_password_url"] = set_password_url(message.recipient)
    if address_id := message.context.get("email_address_id"):
        address = EmailAddress.objects.filter(pk=address_id).first()
        if address is None:
            raise LookupError(f"The address {message.address} was removed before the e-mail went.")
        context["confirm_url"] = confirm_address_url(address)
    return context


# What a person's profile needs before they book, as the profile page names it.
PROFILE_FIELDS = {
    "full_name": "name",
    "job_title": "job title",
    "seniority": "seniority",
    "functional_area": "functional area",
}


def missing_from_profile(person):
    """The parts of the profile a person has not filled in, as the message names them."""
    return [label for field, label in PROFILE_FIELDS.items() if not getattr(person, field)]


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": "Too many wrong passwords for this account from this "
        "device. Wait 5 minutes and try again, or reset your password.",
    }

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Wrong passwords count per account *and client* (``login_failed``'s "key").

        Counted per account alone, anyone could lock a person out by typing five
        wrong passwords for their address. Per client, a guesser is stopped after 5
        tries an account and 10 a minute in all, while the person signs in from
        their own device. A guesser spread over many addresses is left to the
        password rules and, for staff and the steering group, two-step verification.
        """
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{self.get_client_ip(request)}"

    def pre_authenticate(self, request, **credentials):
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            login = credentials.get("email") or credentials.get("username") or ""
            log_event("sign_in_rate_limited", request=request, login=pseudonym(login))
            raise

    def send_mail(self, template_prefix, email, context):
        """Record the e-mail in the outbox; it goes, in the portal's style, once this commits.

        ``template_prefix`` names allauth's message (``account/email/password_reset_key``);
        the portal's version is ``templates/email/account/<message>.*``. Each request
        is a new event with a key of its own, so a person who asks again gets a new
        e-mail, and a delivery run twice sends each one once.

        The row keeps no secret: not allauth's key, reset token or links, nor the
        request (so no server host name). The password reset link is made from the
        recipient, and the confirmation link from the address's id, when the message
        is sent: someone who can read the outbox in the admin or a database backup
        finds nothing there that opens an account. Only a sign-in or reset *code*
        would be kept (both are off here): it is short-lived and works only in the
        browser that asked for it.
        """
        message = template_prefix.rpartition("/")[2]
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        kept = {"message": message} | {
            name: str(context[name]) for name in KEPT if context.get(name)
        }
        if timestamp := context.get("timestamp"):
            kept["timestamp"] = timestamp.isoformat()
        if message.startswith("email_confirmation") and "code" not in context:
            kept["email_address_id"] = EmailAddress.objects.get_for_user(user, email).pk
        mail.record(
            [
                OutgoingEmail(
                    kind=OutgoingEmail.Kind.ACCOUNT,
                    key=f"account:{message}:{uuid.uuid4().hex}",
                    recipient=user,
                    to_address=email,
                    context=kept,
                )
            ]
        )

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        # allauth names the person but leaves them out of the context: keep them, so
        # that the e-mail changed notice, sent to the old address, still greets them.
        context = {**(context or {}), "user": user}
        super().send_notification_mail(template_prefix, user, context, email)

    def get_signup_redirect_url(self, request):
        return self._profile_if_incomplete(request) or super().get_signup_redirect_url(request)

    def get_login_redirect_url(self, request):
        return self._profile_if_incomplete(request) or super().get_login_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address):
        signed_in = self.request.user.is_authenticated
        return (
            signed_in and self._profile_if_incomplete(self.request)
        ) or super().get_email_verification_redirect_url(email_address)

    def _profile_if_incomplete(self, request):
        """The profile page, with a message asking for what is missing; None if nothing is.

        The operations team (staff) do not book places, so they are not asked.
        """
        missing = missing_from_profile(request.user)
        if not missing or request.user.is_staff:
            return None
        messages.info(
            request,
            f"Complete your profile: add your {get_text_list(missing, 'and')}. "
            "Workshops are offered by seniority and functional area.",
        )
        return reverse("profile")
