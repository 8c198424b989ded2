from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistratiesConfig(AppConfig):
    name = "registraties"
    verbose_name = _("Registraties")

    def ready(self):
        from berichten import rendering, worker
        from portaal import extensions

        from . import mails
        from .excel.tasks import importbestanden_recover
        from .personal_data import declare_registraties
        from .selectors import number_registered_now

        # What erasure and retention wipe in this app's models.
        declare_registraties()

        # The worker writes these mails when it sends them.
        rendering.register(mails.KINDS, mails.render)
        # The form's KBO lookup also says whether the number already registered.
        extensions.register(extensions.KBO_LOOKUP_ANSWERS, number_registered_now)
        # Every worker's sweep runs the Excel previews and imports that wait too long.
        worker.register_recovery("excel-import", importbestanden_recover)

