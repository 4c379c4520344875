"""The profile's personal data pages: download my data, and close my account.

Both ask for the password again first (allauth's reauthentication), and neither answer
may be kept by a browser or a proxy (``never_cache``: ``Cache-Control: no-store``).
"""

import json
import logging

from allauth.account.decorators import reauthentication_required
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from collaborative import privacy
from collaborative.security.events import log_event
from workshops.models import Booking

DOOR_CLOSE = "page profile_close"


@never_cache
@login_required
@require_POST
@reauthentication_required
def download_my_data(request):
    """The person's data as a JSON file (UK GDPR Art. 15 and 20)."""
    data = privacy.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"nmhwdc-my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    log_event("personal_data_exported", request=request, level=logging.INFO)
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def close_account(request):
    """Explain what closing the account does, and do it once the person confirms."""
    person = request.user
    refusal = None
    if request.method == "POST":
        try:
            privacy.erase_person(person=person, erased_by=person, door=DOOR_CLOSE)
        except privacy.ErasureRefused as error:
            refusal = error.message
        else:
            logout(request)
            return redirect("account_closed")
    places = (
        Booking.objects.active()
        .filter(person=person, workshop__date__gte=timezone.localdate())
        .select_related("workshop")
        .order_by("workshop__date")
    )
    return render(
        request,
        "pages/close_account.html",
        {
            "places": places,
            "has_admin_rights": person.is_staff or person.is_superuser,
            "refusal": refusal,
        },
    )


def account_closed(request):
    return render(request, "pages/account_closed.html")
