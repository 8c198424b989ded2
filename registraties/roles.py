"""The two staff roles as groups with permissions, kept in sync as apps add models."""
from django.apps import apps as global_apps

REVIEWER = "Beoordelaar"
COORDINATOR = "Coördinator"

# Reviewers read registrations, move them through the workflow and add notes; nothing else.
REVIEWER_PERMISSIONS = (
    "registraties.view_registratie",
    "registraties.review_registratie",
    "registraties.view_historicalregistratie",
    "registraties.view_notitie",
    "registraties.add_notitie",
    "registraties.view_statuswijziging",
    "verkenning.view_ronde",
    "verkenning.view_contactpersoon",
)

# Coordinators get every permission of the apps staff work in, including models those apps
# add later (partnerships) and custom ones such as ``registraties.export_registratie``.
COORDINATOR_APPS = ("registraties", "partnerschappen", "verkenning")


def _permissions(apps, codenames: list[tuple[str, str]] | None = None, app_labels=()):
    Permission = apps.get_model("auth", "Permission")
    if app_labels:
        return Permission.objects.filter(content_type__app_label__in=app_labels)
    query = Permission.objects.none()
    for app_label, codename in codenames or []:
        query = query | Permission.objects.filter(content_type__app_label=app_label,
                                                  codename=codename)
    return query


def sync_roles(apps=global_apps) -> None:
    """Create both groups and give them their permissions; safe to run again and again."""
    Group = apps.get_model("auth", "Group")
    reviewer, _ = Group.objects.get_or_create(name=REVIEWER)
    coordinator, _ = Group.objects.get_or_create(name=COORDINATOR)
    reviewer.permissions.set(_permissions(
        apps, [tuple(name.split(".", 1)) for name in REVIEWER_PERMISSIONS]))
    coordinator.permissions.set(_permissions(apps, app_labels=COORDINATOR_APPS))


def sync_roles_after_migrate(sender, apps=global_apps, **kwargs) -> None:
    """post_migrate receiver: runs after each staff app so its new permissions join the roles."""
    if sender.label in COORDINATOR_APPS:
        sync_roles(apps)
