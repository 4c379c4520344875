from django.shortcuts import render

from resources.models import Resource


def library(request):
    resources = Resource.objects.published().select_related("workshop")
    return render(request, "resources/library.html", {"resources": resources})
