"""The demo round's partnerships (``make run``): two that went through a conversation, one
formed with a confirmed agreement, one waiting for a confirmation, so that the dossier, the
agreement pages and the building blocks show real content on the first run.

Built through the same services as staff use; registered for registraties' demo_data
command at portaal.extensions.DEMO_CONTENT.
"""
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from registraties.constants import RegistratieStatus
from registraties.models import Registratie
from registraties.services import registratie_renew_link

from . import afspraken, gesprekken, services
from .constants import Antwoord, Basis
from .models import Gesprek, Partnerschap

FORMED, WAITING = "Demo: gevormd partnerschap", "Demo: wacht op bevestiging"
CONTRIBUTIONS = (
    "Neemt de regie op: plant de overleggen en volgt de planning van het partnerschap op.",
    "Stelt het leertraject samen en geeft de opleidingen aan de begeleiders.",
    "Brengt de competentiechecks onder de aandacht van de kleine ondernemingen in de sector.",
    "Voert de competentiechecks uit in de ondernemingen en verzamelt de resultaten.",
)


def _groups(ronde) -> list[list[Registratie]]:
    """Two groups of eligible registrations, each of one sector where possible."""
    eligible = list(Registratie.objects.filter(ronde=ronde, status=RegistratieStatus.ONTVANKELIJK)
                    .order_by("pk"))
    by_sector: dict[str, list[Registratie]] = defaultdict(list)
    for registratie in eligible:
        by_sector[registratie.sectoren].append(registratie)
    groups = sorted((g[:4] for g in by_sector.values() if len(g) >= 2), key=len, reverse=True)
    if len(groups) < 2:
        groups = [eligible[i:i + 3] for i in range(0, min(len(eligible), 6), 3)]
    return [g for g in groups[:2] if len(g) >= 2]


def _through_conversation(partnerschap: Partnerschap, *, base: str) -> None:
    """Planned, invited, answered, held ten days ago, with a report."""
    gesprek = gesprekken.gesprek_plan(
        partnerschap=partnerschap, begint_op=timezone.now() + timedelta(days=1),
        duur_minuten=90, plaats="Koning Albert II-laan 35, 1030 Brussel")
    gesprekken.gesprek_invite(gesprek=gesprek, base=base)
    for uitnodiging in gesprek.uitnodigingen.all():
        gesprekken.uitnodiging_answer(uitnodiging=uitnodiging, antwoord=Antwoord.KOMT)
    # The conversation took place: moved into the past (no service moves one back in time).
    Gesprek.objects.filter(pk=gesprek.pk).update(begint_op=timezone.now() - timedelta(days=10))
    gesprekken.gesprek_save_report(gesprek=gesprek, verslag=(
        "Demo: alle leden waren er. Afspraken over de vier acties, de sectoren en het bereik "
        "staan in de afspraak."))


def _agreement(partnerschap: Partnerschap, *, base: str):
    leden = []
    for index, lid in enumerate(afspraken.remaining_members(partnerschap)):
        values = afspraken.member_defaults(lid)
        values["acties"] = [code for code in values["acties"] if code != "regie"]
        if index == 0:
            values["acties"] = ["regie", *values["acties"]]
        values["acties"] = values["acties"] or ["competentiechecks"]
        values["provincies"] = values["provincies"] or ["VAN"]
        values["bereik_werknemers"] = 5 * values["bereik_ondernemingen"]
        values["bijdrage"] = CONTRIBUTIONS[index % len(CONTRIBUTIONS)]
        leden.append(afspraken.LidInput(**values))
    afspraak, _created = afspraken.afspraak_save(
        partnerschap=partnerschap, themas=list(partnerschap.themas or ["behoeftedetectie"]),
        doelgroep="Kleine ondernemingen (tot 50 werknemers) in de sector en hun werknemers.",
        open_vragen="Kan een deel van het budget naar de opleiding van de begeleiders gaan?",
        volgende_stap="De regisseur schrijft het projectvoorstel voor de subsidieoproep.",
        leden=leden)
    afspraken.afspraak_submit(afspraak=afspraak, base=base)
    return afspraak


@transaction.atomic
def demo_partnerships(ronde, base: str = "") -> list[str]:
    """Add the two demo partnerships to ``ronde`` once; returns the lines demo_data prints
    (a fresh dossier link of a member still asked to confirm)."""
    existing = {p.naam: p for p in Partnerschap.objects.filter(ronde=ronde,
                                                               naam__in=[FORMED, WAITING])}
    if not existing:
        groups = _groups(ronde)
        if len(groups) < 2:
            return []
        for naam, group in zip((FORMED, WAITING), groups, strict=False):
            partnerschap = services.partnerschap_create(
                ronde=ronde, naam=naam, registraties=group, regisseur=group[0],
                basis=Basis.GELIJKAARDIGE_UITDAGINGEN, themas=group[0].themas)
            _through_conversation(partnerschap, base=base)
            afspraak = _agreement(partnerschap, base=base)
            members = [lid.registratie for lid in afspraak.leden.select_related("registratie")]
            confirming = members if naam == FORMED else members[:1]
            for registratie in confirming:
                afspraken.afspraak_answer(afspraak=afspraak, registratie=registratie,
                                          akkoord=True)
            if naam == FORMED:
                gesprekken.partnerschap_form(partnerschap=partnerschap,
                                             reden="Demo: alle leden bevestigden de afspraak.")
            existing[naam] = partnerschap
    waiting = existing.get(WAITING)
    confirmation = afspraken.partnerschap_confirmation(waiting) if waiting else None
    if confirmation is None or not confirmation.missing:
        return []
    registratie = Registratie.objects.get(pk=confirmation.missing[0])
    token = registratie_renew_link(registratie=registratie)
    url = base + reverse("registraties:wijzigen", args=[token]) + "#afspraken"
    return [f"Partnerschappen: ‘{FORMED}’ en ‘{WAITING}’ ({confirmation}).",
            f"Dossier van {registratie.naam} (bevestigt nog): {url}"]
