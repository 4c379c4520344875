"""Signing in and staying signed in, safely: the portal's seams on allauth and Django.

- ``mfa``: who must use two-step verification, and TOTP secrets encrypted at rest
  (the MFA adapter's ``encrypt``/``decrypt``);
- ``middleware``: enrolment before the admin and the steering area, the idle
  timeout, ``Cache-Control: no-store`` on personal pages, refusals logged;
- ``views``: the admin's sign-in handed to allauth, the enrolment page;
- ``events``: security events as structured log lines, with ids and no personal data.
"""
