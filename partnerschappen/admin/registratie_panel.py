"""The panel partnerships add to a registration's detail page: the partnerships it belongs to."""
from django.urls import reverse

from ..models import Lidmaatschap


def memberships_panel(request, registratie) -> dict:
    """The partnerships a registration belongs to, with links to them."""
    rows = (Lidmaatschap.objects.filter(registratie=registratie)
            .select_related("partnerschap").order_by("partnerschap__naam"))
    return {"memberships": [{
        "lidmaatschap": row,
        "url": reverse("admin:partnerschappen_partnerschap_change", args=[row.partnerschap_id]),
    } for row in rows]}
