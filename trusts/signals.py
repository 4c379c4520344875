from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from trusts.services import affiliate_by_email_domain


@receiver(email_confirmed)
def affiliate_on_confirmation(sender, request, email_address, **kwargs):
    """A confirmed address on a Trust's domain is proof enough of who the person works for."""
    if email_address.email.lower() == email_address.user.email.lower():
        affiliate_by_email_domain(email_address.user)
