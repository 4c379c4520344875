from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed, password_reset
from django.dispatch import receiver

from trusts.services import affiliate_by_email_domain


@receiver(email_confirmed)
def affiliate_on_confirmation(sender, request, email_address, **kwargs):
    """A confirmed address on a Trust's domain is proof enough of who the person works for."""
    if email_address.email.lower() == email_address.user.email.lower():
        affiliate_by_email_domain(email_address.user)


@receiver(password_reset)
def verify_on_password_reset(sender, request, user, **kwargs):
    """The reset link reached the mailbox, which proves the address as a confirmation would.

    A colleague whose account a director created sets their first password this
    way; without this they would be asked to confirm the same address again.
    """
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
