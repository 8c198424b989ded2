from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistratiesConfig(AppConfig):
    name = "registraties"
    verbose_name = _("Registraties")
