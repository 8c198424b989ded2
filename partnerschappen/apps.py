from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerschappenConfig(AppConfig):
    name = "partnerschappen"
    verbose_name = _("Partnerschappen")

    def ready(self):
        from berichten import rendering
        from registraties.excel.columns import contribute_column
        from registraties.views import EditPageSection, contribute_edit_page_section

        from . import mails
        from .excel import PARTNERSHIPS_COLUMN
        from .privacy import declare_personal_data
        from .selectors import edit_page_conversations

        # Erasure and retention (registraties/personal_data.py) cover what partnerships store.
        declare_personal_data()

        # The worker writes the conversation mails and their calendar entries when it sends them.
        rendering.register(mails.KINDS, mails.render)

        # The registration sheet shows each organisation's partnerships.
        contribute_column(PARTNERSHIPS_COLUMN)
        # The edit-link page lists the conversations the organisation is invited to.
        contribute_edit_page_section(EditPageSection(
            template="partnerschappen/_wijzigen_gesprekken.html", context=edit_page_conversations))
