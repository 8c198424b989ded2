"""Agreements for the tests: a complete version of a partnership in one call."""
from partnerschappen import afspraken
from partnerschappen.models import Afspraak, Partnerschap


def member_inputs(partnerschap: Partnerschap, per_member: dict | None = None) -> list[afspraken.LidInput]:
    """One complete LidInput per remaining member; the first (the regisseur) holds the regierol.

    ``per_member`` maps a registration's pk to the fields that differ for it.
    """
    inputs = []
    for index, lid in enumerate(afspraken.remaining_members(partnerschap)):
        values = {"acties": ["regie", "leren"] if index == 0 else ["competentiechecks"],
                  "sectoren": f"Sector van {lid.registratie.naam}",
                  "paritaire_comites": "124, 200", "provincies": ["VOV", "VWV"],
                  "bereik_ondernemingen": 40 + index, "bereik_werknemers": 200 + index,
                  "bijdrage": f"{lid.registratie.naam} draagt bij.",
                  **(per_member or {}).get(lid.registratie_id, {})}
        inputs.append(afspraken.LidInput(registratie_id=lid.registratie_id, **values))
    return inputs


def record(partnerschap: Partnerschap, *, user=None, leden=None, **overrides) -> Afspraak:
    """A new version (themes, target group, next step filled in) and nothing else."""
    values = {"themas": ["behoeftedetectie"], "thema_andere": "",
              "doelgroep": "Kleine bouwbedrijven in Oost- en West-Vlaanderen",
              "open_vragen": "Mag een sectorfonds ook de regierol opnemen?",
              "volgende_stap": "Bouwfonds Oost schrijft een eerste plan.", **overrides}
    afspraak, _created = afspraken.afspraak_save(
        partnerschap=partnerschap, leden=leden if leden is not None else member_inputs(partnerschap),
        user=user, **values)
    return afspraak


def confirm_all(afspraak: Afspraak) -> None:
    afspraak.refresh_from_db()
    for lid in afspraak.leden.select_related("registratie"):
        afspraken.afspraak_answer(afspraak=afspraak, registratie=lid.registratie, akkoord=True)
