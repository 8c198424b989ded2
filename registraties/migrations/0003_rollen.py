"""Creates the staff roles Beoordelaar and Coördinator with their permissions.

The roles live in ``medewerkers/roles.py`` now; this migration keeps its own copy of what
they were when it was written (a migration is history), and ``medewerkers`` brings them up
to date after every migrate.
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWER = "Beoordelaar"
COORDINATOR = "Coördinator"
REVIEWER_PERMISSIONS = (
    "registraties.view_registratie",
    "registraties.review_registratie",
    "registraties.view_historicalregistratie",
    "registraties.view_notitie",
    "registraties.add_notitie",
    "registraties.view_statuswijziging",
    "verkenning.view_ronde",
    "verkenning.view_contactpersoon",
    "partnerschappen.view_partnerschap",
    "partnerschappen.view_lidmaatschap",
    "partnerschappen.view_gesprek",
    "partnerschappen.view_uitnodiging",
    "kbo.view_onderneming",
    "kbo.view_snapshot",
)
COORDINATOR_APPS = ("registraties", "partnerschappen", "verkenning", "berichten")
COORDINATOR_PERMISSIONS = (
    "otp_totp.delete_totpdevice",
    "otp_static.delete_staticdevice",
    "kbo.view_onderneming",
    "kbo.view_snapshot",
)


def _permissions(apps, names=(), app_labels=()):
    Permission = apps.get_model("auth", "Permission")
    if app_labels:
        return Permission.objects.filter(content_type__app_label__in=app_labels)
    query = Permission.objects.none()
    for name in names:
        app_label, codename = name.split(".", 1)
        query = query | Permission.objects.filter(content_type__app_label=app_label,
                                                  codename=codename)
    return query


def sync_roles(apps) -> None:
    Group = apps.get_model("auth", "Group")
    reviewer, _ = Group.objects.get_or_create(name=REVIEWER)
    coordinator, _ = Group.objects.get_or_create(name=COORDINATOR)
    reviewer.permissions.set(_permissions(apps, REVIEWER_PERMISSIONS))
    coordinator.permissions.set(_permissions(apps, app_labels=COORDINATOR_APPS)
                                | _permissions(apps, COORDINATOR_PERMISSIONS))


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the
    # groups can get them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[REVIEWER, COORDINATOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registraties", "0002_notitie_statuswijziging"),
        ("verkenning", "0002_ronde_2021"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
