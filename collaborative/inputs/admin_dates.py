"""The admin's change lists, safe from a date hierarchy asked for a date out of range."""

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class DateHierarchyChangeList(ChangeList):
    """``?date__year=99999999999999999999``, or ``9999`` with December, makes Django's
    change list build a date out of range, which it does not catch (an OverflowError, or
    a ValueError outside its ``try``): a 500. Here it is a wrong filter like any other,
    and the admin says so."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class SafeDateHierarchy:
    """Mix into every ModelAdmin with a ``date_hierarchy`` (a test walks the admin to
    see that each has it)."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList
