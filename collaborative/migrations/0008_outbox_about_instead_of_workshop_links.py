"""The outbox names what a message is about in a string the owning part reads ("booking:34",
"workshop:12") instead of holding foreign keys into the workshops app.

Existing rows keep their meaning: a message that had a booking is about the booking (its
workshop is the booking's), one that had only a workshop is about the workshop. Going back
fills both keys again from the string.
"""

from django.db import migrations, models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat


def about_from_links(apps, schema_editor):
    OutgoingEmail = apps.get_model("collaborative", "OutgoingEmail")
    OutgoingEmail.objects.filter(booking__isnull=False).update(
        about=Concat(Value("booking:"), Cast("booking_id", CharField()))
    )
    OutgoingEmail.objects.filter(booking__isnull=True, workshop__isnull=False).update(
        about=Concat(Value("workshop:"), Cast("workshop_id", CharField()))
    )


def links_from_about(apps, schema_editor):
    OutgoingEmail = apps.get_model("collaborative", "OutgoingEmail")
    Booking = apps.get_model("workshops", "Booking")
    workshops = dict(Booking.objects.values_list("pk", "workshop_id"))
    for message in OutgoingEmail.objects.exclude(about="").only("pk", "about"):
        kind, _, pk = message.about.partition(":")
        if kind == "booking" and int(pk) in workshops:
            message.booking_id, message.workshop_id = int(pk), workshops[int(pk)]
        elif kind == "workshop":
            message.workshop_id = int(pk)
        message.save(update_fields=["booking", "workshop"])


class Migration(migrations.Migration):
    dependencies = [
        ("collaborative", "0007_feedback_sign_off_and_address_reminder_emails"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="outgoingemail",
            name="collaborati_worksho_9cdb31_idx",
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="about",
            field=models.CharField(
                blank=True,
                help_text="What the message is about, as the part that sent it names it (e.g. "
                "workshop:12, booking:34); that part reads it when the message is rendered.",
                max_length=50,
            ),
        ),
        migrations.RunPython(about_from_links, links_from_about),
        migrations.AddIndex(
            model_name="outgoingemail",
            index=models.Index(
                fields=["about", "kind", "state"], name="collaborati_about_824485_idx"
            ),
        ),
        migrations.RemoveField(
            model_name="outgoingemail",
            name="booking",
        ),
        migrations.RemoveField(
            model_name="outgoingemail",
            name="workshop",
        ),
    ]
