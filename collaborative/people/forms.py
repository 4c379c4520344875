"""allauth's forms with labels and error messages in the NHS.UK content style.

Wired in through ``ACCOUNT_FORMS``: allauth's own seam, so its views stay untouched.
"""

from allauth.account import forms as allauth_forms

EMAIL_LABEL = "E-mail address"
EMAIL_ERRORS = {
    "required": "Enter your e-mail address",
    "invalid": "Enter an e-mail address in the correct format, like name@example.nhs.uk",
}


def relabel(form, labels, errors=None):
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
    for name, messages in (errors or {}).items():
        if name in form.fields:
            form.fields[name].error_messages.update(messages)


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {"login": EMAIL_LABEL, "remember": "Keep me signed in on this device"},
            {"login": EMAIL_ERRORS, "password": {"required": "Enter your password"}},
        )


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {
                "email": EMAIL_LABEL,
                "password1": "Create a password",
                "password2": "Confirm password",
            },
            {
                "email": EMAIL_ERRORS,
                "password1": {"required": "Create a password"},
                "password2": {"required": "Enter the password again"},
            },
        )


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(self, {"email": EMAIL_LABEL}, {"email": EMAIL_ERRORS})


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        relabel(
            self,
            {"password1": "New password", "password2": "Confirm new password"},
            {
                "password1": {"required": "Enter a new password"},
                "password2": {"required": "Enter the new password again"},
            },
        )
