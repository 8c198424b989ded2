from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KboConfig(AppConfig):
    name = "kbo"
    verbose_name = _("Ondernemingsregister (KBO)")
    default_auto_field = "django.db.models.BigAutoField"
