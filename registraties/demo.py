"""Fictitious but plausible registrations for the demo round, benchmarks and tests.

Organisations come in natural groups (a sector with a shared challenge, or a value chain),
so that bundling them into partnerships has something to find.
"""
import random
from dataclasses import dataclass

from .constants import Actie, Rechtsvorm, Thema, TypeOrganisatie, Vaardigheid


def valid_ondernemingsnummer(rng: random.Random) -> str:
    """A random 10-digit enterprise number with a correct mod-97 checksum."""
    base = rng.randint(2_000_000, 9_999_999)  # 8 digits with a leading 0
    return f"0{base:07d}{97 - (base % 97):02d}"


@dataclass(frozen=True)
class Cluster:
    key: str
    sectoren: str
    paritaire_comites: str
    themas: tuple[str, ...]
    vaardigheden: tuple[str, ...]
    uitdagingen: tuple[str, ...]
    keten: str
    namen: tuple[str, ...]
    # The sector word of the made-up register's names (kbo/synthetic.py) that fits this one.
    register_sector: str = ""


CLUSTERS: tuple[Cluster, ...] = (
    Cluster(
        "bouw", "bouw, installatietechniek", "124, 126",
        (Thema.BEHOEFTEDETECTIE, Thema.THEMATISCHE_SCREENING),
        (Vaardigheid.DIGITAAL, Vaardigheid.GROEN),
        ("werken met BIM en digitale bouwplannen", "circulair bouwen en hergebruik van "
         "materialen", "energieprestatie en renovatie van woningen", "veilig werken op de werf"),
        "",
        ("Bouwfonds Vlaanderen", "Confederatie Aannemers West", "Installateurs Vlaanderen",
         "Renovatie Netwerk", "Dakwerkers Federatie", "Schrijnwerkers Vereniging",
         "Werfveiligheid Vlaanderen"),
        register_sector="Bouw",
    ),
    Cluster(
        "voeding", "voeding, landbouw, handel", "118, 220, 145",
        (Thema.KENNISOVERDRACHT, Thema.DOORGROEI),
        (Vaardigheid.DIGITAAL, Vaardigheid.GROEN),
        ("voedselveiligheid en hygiëne in kleine bedrijven", "automatisering van "
         "productielijnen", "kennis van ervaren operatoren doorgeven aan nieuwe werknemers",
         "duurzame verpakking en minder voedselverlies"),
        "van landbouwer via voedingsverwerker tot winkel: de voedingsketen",
        ("Voedingsfonds Vlaanderen", "Boerenbond Vorming", "Bakkers Vlaanderen",
         "Slagers Federatie", "Groenteveiling Netwerk", "Zuivel Vlaanderen",
         "Brouwers Vereniging"),
        register_sector="Voeding",
    ),
    Cluster(
        "zorg", "zorg, welzijn, social profit", "330, 319, 331",
        (Thema.DOORGROEI, Thema.BEHOEFTEDETECTIE),
        (Vaardigheid.DIGITAAL, Vaardigheid.EEUWS),
        ("doorgroei van zorgkundigen naar verpleegkundigen", "werken met digitale "
         "zorgdossiers", "communicatie en samenwerking in kleine zorgteams",
         "personeelstekort en instroom van zij-instromers"),
        "",
        ("Sociaal Fonds Zorg", "Federatie Thuiszorg", "Kinderopvang Netwerk",
         "Welzijnsoverleg Vlaanderen", "Gezinszorg Verbond", "Vereniging Woonzorg",
         "Apothekers Netwerk"),
        register_sector="Zorg",
    ),
    Cluster(
        "logistiek", "transport, logistiek", "140, 226",
        (Thema.THEMATISCHE_SCREENING, Thema.DOORGROEI),
        (Vaardigheid.DIGITAAL, Vaardigheid.GROEN),
        ("warehouse management systemen en scanners", "elektrische vrachtwagens en "
         "ecologisch rijden", "planning en e-commerce logistiek"),
        "van haven via distributiecentrum tot de klant: de logistieke keten",
        ("Transportfonds Vlaanderen", "Logistiek Platform", "Havenbedrijven Overleg",
         "Koeriers Federatie", "Distributie Vlaanderen", "Binnenvaart Vlaanderen",
         "Magazijnwerk Netwerk"),
        register_sector="Logistiek",
    ),
    Cluster(
        "technologie", "metaal, technologische industrie", "111, 209",
        (Thema.KENNISOVERDRACHT, Thema.THEMATISCHE_SCREENING),
        (Vaardigheid.DIGITAAL, Vaardigheid.EEUWS),
        ("robotisering en industrie 4.0 in kmo's", "kennisoverdracht van oudere vakmensen "
         "naar jonge technici", "onderhoud van digitale machines en sensoren"),
        "",
        ("Technologiefonds Vlaanderen", "Metaalunie Vlaanderen", "Lasschool Netwerk",
         "Machinebouw Federatie", "Elektrotechniek Vlaanderen", "Precisietechniek Vereniging",
         "Kunststofverwerkers Vlaanderen"),
        register_sector="Metaal",
    ),
)

NOISE = (
    ("Cultuurnetwerk Vlaanderen", "cultuur, evenementen", "329, 304",
     "creatieve vaardigheden en freelancers begeleiden"),
    ("Kappers Federatie", "kappers, schoonheidszorg", "314",
     "nieuwe technieken en klantgerichtheid in kleine salons"),
    ("Schoonmaak Overleg", "schoonmaak", "121", "taalvaardigheid en veiligheid op de werkvloer"),
    ("Drukkerij Netwerk", "grafische sector", "130", "overstap van offset naar digitaal drukken"),
    ("Tuinaanleg Vlaanderen", "tuinbouw, groenvoorziening", "145",
     "ecologisch tuinbeheer en seizoenswerk"),
    ("Garages Vlaanderen", "garages, mobiliteit", "112",
     "onderhoud van elektrische en hybride wagens"),
    ("Vrije Beroepen Vereniging", "vrije beroepen, dienstverlening", "200",
     "digitale administratie in kleine kantoren"),
    ("Horeca Opleidingsnetwerk", "horeca", "302", "personeel vinden en houden in de horeca"),
    ("Juweliers Vereniging", "diamant, juwelen", "324", "vakmanschap van edelsmeden bewaren"),
    ("Sportclubs Federatie", "sport, recreatie", "329.03", "vrijwilligers en trainers opleiden"),
    ("Beveiliging Overleg", "bewaking, beveiliging", "317", "conflicthantering en camerabeheer"),
    ("Uitvaart Vereniging", "uitvaartsector", "320", "rouwbegeleiding en nieuwe wetgeving"),
)

# Sectors outside the clusters that the made-up register also has.
NOISE_REGISTER_SECTORS = {"horeca": "Horeca", "tuinbouw, groenvoorziening": "Landbouw"}


def register_sector(answers: dict) -> str:
    """The register's sector word whose names fit these answers' sectors ("" when none does):
    a demo organisation named after the register then carries a name of its own sector."""
    for cluster in CLUSTERS:
        if answers.get("sectoren") == cluster.sectoren:
            return cluster.register_sector
    return NOISE_REGISTER_SECTORS.get(answers.get("sectoren", ""), "")


GEMEENTEN = (
    ("2000", "Antwerpen"), ("9000", "Gent"), ("3000", "Leuven"), ("8000", "Brugge"),
    ("3500", "Hasselt"), ("2800", "Mechelen"), ("8500", "Kortrijk"), ("9300", "Aalst"),
    ("1000", "Brussel"), ("1030", "Schaarbeek"), ("1800", "Vilvoorde"), ("2300", "Turnhout"),
    ("3600", "Genk"), ("8400", "Oostende"), ("9100", "Sint-Niklaas"), ("1500", "Halle"),
)
VOORNAMEN = ("An", "Bart", "Charlotte", "Dirk", "Els", "Filip", "Griet", "Hans", "Ine", "Jan",
             "Katrien", "Lieven", "Marijke", "Nico", "Sara", "Tom", "Veerle", "Wim")
ACHTERNAMEN = ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes",
               "Goossens", "Wouters", "De Smet", "Dubois", "Vermeulen", "Van den Broeck")
TYPES_BY_WEIGHT = (
    (TypeOrganisatie.SECTORFONDS, 4), (TypeOrganisatie.SECTORFEDERATIE, 4),
    (TypeOrganisatie.LEDENORGANISATIE, 2), (TypeOrganisatie.WERKGEVERSORGANISATIE, 2),
    (TypeOrganisatie.WERKNEMERSORGANISATIE, 2), (TypeOrganisatie.ANDERE, 1),
)


def _rollen(rng: random.Random, index: int) -> list[str]:
    # Every group gets someone willing to direct, and the four actions spread over members.
    all_roles = list(Actie.values)
    first = all_roles[index % 4]
    extra = rng.sample(all_roles, rng.randint(0, 2))
    return list(dict.fromkeys([first, *extra]))


def _answers(rng: random.Random, *, naam: str, sectoren: str, paritaire_comites: str,
             themas, vaardigheden, uitdagingen: str, keten: str, index: int) -> dict:
    postcode, gemeente = rng.choice(GEMEENTEN)
    brussel = postcode.startswith("10")
    type_organisatie = rng.choices([t for t, _ in TYPES_BY_WEIGHT],
                                   weights=[w for _, w in TYPES_BY_WEIGHT])[0]
    rechtsvorm = rng.choices(
        [Rechtsvorm.VZW, Rechtsvorm.FONDS_BESTAANSZEKERHEID, Rechtsvorm.BEROEPSVERENIGING,
         Rechtsvorm.ANDERE], weights=[6, 3, 2, 1])[0]
    voornaam, achternaam = rng.choice(VOORNAMEN), rng.choice(ACHTERNAMEN)
    domein = "".join(ch for ch in naam.lower() if ch.isalnum())[:20]
    return {
        "naam": naam,
        "ondernemingsnummer": valid_ondernemingsnummer(rng),
        "rechtsvorm": rechtsvorm,
        "rechtsvorm_andere": "ivzw naar buitenlands recht" if rechtsvorm == "andere" else "",
        "type_organisatie": type_organisatie,
        "type_andere": "opleidingsverstrekker" if type_organisatie == "andere" else "",
        "website": f"https://www.{domein}.be",
        "straat": f"{rng.choice(['Kerkstraat', 'Stationsstraat', 'Nijverheidslaan', 'Markt'])} "
                  f"{rng.randint(1, 180)}",
        "postcode": postcode,
        "gemeente": gemeente,
        "werking_vlaanderen": True,
        "toelichting_werking": "Wij werken voor ondernemingen in heel Vlaanderen; onze "
                               "leden zijn voor 80% Vlaamse kmo's." if brussel else "",
        "bereid_tot_partnerschap": True,
        "contact_naam": f"{voornaam} {achternaam}",
        "contact_functie": rng.choice(["stafmedewerker", "directeur", "opleidingsadviseur",
                                       "projectcoördinator"]),
        "contact_email": f"{voornaam.lower()}.{achternaam.lower().replace(' ', '')}@{domein}.be",
        "contact_telefoon": f"0{rng.randint(470, 499)} {rng.randint(10, 99)} "
                            f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
        "themas": list(themas),
        "thema_andere": "",
        "vaardigheden": list(vaardigheden),
        "rollen": _rollen(rng, index),
        "sectoren": sectoren,
        "paritaire_comites": paritaire_comites,
        "aantal_ondernemingen": rng.choice([40, 120, 350, 800, 2500]),
        "aandeel_kleine_ondernemingen": rng.choice([35, 60, 75, 85, 95]),
        "competentie_uitdagingen": uitdagingen,
        "keten": keten,
        "gewenste_partners": "",
        "opmerkingen": "",
        "toestemming_delen": rng.random() < 0.7,
        "privacy_akkoord": True,
    }


def demo_answers(count: int = 40, seed: int = 2021) -> list[dict]:
    """`count` answer sets: about four in five in the clusters above, the rest unrelated."""
    rng = random.Random(seed)
    rows: list[dict] = []
    names: set[str] = set()
    per_cluster = [0] * len(CLUSTERS)
    noise_count = 0
    index = 0

    def unique(naam: str) -> str:
        # Past the list of names, a branch of an organisation registers on its own.
        candidate, branch = naam, 0
        while candidate in names:
            branch += 1
            gemeente = GEMEENTEN[(branch - 1) % len(GEMEENTEN)][1]
            candidate = f"{naam} – afdeling {gemeente}" if branch <= len(GEMEENTEN) \
                else f"{naam} – afdeling {gemeente} {branch // len(GEMEENTEN) + 1}"
        names.add(candidate)
        return candidate

    while len(rows) < count:
        if rng.random() < 0.8:
            c = index % len(CLUSTERS)
            cluster = CLUSTERS[c]
            naam = unique(cluster.namen[per_cluster[c] % len(cluster.namen)])
            per_cluster[c] += 1
            challenges = rng.sample(cluster.uitdagingen, 2)
            rows.append(_answers(
                rng, naam=naam, sectoren=cluster.sectoren,
                paritaire_comites=cluster.paritaire_comites,
                themas=rng.sample(cluster.themas, rng.randint(1, 2)),
                vaardigheden=cluster.vaardigheden[: rng.randint(1, 2)],
                uitdagingen="; ".join(challenges).capitalize() + ".",
                keten=cluster.keten, index=index,
            ))
        else:
            naam, sectoren, pcs, uitdaging = NOISE[noise_count % len(NOISE)]
            noise_count += 1
            rows.append(_answers(
                rng, naam=unique(naam), sectoren=sectoren, paritaire_comites=pcs,
                themas=rng.sample(list(Thema.values[:4]), 1),
                vaardigheden=rng.sample(list(Vaardigheid.values[:3]), 1),
                uitdagingen=uitdaging.capitalize() + ".", keten="", index=index,
            ))
        index += 1
    return rows
