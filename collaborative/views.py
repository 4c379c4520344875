from django.http import HttpResponse


def home(request):
    return HttpResponse("")


def contact(request):
    return HttpResponse("")
