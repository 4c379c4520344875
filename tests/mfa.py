"""Security codes for tests, made the way an authenticator app makes them."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def security_code(secret, *, steps_ahead=0):
    """The 6-digit code an authenticator app shows now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps_ahead))
