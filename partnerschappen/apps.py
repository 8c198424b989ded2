from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnerschappenConfig(AppConfig):
    name = "partnerschappen"
    verbose_name = _("Partnerschappen")

    def ready(self):
        from berichten import rendering, worker
        from portaal import extensions

        from . import demo, mails
        from .admin.actions import toevoegen_aan_partnerschap
        from .admin.overview import partnership_charts
        from .admin.registratie_panel import memberships_panel
        from .excel import PARTNERSHIPS_COLUMN
        from .privacy import declare_personal_data
        from .selectors import edit_page_agreements, edit_page_conversations

        # Erasure and retention (registraties/personal_data.py) cover what partnerships store.
        declare_personal_data()

        # The worker writes the conversation mails and their calendar entries when it sends them.
        rendering.register(mails.KINDS, mails.render)
        # ... and the mail that puts an agreement to the members for confirmation.
        rendering.register(mails.AGREEMENT_KINDS, mails.render_agreement)

        # What partnerships add to the registration pages (portaal/extensions.py):
        # the batch action "add to a partnership" on the list,
        extensions.register(extensions.REGISTRATIE_ACTIONS, toevoegen_aan_partnerschap)
        # the partnerships a registration belongs to on its detail page,
        extensions.register(extensions.REGISTRATIE_PANELS, extensions.Section(
            template="admin/partnerschappen/registratie_partnerschappen.html",
            context=memberships_panel))
        # partnerships per status and answers to invitations on the overview,
        extensions.register(extensions.OVERVIEW_CHARTS, partnership_charts)
        # each organisation's partnerships on the registration sheet,
        extensions.register(extensions.REGISTRATIE_COLUMNS, PARTNERSHIPS_COLUMN)
        # the organisation's partnerships and the agreements it is asked to confirm on its
        # edit-link page (its read-only dossier after the close),
        extensions.register(extensions.EDIT_PAGE_SECTIONS, extensions.Section(
            template="partnerschappen/_dossier_afspraken.html", context=edit_page_agreements))
        # and the conversations the organisation is invited to on that page.
        extensions.register(extensions.EDIT_PAGE_SECTIONS, extensions.Section(
            template="partnerschappen/_wijzigen_gesprekken.html", context=edit_page_conversations))
        # Two partnerships after a conversation in the demo round of `make run`.
        extensions.register(extensions.DEMO_CONTENT, demo.demo_partnerships)
        # The building blocks of the subsidy call: a link on the overview, and every worker's
        # sweep builds the documents that wait too long.
        from .admin.bouwstenen import overview_links
        from .bouwstenen.tasks import bouwstenen_recover

        extensions.register(extensions.OVERVIEW_LINKS, overview_links)
        worker.register_recovery("bouwstenen", bouwstenen_recover)
