from django.db import migrations


def create_group(apps, schema_editor):
    from collaborative.people.roles import sync_programme_operations_group

    sync_programme_operations_group(apps=apps)


def remove_group(apps, schema_editor):
    from collaborative.people.roles import PROGRAMME_OPERATIONS_GROUP

    apps.get_model("auth", "Group").objects.filter(name=PROGRAMME_OPERATIONS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("collaborative", "0001_initial"),
        ("trusts", "0002_affiliation_and_former_names"),
        ("workshops", "0002_booking_rules"),
        ("resources", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
