"""Two-step verification (allauth.mfa): who must use it, and its secrets encrypted at rest.

allauth's default MFA adapter stores each TOTP secret and recovery-code seed as it
is, so anyone who reads the database or a backup could make the codes. Here they
are encrypted with Fernet (AES-128-CBC with an HMAC) under ``MFA_ENCRYPTION_KEYS``:
the first key encrypts, every key decrypts, so a key is rotated by putting the new
one first. Without the setting the key is derived from ``SECRET_KEY``, so changing
the secret key then means everyone enrols again.
"""

import base64
import hashlib
from functools import cache

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

# Authenticators that are a second step at sign-in; recovery codes back them up.
SECOND_STEPS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def must_use_mfa(user):
    """Staff (the admin) and the steering group use two-step verification."""
    return bool(
        user.is_authenticated and (user.is_staff or user.is_superuser or user.is_steering_member)
    )


def has_mfa(user):
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_STEPS).exists()


def _fernet_key(passphrase):
    """Any passphrase as a Fernet key (32 url-safe base64-encoded bytes)."""
    return base64.urlsafe_b64encode(hashlib.sha256(passphrase.encode()).digest())


@cache
def _cipher(keys):
    if not keys:
        keys = (f"nmhwdc-mfa-secrets:{settings.SECRET_KEY}",)
    return MultiFernet([Fernet(_fernet_key(key)) for key in keys])


def cipher():
    return _cipher(tuple(settings.MFA_ENCRYPTION_KEYS))


class MFAAdapter(DefaultMFAAdapter):
    """Wired in through ``MFA_ADAPTER``, allauth's own seam."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "The security code is not right: enter the code your "
        "authenticator app shows now",
        "unverified_email": "Confirm your e-mail address before you set up two-step verification",
        "add_email_blocked": "While two-step verification is on, you cannot add an e-mail "
        "address: turn it off, add and confirm the new address, then set it up again",
        "cannot_delete_authenticator": "Two-step verification cannot be turned off",
    }

    def encrypt(self, text):
        return cipher().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text):
        return cipher().decrypt(encrypted_text.encode()).decode()
