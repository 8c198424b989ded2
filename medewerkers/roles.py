"""The two staff roles as groups with permissions, kept in sync as apps add models."""
from django.apps import apps as global_apps

REVIEWER = "Beoordelaar"
COORDINATOR = "Coördinator"

# Reviewers read registrations, move them through the workflow and add notes; they read
# partnerships and their conversations (who is invited, who comes) but neither compose them
# nor plan, invite or remind: that is ``partnerschappen.plan_gesprek``, a coordinator's.
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
    # The agreements and who confirmed them (recording and submitting them is
    # ``partnerschappen.leg_afspraak_vast``, a coordinator's).
    "partnerschappen.view_afspraak",
    "partnerschappen.view_afspraaklid",
    "partnerschappen.view_bevestiging",
    # The enterprise register, to check an organisation against it.
    "kbo.view_onderneming",
    "kbo.view_snapshot",
)

# Coordinators get every permission of the apps staff work in, including models those apps
# add later (partnerships) and custom ones such as ``registraties.export_registratie``;
# the outgoing mails too (see who got what, send a failed one again). Reviewers do not.
COORDINATOR_APPS = ("registraties", "partnerschappen", "verkenning", "berichten")
# ... and they may reset a colleague's second factor (remove the devices; the colleague then
# enrols again).
COORDINATOR_PERMISSIONS = (
    "otp_totp.delete_totpdevice",
    "otp_static.delete_staticdevice",
    # They read the register (only import_kbo writes it).
    "kbo.view_onderneming",
    "kbo.view_snapshot",
)


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
    coordinator.permissions.set(
        _permissions(apps, app_labels=COORDINATOR_APPS)
        | _permissions(apps, [tuple(name.split(".", 1)) for name in COORDINATOR_PERMISSIONS]))


def sync_roles_after_migrate(sender, apps=global_apps, **kwargs) -> None:
    """post_migrate receiver: runs after each staff app so its new permissions join the roles."""
    if sender.label in COORDINATOR_APPS:
        sync_roles(apps)


def staff_user_save(*, username: str, role: str, password: str = "", email: str = "",
                    first_name: str = "", last_name: str = ""):
    """Create or update a staff account in exactly one role; returns (user, created, password).

    The password is set whenever one is given; a new account without one gets a random
    password. ``password`` is the one that was set, or "" when it did not change.
    """
    import secrets

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    with transaction.atomic():
        sync_roles()
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.email = email or user.email
        user.first_name = first_name or user.first_name
        user.last_name = last_name or user.last_name
        if created and not password:
            password = secrets.token_urlsafe(12)
        if password:
            user.set_password(password)
        user.save()
        user.groups.remove(*Group.objects.filter(name__in=[REVIEWER, COORDINATOR]))
        user.groups.add(Group.objects.get(name=role))
    return user, created, password
