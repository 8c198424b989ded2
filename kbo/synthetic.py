"""Synthetic KBO Open Data dumps in the official layout: any size, deterministic per seed.

Entity ``i`` of a seed is always the same, whatever the size of the dump, so that an update
dump can change and remove entities of the full dump of the same seed. Used by the tests,
the benchmark and ``manage.py kbo_synthetisch``. The legal-form codes and descriptions are
real ones; the names, streets and numbers are made up.
"""
import random
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from . import layout
from .ondernemingsnummer import display

SNAPSHOT_FULL = ("30-04-2026", "01-05-2026 06:12:41", "150")
SNAPSHOT_UPDATE = ("31-05-2026", "01-06-2026 06:09:03", "151")
MAX_AANTAL = 6_000_000

# (code, Dutch, French, German): legal forms as code.csv describes them; weights for the mix.
LEGAL_FORMS = (
    ("017", "Vereniging zonder winstoogmerk", "Association sans but lucratif", "Vereinigung ohne Gewinnerzielungsabsicht"),
    ("125", "Internationale vereniging zonder winstoogmerk", "Association internationale sans but lucratif", "Internationale Vereinigung ohne Gewinnerzielungsabsicht"),
    ("026", "Private stichting", "Fondation privée", "Privatstiftung"),
    ("029", "Stichting van openbaar nut", "Fondation d'utilité publique", "Gemeinnützige Stiftung"),
    ("014", "Naamloze vennootschap", "Société anonyme", "Aktiengesellschaft"),
    ("610", "Besloten vennootschap", "Société à responsabilité limitée", "Gesellschaft mit beschränkter Haftung"),
    ("706", "Coöperatieve vennootschap", "Société coopérative", "Genossenschaft"),
    ("124", "Openbare instelling", "Etablissement public", "Öffentliche Einrichtung"),
)
FORM_WEIGHTS = (40, 4, 6, 3, 12, 25, 6, 4)

# (postcode, MunicipalityNL, MunicipalityFR); Walloon municipalities without a Dutch name
# leave MunicipalityNL empty, as the register does for some.
FLANDERS = (("9000", "Gent", "Gand"), ("2000", "Antwerpen", "Anvers"), ("3000", "Leuven", "Louvain"),
            ("8000", "Brugge", "Bruges"), ("3500", "Hasselt", "Hasselt"), ("2800", "Mechelen", "Malines"),
            ("8500", "Kortrijk", "Courtrai"), ("1800", "Vilvoorde", "Vilvorde"), ("9300", "Aalst", "Alost"),
            ("3290", "Diest", "Diest"), ("1500", "Halle", "Hal"), ("3700", "Tongeren", "Tongres"))
BRUSSELS = (("1000", "Brussel", "Bruxelles"), ("1030", "Schaarbeek", "Schaerbeek"),
            ("1050", "Elsene", "Ixelles"), ("1080", "Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean"),
            ("1200", "Sint-Lambrechts-Woluwe", "Woluwe-Saint-Lambert"))
WALLONIA = (("4000", "Luik", "Liège"), ("7000", "Bergen", "Mons"), ("5000", "Namen", "Namur"),
            ("6000", "Charleroi", "Charleroi"), ("1300", "Waver", "Wavre"), ("1400", "Nijvel", "Nivelles"),
            ("6700", "", "Arlon"), ("4800", "", "Verviers"))
STREETS_NL = ("Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Nieuwstraat", "Kouter",
              "Brusselsesteenweg", "Industrieweg")
STREETS_BXL = (("Wetstraat", "Rue de la Loi"), ("Koningsstraat", "Rue Royale"),
               ("Louizalaan", "Avenue Louise"), ("Kunstlaan", "Avenue des Arts"))
STREETS_FR = ("Rue de la Station", "Rue du Moulin", "Place Saint-Lambert", "Chaussée de Namur",
              "Rue de l'Église")
SECTORS = (("Bouw", "de la Construction"), ("Metaal", "du Métal"), ("Zorg", "des Soins"),
           ("Voeding", "de l'Alimentation"), ("Logistiek", "de la Logistique"), ("Textiel", "du Textile"),
           ("Hout", "du Bois"), ("Chemie", "de la Chimie"), ("Horeca", "de l'Horeca"),
           ("Landbouw", "de l'Agriculture"))
PREFIX_NL = ("Vlaamse Federatie", "Sectorfonds", "Vereniging", "Beroepsvereniging", "Opleidingsfonds")
PREFIX_FR = ("Fédération", "Fonds sectoriel", "Association", "Union professionnelle", "Fonds de formation")
FIRST_NAMES = ("Jan", "An", "Pieter", "Sofie", "Marc", "Els", "Luc", "Nathalie")
LAST_NAMES = ("Peeters", "Janssens", "Maes", "Jacobs", "Dubois", "Lambert", "Willems", "Claes")


class SyntheticEnterprise(NamedTuple):
    """One generated enterprise, with what the files say about it."""

    index: int
    nummer: str  # 10 digits
    status: str  # AC or ST
    rechtspersoon: bool
    rechtsvorm_code: str
    startdatum: str  # dd-mm-yyyy
    naam_nl: str
    naam_fr: str
    naam_andere: str  # a name in German (3) or an unknown language (0), when neither NL nor FR
    taal_andere: str
    afkorting: str  # TypeOfDenomination 002: not the name
    postcode: str
    gemeente_nl: str
    gemeente_fr: str
    straat_nl: str
    straat_fr: str
    huisnummer: str
    bus: str
    land_nl: str  # "" in Belgium
    land_fr: str
    heeft_adres: bool

    @property
    def actief(self) -> bool:
        return self.status == layout.STATUS_ACTIVE

    @property
    def naam(self) -> str:
        """The name the portal shows: Dutch, else French, else the other one."""
        return self.naam_nl or self.naam_fr or self.naam_andere

    @property
    def namen(self) -> tuple[str, ...]:
        """Every name the register keeps for it, the shown one first."""
        return tuple(dict.fromkeys(name for name in (self.naam, self.naam_nl, self.naam_fr,
                                                     self.naam_andere, self.afkorting) if name))

    @property
    def rechtsvorm(self) -> str:
        return next((nl for code, nl, _fr, _de in LEGAL_FORMS if code == self.rechtsvorm_code), "")

    @property
    def gemeente(self) -> str:
        return self.gemeente_nl or self.gemeente_fr

    @property
    def straat(self) -> str:
        street = f"{self.straat_nl or self.straat_fr} {self.huisnummer}"
        return f"{street} bus {self.bus}" if self.bus else street


def enterprise_number(index: int) -> str:
    """The ``index``-th synthetic number: 8 digits and the mod-97 check (97 − rest)."""
    if not 0 <= index < MAX_AANTAL:
        raise ValueError(f"index {index} buiten 0..{MAX_AANTAL - 1}")
    base = 2_000_000 + index * 3
    return f"{base:08d}{97 - base % 97:02d}"


def synthetic_enterprises(aantal: int, *, seed: int = 1, start: int = 0) -> Iterator[SyntheticEnterprise]:
    """Enterprises ``start`` … ``aantal - 1`` of the seed (the same ones for any ``aantal``)."""
    rng = random.Random(seed)
    for index in range(aantal):
        entity = _enterprise(rng, index)
        if index >= start:
            yield entity


def _enterprise(rng: random.Random, index: int) -> SyntheticEnterprise:
    rand = rng.random
    legal = rand() < 0.6
    status = layout.STATUS_STOPPED if rand() < 0.08 else layout.STATUS_ACTIVE
    form = rng.choices(LEGAL_FORMS, FORM_WEIGHTS)[0][0] if legal else ""
    start = f"{rng.randrange(1, 29):02d}-{rng.randrange(1, 13):02d}-{rng.randrange(1950, 2026)}"
    sector_nl, sector_fr = SECTORS[index % len(SECTORS)]
    naam_nl = naam_fr = andere = taal_andere = afkorting = ""
    pick = rand()
    if not legal:
        naam_nl = f"{FIRST_NAMES[index % 8]} {LAST_NAMES[(index // 8) % 8]} {index}"
    elif pick < 0.40:
        naam_nl = f"{PREFIX_NL[index % 5]} {sector_nl} {index}"
    elif pick < 0.65:
        naam_fr = f"{PREFIX_FR[index % 5]} {sector_fr} {index}"
    elif pick < 0.85:
        naam_nl = f"{PREFIX_NL[index % 5]} {sector_nl} {index}"
        naam_fr = f"{PREFIX_FR[index % 5]} {sector_fr} {index}"
    elif pick < 0.92:
        andere, taal_andere = f"Verband {sector_nl} {index}", "3"
    else:
        andere, taal_andere = f"Vereniging \"{sector_nl}\", afdeling {index}", "0"
    if legal and rand() < 0.25:
        afkorting = f"{sector_nl.upper()}{index % 100}"
    region = rand()
    land_nl = land_fr = straat_nl = straat_fr = bus = ""
    if region < 0.005:
        postcode, gemeente_nl, gemeente_fr = "75008", "Parijs", "Paris"
        straat_nl = straat_fr = "Rue du Faubourg Saint-Honoré"
        land_nl, land_fr = "Frankrijk", "France"
    elif region < 0.60:
        postcode, gemeente_nl, gemeente_fr = FLANDERS[rng.randrange(len(FLANDERS))]
        straat_nl = straat_fr = STREETS_NL[index % len(STREETS_NL)]
    elif region < 0.75:
        postcode, gemeente_nl, gemeente_fr = BRUSSELS[rng.randrange(len(BRUSSELS))]
        straat_nl, straat_fr = STREETS_BXL[index % len(STREETS_BXL)]
    else:
        postcode, gemeente_nl, gemeente_fr = WALLONIA[rng.randrange(len(WALLONIA))]
        straat_fr = STREETS_FR[index % len(STREETS_FR)]
        straat_nl = straat_fr if gemeente_nl else ""
    huisnummer = str(rng.randrange(1, 300))
    if rand() < 0.1:
        bus = str(rng.randrange(1, 20))
    heeft_adres = rand() >= 0.01
    return SyntheticEnterprise(index, enterprise_number(index), status, legal, form, start, naam_nl,
                               naam_fr, andere, taal_andere, afkorting, postcode, gemeente_nl,
                               gemeente_fr, straat_nl, straat_fr, huisnummer, bus, land_nl, land_fr,
                               heeft_adres)


# -- the files -----------------------------------------------------------------------------------

def _q(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _header(name: str) -> str:
    return ",".join(_q(column) for column in layout.COLUMNS[name]) + "\n"


def _enterprise_line(e: SyntheticEnterprise) -> str:
    kind = layout.TYPE_LEGAL_PERSON if e.rechtspersoon else layout.TYPE_NATURAL_PERSON
    form = _q(e.rechtsvorm_code) if e.rechtsvorm_code else ""
    return f'"{display(e.nummer)}","{e.status}","000","{kind}",{form},,{e.startdatum}\n'


def _denomination_lines(e: SyntheticEnterprise) -> str:
    number = display(e.nummer)
    lines = []
    if e.naam_nl:
        lines.append(f'"{number}","2","001",{_q(e.naam_nl)}\n')
    if e.naam_fr:
        lines.append(f'"{number}","1","001",{_q(e.naam_fr)}\n')
    if e.naam_andere:
        lines.append(f'"{number}","{e.taal_andere}","001",{_q(e.naam_andere)}\n')
    if e.afkorting:
        lines.append(f'"{number}","2","002",{_q(e.afkorting)}\n')
    return "".join(lines)


def _address_lines(e: SyntheticEnterprise) -> str:
    if not e.heeft_adres:
        return ""
    country = f"{_q(e.land_nl)},{_q(e.land_fr)}" if e.land_nl else ","
    return (f'"{display(e.nummer)}","REGO",{country},"{e.postcode}",{_q(e.gemeente_nl)},'
            f'{_q(e.gemeente_fr)},{_q(e.straat_nl)},{_q(e.straat_fr)},"{e.huisnummer}",{_q(e.bus)},"",\n')


def _write_meta(folder: Path, snapshot: tuple[str, str, str], extract_type: str) -> None:
    date, timestamp, number = snapshot
    (folder / layout.META).write_text(
        _header(layout.META) + f'"SnapshotDate","{date}"\n"ExtractTimestamp","{timestamp}"\n'
        f'"ExtractType","{extract_type}"\n"ExtractNumber","{number}"\n"Version","1.0.0"\n',
        encoding="utf-8")


def _write_codes(folder: Path) -> None:
    lines = [_header(layout.CODE)]
    for code, nl, fr, de in LEGAL_FORMS:
        lines += [f'"JuridicalForm","{code}","DE",{_q(de)}\n', f'"JuridicalForm","{code}","FR",{_q(fr)}\n',
                  f'"JuridicalForm","{code}","NL",{_q(nl)}\n']
    lines += ['"Status","AC","FR","Actif"\n', '"Status","AC","NL","Actief"\n',
              '"Status","ST","FR","Arrêté"\n', '"Status","ST","NL","Stopgezet"\n',
              '"TypeOfEnterprise","1","NL","Natuurlijk persoon"\n', '"TypeOfEnterprise","2","NL","Rechtspersoon"\n',
              '"TypeOfAddress","REGO","NL","Zetel"\n', '"TypeOfDenomination","001","NL","Naam"\n',
              '"TypeOfDenomination","002","NL","Afkorting"\n']
    (folder / layout.CODE).write_text("".join(lines), encoding="utf-8")


def _open(path: Path):
    return open(path, "w", encoding="utf-8", newline="", buffering=1 << 20)  # noqa: SIM115


def _write_full(folder: Path, aantal: int, seed: int) -> None:
    _write_meta(folder, SNAPSHOT_FULL, layout.EXTRACT_FULL)
    _write_codes(folder)
    with _open(folder / layout.ENTERPRISE) as enterprises, _open(folder / layout.DENOMINATION) as names, \
            _open(folder / layout.ADDRESS) as addresses:
        enterprises.write(_header(layout.ENTERPRISE))
        names.write(_header(layout.DENOMINATION))
        addresses.write(_header(layout.ADDRESS))
        for e in synthetic_enterprises(aantal, seed=seed):
            enterprises.write(_enterprise_line(e))
            names.write(_denomination_lines(e))
            addresses.write(_address_lines(e))


class Change(NamedTuple):
    soort: str  # "verwijderd", "status", "naam", "adres" or "nieuw"
    oud: SyntheticEnterprise | None
    nieuw: SyntheticEnterprise | None


def synthetic_changes(aantal: int, *, seed: int = 1) -> Iterator[Change]:
    """What the update dump of a full dump of ``aantal`` enterprises changes, in order.

    Every 50th entity (from the 4th) goes; every 20th (from the 8th) changes its status, its
    name or its registered office in turn (a move changes the region); 1 % new entities come.
    """
    for e in synthetic_enterprises(aantal, seed=seed):
        if e.index % 50 == 3:
            yield Change("verwijderd", e, None)
        elif e.index % 20 == 7:
            turn = (e.index // 20) % 3
            if turn == 0:
                status = layout.STATUS_STOPPED if e.actief else layout.STATUS_ACTIVE
                yield Change("status", e, e._replace(status=status))
            elif turn == 1:
                yield Change("naam", e, e._replace(naam_nl=f"Nieuwe naam {e.index}"))
            else:
                postcode, gemeente_nl, gemeente_fr = (WALLONIA[0] if e.postcode in
                                                      {p for p, _n, _f in FLANDERS} else FLANDERS[0])
                yield Change("adres", e, e._replace(
                    postcode=postcode, gemeente_nl=gemeente_nl, gemeente_fr=gemeente_fr,
                    straat_nl="Verhuisstraat", straat_fr="Rue du Déménagement", bus="",
                    land_nl="", land_fr="", heeft_adres=True))
    for e in synthetic_enterprises(aantal + max(1, aantal // 100), seed=seed, start=aantal):
        yield Change("nieuw", None, e)


def _write_update(folder: Path, aantal: int, seed: int) -> None:
    _write_meta(folder, SNAPSHOT_UPDATE, layout.EXTRACT_UPDATE)
    _write_codes(folder)
    files = {}
    try:
        for table in (layout.ENTERPRISE, layout.DENOMINATION, layout.ADDRESS):
            deletes = files[layout.delete_file(table)] = _open(folder / layout.delete_file(table))
            deletes.write(_q(layout.DELETE_COLUMN[table]) + "\n")
            inserts = files[layout.insert_file(table)] = _open(folder / layout.insert_file(table))
            inserts.write(_header(table))

        def delete(table, e):
            files[layout.delete_file(table)].write(f'"{display(e.nummer)}"\n')

        for change in synthetic_changes(aantal, seed=seed):
            old, new = change.oud, change.nieuw
            if change.soort == "verwijderd":
                for table in (layout.ENTERPRISE, layout.DENOMINATION, layout.ADDRESS):
                    delete(table, old)
            elif change.soort == "status":
                delete(layout.ENTERPRISE, old)
                files[layout.insert_file(layout.ENTERPRISE)].write(_enterprise_line(new))
            elif change.soort == "naam":
                delete(layout.DENOMINATION, old)
                files[layout.insert_file(layout.DENOMINATION)].write(_denomination_lines(new))
            elif change.soort == "adres":
                delete(layout.ADDRESS, old)
                files[layout.insert_file(layout.ADDRESS)].write(_address_lines(new))
            else:
                files[layout.insert_file(layout.ENTERPRISE)].write(_enterprise_line(new))
                files[layout.insert_file(layout.DENOMINATION)].write(_denomination_lines(new))
                files[layout.insert_file(layout.ADDRESS)].write(_address_lines(new))
    finally:
        for handle in files.values():
            handle.close()


def synthetic_dump(target: str | Path, *, aantal: int, seed: int = 1, update: bool = False,
                   as_zip: bool = False) -> Path:
    """Write a full dump (or, with ``update``, the update of the full dump of the same
    ``aantal`` and ``seed``) to the folder ``target``, or as a ZIP file ``target``."""
    if not 1 <= aantal <= MAX_AANTAL:
        raise ValueError(f"aantal moet tussen 1 en {MAX_AANTAL} liggen")
    target = Path(target)
    write = _write_update if update else _write_full
    if not as_zip:
        target.mkdir(parents=True, exist_ok=True)
        write(target, aantal, seed)
        return target
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        write(Path(tmp), aantal, seed)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, path.name)
    return target


def cached_synthetic_dump(*, aantal: int, seed: int = 1, update: bool = False,
                          cache_dir: str | Path | None = None) -> Path:
    """A synthetic dump folder under /tmp (or ``cache_dir``), made once per size and seed."""
    root = Path(cache_dir or tempfile.gettempdir())
    folder = root / f"kbo-synthetisch-{aantal}-{seed}-{'update' if update else 'full'}"
    if not (folder / layout.META).exists():
        partial = root / f"{folder.name}.bezig"
        shutil.rmtree(partial, ignore_errors=True)
        synthetic_dump(partial, aantal=aantal, seed=seed, update=update)
        partial.rename(folder)
    return folder
