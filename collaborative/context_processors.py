from django.conf import settings


def portal(request):
    """Values every page's layout needs."""
    return {"programme_operations_email": settings.PROGRAMME_OPERATIONS_EMAIL}
