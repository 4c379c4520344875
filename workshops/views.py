from django.shortcuts import get_object_or_404, render

from workshops.models import Workshop


def programme(request):
    workshops = Workshop.objects.public().select_related("theme")
    return render(
        request,
        "workshops/programme.html",
        {"upcoming": workshops.upcoming(), "past": workshops.past()},
    )


def detail(request, slug):
    """A published workshop. Staff may also preview a draft, which visitors cannot see."""
    workshops = Workshop.objects.all() if request.user.is_staff else Workshop.objects.public()
    workshop = get_object_or_404(
        workshops.select_related("theme").prefetch_related("agenda_items"), slug=slug
    )
    return render(request, "workshops/detail.html", {"workshop": workshop})
