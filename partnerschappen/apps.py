from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerschappenConfig(AppConfig):
    name = "partnerschappen"
    verbose_name = _("Partnerschappen")

    def ready(self):
        from registraties.excel.columns import contribute_column

        from .excel import PARTNERSHIPS_COLUMN

        # The registration sheet shows each organisation's partnerships.
        contribute_column(PARTNERSHIPS_COLUMN)
