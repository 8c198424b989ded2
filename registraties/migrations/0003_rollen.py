"""Creates the staff roles Beoordelaar and Coördinator with their permissions."""
from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from registraties.roles import sync_roles

    # Permissions are normally created after all migrations; create them now so the
    # groups can get them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)


def remove_roles(apps, schema_editor):
    from registraties.roles import COORDINATOR, REVIEWER

    apps.get_model("auth", "Group").objects.filter(name__in=[REVIEWER, COORDINATOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registraties", "0002_notitie_statuswijziging"),
        ("verkenning", "0002_ronde_2021"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
