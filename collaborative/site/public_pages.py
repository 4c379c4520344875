"""The public information pages: about the Collaborative, how a Trust joins, and the
accessibility statement, privacy notice and cookies page that NHS services publish."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods

from collaborative.inputs.ratelimit import rate_limited
from collaborative.privacy.retention import UNCONFIRMED_ACCOUNT_DAYS
from trusts.forms import MembershipRequestForm
from workshops.models import Theme


def about(request):
    return render(
        request,
        "pages/about.html",
        {"priorities": Theme.objects.filter(is_current_priority=True)},
    )


@require_http_methods(["GET", "POST"])
@rate_limited("join")
def join(request):
    """How a Trust joins, with a request the operations manager answers in the admin."""
    form = MembershipRequestForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        form.save()
        return redirect("join_sent")
    return render(request, "pages/join.html", {"form": form})


def join_sent(request):
    return render(request, "pages/join_sent.html")


def accessibility(request):
    return render(request, "pages/accessibility.html")


def privacy(request):
    return render(
        request,
        "pages/privacy.html",
        {
            "unconfirmed_days": UNCONFIRMED_ACCOUNT_DAYS,
            "retention_period": _period(settings.PERSONAL_DATA_RETENTION_DAYS),
        },
    )


def _period(days):
    """``PERSONAL_DATA_RETENTION_DAYS`` as people say it: "3 years", or "500 days"."""
    if days % 365 == 0:
        years = days // 365
        return f"{years} year{pluralize(years)}"
    return f"{days} day{pluralize(days)}"


def cookies(request):
    return render(request, "pages/cookies.html")
