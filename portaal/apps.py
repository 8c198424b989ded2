from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


class PortaalAdminConfig(AdminConfig):
    default_site = "portaal.admin.PortaalAdminSite"

    def ready(self):
        from .cache import create_cache_table

        super().ready()
        # Once per migrate (this app config is the sender), whichever apps it migrated.
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="portaal_cache_table")
