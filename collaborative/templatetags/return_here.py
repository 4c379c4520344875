"""Links to the sign-in and sign-up pages that bring people back to the page they were on."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import resolve_url
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def return_here(context, url_name):
    """The URL of ``url_name`` (``account_login``, ``account_signup``) with ``?next=`` this page.

    On allauth's own pages the ``next`` they already carry is kept instead: going from the
    sign-up page to the sign-in page still ends where the person was headed. From the home
    page, where signing in goes anyway, there is no ``next``, so that people whose profile
    is incomplete are still taken to it.
    """
    url = reverse(url_name)
    request = context.get("request")
    if request is None:
        return url
    match = request.resolver_match
    if match is not None and match.func.__module__.startswith("allauth."):
        after = request.GET.get(REDIRECT_FIELD_NAME, "")
    elif request.path == resolve_url(settings.LOGIN_REDIRECT_URL):
        after = ""
    else:
        after = request.get_full_path()
    return f"{url}?{urlencode({REDIRECT_FIELD_NAME: after})}" if after else url
