from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistratiesConfig(AppConfig):
    name = "registraties"
    verbose_name = _("Registraties")

    def ready(self):
        from .roles import sync_roles_after_migrate

        # Not limited to this app as sender: partnerships migrate later and their
        # permissions must reach the coordinator role too.
        post_migrate.connect(sync_roles_after_migrate,
                             dispatch_uid="registraties_sync_roles")
