"""Staff backend of partnerships, and what partnerships add to the registration pages.

partnerschap.py       the partnership list and page, members inline (PartnerschapAdmin)
actions.py            batch actions: add registrations to a partnership, export to Excel
suggestion_views.py   the page with suggested partnerships
gesprek_views.py      the conversation pages: plan, change, invite, remind, cancel, report, outcome
overview.py           the overview's charts of partnerships and invitations
"""
from django.urls import reverse

from registraties.admin.overview import contribute_charts
from registraties.admin.registratie import DetailPanel, RegistratieAdmin

from ..models import Lidmaatschap
from . import partnerschap  # noqa: F401 (registers PartnerschapAdmin)
from .actions import toevoegen_aan_partnerschap
from .overview import partnership_charts


def memberships_panel(request, registratie) -> dict:
    """The partnerships a registration belongs to, with links to them."""
    rows = (Lidmaatschap.objects.filter(registratie=registratie)
            .select_related("partnerschap").order_by("partnerschap__naam"))
    return {"memberships": [{
        "lidmaatschap": row,
        "url": reverse("admin:partnerschappen_partnerschap_change", args=[row.partnerschap_id]),
    } for row in rows]}


RegistratieAdmin.contribute_action(toevoegen_aan_partnerschap)
RegistratieAdmin.contribute_panel(DetailPanel(
    template="admin/partnerschappen/registratie_partnerschappen.html", context=memberships_panel))
contribute_charts(partnership_charts)
