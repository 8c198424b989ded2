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


def form_post(partnerschap: Partnerschap, leden=None, **overrides) -> dict:
    """The agreement form's POST as a browser sends it (prefix ``leden``)."""
    leden = leden if leden is not None else member_inputs(partnerschap)
    data = {"themas": ["behoeftedetectie"], "thema_andere": "",
            "doelgroep": "Kleine bouwbedrijven", "open_vragen": "",
            "volgende_stap": "Een eerste plan.", **overrides,
            "leden-TOTAL_FORMS": str(len(leden)), "leden-INITIAL_FORMS": str(len(leden)),
            "leden-MIN_NUM_FORMS": "0", "leden-MAX_NUM_FORMS": "1000"}
    for index, lid in enumerate(leden):
        prefix = f"leden-{index}-"
        data.update({prefix + "registratie_id": str(lid.registratie_id),
                     prefix + "acties": list(lid.acties), prefix + "sectoren": lid.sectoren,
                     prefix + "paritaire_comites": lid.paritaire_comites,
                     prefix + "provincies": list(lid.provincies),
                     prefix + "bereik_ondernemingen": str(lid.bereik_ondernemingen),
                     prefix + "bereik_werknemers": str(lid.bereik_werknemers),
                     prefix + "bijdrage": lid.bijdrage})
    return data
