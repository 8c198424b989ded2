"""The panel partnerships add to a registration's detail page: the partnerships it belongs to,
and where it stands with each one's current agreement."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..afspraken import current_versions
from ..models import Bevestiging, Lidmaatschap

NO_AGREEMENT, NOT_YET = _("nog geen afspraak voorgelegd"), _("nog niet bevestigd")
CONFIRMED, COMMENTED = _("bevestigd"), _("opmerking gegeven")


def memberships_panel(request, registratie) -> dict:
    """The partnerships a registration belongs to, with links to them (three queries)."""
    rows = list(Lidmaatschap.objects.filter(registratie=registratie)
                .select_related("partnerschap").order_by("partnerschap__naam"))
    versions = {a.partnerschap_id: a.pk for a in current_versions(
        [row.partnerschap_id for row in rows]).filter(voorgelegd_op__isnull=False).only("pk")}
    answers = dict(Bevestiging.objects.filter(afspraak__in=list(versions.values()),
                                              registratie=registratie)
                   .values_list("afspraak_id", "akkoord"))

    def agreement(row) -> str:
        afspraak_id = versions.get(row.partnerschap_id)
        if afspraak_id is None:
            return NO_AGREEMENT
        answer = answers.get(afspraak_id)
        return NOT_YET if answer is None else CONFIRMED if answer else COMMENTED

    return {"memberships": [{
        "lidmaatschap": row,
        "url": reverse("admin:partnerschappen_partnerschap_change", args=[row.partnerschap_id]),
        "afspraak": agreement(row),
    } for row in rows]}
