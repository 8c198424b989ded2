from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MedewerkersConfig(AppConfig):
    """Staff accounts: the two roles, their second factor, the accounts page. No models."""

    name = "medewerkers"
    verbose_name = _("Medewerkers")

    def ready(self):
        from .roles import sync_roles_after_migrate

        # Not limited to one app as sender: partnerships migrate later and their
        # permissions must reach the coordinator role too.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="medewerkers_sync_roles")
