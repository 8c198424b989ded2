"""The roles get the agreements: coordinators record and submit them (``leg_afspraak_vast``,
and every other permission of partnerschappen), reviewers read them.

A copy of what the roles were when it was written (a migration is history); ``medewerkers``
brings them up to date after every migrate.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWER = "Beoordelaar"
COORDINATOR = "Coördinator"
MODELS = ("afspraak", "afspraaklid", "bevestiging")


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="partnerschappen",
                                     content_type__model__in=MODELS)
    for group in Group.objects.filter(name=COORDINATOR):
        group.permissions.add(*ours)
    for group in Group.objects.filter(name=REVIEWER):
        group.permissions.add(*ours.filter(codename__startswith="view_"))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    ours = Permission.objects.filter(content_type__app_label="partnerschappen",
                                     content_type__model__in=MODELS)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=[REVIEWER, COORDINATOR]):
        group.permissions.remove(*ours)


class Migration(migrations.Migration):
    dependencies = [
        ("partnerschappen", "0004_afspraken"),
        ("registraties", "0003_rollen"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
