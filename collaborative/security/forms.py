"""allauth.mfa's forms with labels and error messages in the NHS.UK content style.

Wired in through ``MFA_FORMS``, allauth's own seam; the checks stay allauth's.
"""

from allauth.mfa.base import forms as base_forms
from allauth.mfa.totp import forms as totp_forms

CODE_LABEL = "Security code"
CODE_ERRORS = {"required": "Enter the 6-digit security code from your authenticator app"}


def relabel_code(form, label=CODE_LABEL, hint=""):
    field = form.fields["code"]
    field.label = label
    field.help_text = hint
    field.error_messages.update(CODE_ERRORS)
    # No placeholder (NHS.UK: hints go above the field); digits on a phone's keyboard.
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}
    )


class AuthenticateForm(base_forms.AuthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel_code(
            self,
            hint="The 6-digit code your authenticator app shows now, or one of your "
            "8-digit recovery codes.",
        )


class ReauthenticateForm(base_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel_code(self, hint="The 6-digit code your authenticator app shows now.")


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel_code(
            self,
            hint="After adding the portal, your authenticator app shows a 6-digit code "
            "that changes every 30 seconds.",
        )
