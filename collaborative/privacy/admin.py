"""The admin's "Erase personal data" action on People: asks first, then erases each
person through ``collaborative.privacy.erase_person``, as closing one's own account does."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils import timezone

from collaborative import privacy
from workshops.models import Booking

DESCRIPTION = "Erase personal data and close the account (asks first)"


def erase_people(model_admin, request, queryset):
    people = list(queryset.order_by("pk"))
    if request.POST.get("confirmed") != "yes":
        return TemplateResponse(
            request,
            "admin/collaborative/user/erase_people.html",
            {
                **model_admin.admin_site.each_context(request),
                "title": "Erase personal data",
                "opts": model_admin.model._meta,
                "people": people,
                "places_to_cancel": Booking.objects.active()
                .filter(person__in=people, workshop__date__gte=timezone.localdate())
                .count(),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
    erased = []
    for person in people:
        name = person.full_name
        try:
            erasure = privacy.erase_person(
                person=person, erased_by=request.user, door=f"admin action “{DESCRIPTION}”"
            )
        except privacy.ErasureRefused as refusal:
            model_admin.message_user(request, refusal.message, messages.ERROR)
            continue
        erased.append(erasure)
        # Ids only: the admin's messages are kept in the session until shown.
        if mentions := privacy.remaining_mentions(name):
            places = "; ".join(f"{model} {pk} ({field})" for model, pk, field in mentions[:20])
            model_admin.message_user(
                request,
                f"Person {person.pk}'s former name still appears in text people typed: {places}"
                f"{' and more' if len(mentions) > 20 else ''}. Names are not unique, so these "
                "were left as they are: edit them if the request covers them.",
                messages.WARNING,
            )
    if erased:
        model_admin.message_user(
            request,
            f"Erased the personal data of {len(erased)} person(s) (ids "
            f"{', '.join(str(e.person_id) for e in erased)}); "
            f"{sum(len(e.cancelled) for e in erased)} place(s) still to come were cancelled, "
            f"and {sum(e.kept_bookings for e in erased)} booking(s) are kept anonymously.",
            messages.SUCCESS,
        )
    return None
