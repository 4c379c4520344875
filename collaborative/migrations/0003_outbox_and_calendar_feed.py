import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('collaborative', '0002_programme_operations_group'),
        ('workshops', '0003_reserved_workshop_slugs'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='calendar_token',
            field=models.CharField(blank=True, editable=False, help_text="The secret in the person's calendar feed address; none means no feed.", max_length=64, null=True, unique=True),
        ),
        migrations.CreateModel(
            name='OutgoingEmail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('invitation', 'Invitation to a workshop'), ('booking_confirmed', 'Place confirmed'), ('awaiting_approval', 'Place awaiting approval'), ('waiting_list', 'On the waiting list'), ('place_offered', 'Place offered'), ('offer_expired', 'Offer expired'), ('booking_approved', 'Place approved'), ('booking_not_approved', 'Place not approved'), ('booking_cancelled', 'Booking cancelled'), ('workshop_changed', 'Workshop changed'), ('workshop_cancelled', 'Workshop cancelled'), ('reminder', 'Reminder'), ('agenda_agreed', 'Agenda agreed'), ('agenda_changed', 'Details or agenda changed'), ('colleague_account', 'Account set up by a colleague')], max_length=30)),
                ('key', models.CharField(help_text='Names the event and the recipient, e.g. invitation:w12:p34; one e-mail per key.', max_length=200, unique=True)),
                ('context', models.JSONField(blank=True, default=dict, help_text='What the message must say as it was at the event, e.g. a waiting-list position.')),
                ('state', models.CharField(choices=[('pending', 'Waiting to be sent'), ('sent', 'Sent'), ('failed', 'Failed, to be tried again')], default='pending', max_length=10)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('last_error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('last_attempt_at', models.DateTimeField(blank=True, null=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('booking', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='outgoing_emails', to='workshops.booking')),
                ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outgoing_emails', to=settings.AUTH_USER_MODEL)),
                ('workshop', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='outgoing_emails', to='workshops.workshop')),
            ],
            options={
                'verbose_name': 'outgoing e-mail',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['state', 'created_at'], name='collaborati_state_3bb0e0_idx'), models.Index(fields=['workshop', 'kind', 'state'], name='collaborati_worksho_9cdb31_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('state', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='outgoing_email_sent_has_time')],
            },
        ),
    ]
