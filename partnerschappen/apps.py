from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerschappenConfig(AppConfig):
    name = "partnerschappen"
    verbose_name = _("Partnerschappen")
