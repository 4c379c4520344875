"""The portal's URLs and the benchmarks' bare view, which does nothing but answer."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("", include("collaborative.urls")),
]
