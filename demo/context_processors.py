from django.utils.functional import SimpleLazyObject

from demo import registry


def demo_data(request):
    """``demo_data_present``: whether the pages must say that some of what they show is made up.

    Asked once per request, and only by a template that uses it.
    """
    return {"demo_data_present": SimpleLazyObject(lambda: _Present(registry.present()))}


class _Present:
    """A truth value a lazy object can stand for (``SimpleLazyObject`` cannot wrap a bool)."""

    def __init__(self, value):
        self.value = value

    def __bool__(self):
        return self.value
