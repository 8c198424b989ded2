from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BerichtenConfig(AppConfig):
    name = "berichten"
    verbose_name = _("Berichten")

    def ready(self):
        from . import tasks, worker

        # Every worker's sweep sends the mails that wait too long (a lost task, a dead worker).
        worker.register_recovery("berichten", tasks.berichten_recover)
