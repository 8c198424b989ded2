"""Staff backend of partnerships, and what partnerships add to the registration pages.

partnerschap.py       the partnership list and page, members inline (PartnerschapAdmin)
actions.py            batch actions: add registrations to a partnership, export to Excel
suggestion_views.py   the page with suggested partnerships
"""
from django.urls import reverse

from registraties.admin.registratie import DetailPanel, RegistratieAdmin

from ..models import Lidmaatschap
from . import partnerschap  # noqa: F401 (registers PartnerschapAdmin)
from .actions import toevoegen_aan_partnerschap


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
