"""A round with registrations, a formed partnership with a confirmed agreement, one in
conversation waiting for confirmations and one proposal; and readers of the two files."""
import io
import re
from dataclasses import dataclass

import pytest

from partnerschappen import afspraken, services
from partnerschappen.constants import PartnerschapStatus
from partnerschappen.models import Partnerschap
from registraties.constants import RegistratieStatus
from registraties.models import Registratie
from tests.factories import make_registratie, make_registraties
from tests.partnerschappen.afspraken import confirm_all, member_inputs, record

# A contact person whose name, address and number must never reach the document.
SECRET = {"contact_naam": "Zuleika Vandermolen", "contact_email": "zuleika@geheimhouders.test",
          "contact_telefoon": "0479 12 34 56"}
STATUSES = [RegistratieStatus.INGEDIEND, RegistratieStatus.IN_BEHANDELING,
            RegistratieStatus.ONTVANKELIJK, RegistratieStatus.NIET_ONTVANKELIJK]


@dataclass
class BuiltRound:
    ronde: object
    formed: Partnerschap
    talking: Partnerschap
    proposal: Partnerschap
    registraties: list


def _eligible(*registraties) -> list[Registratie]:
    Registratie.objects.filter(pk__in=[r.pk for r in registraties]).update(
        status=RegistratieStatus.ONTVANKELIJK)
    fresh = Registratie.objects.in_bulk([r.pk for r in registraties])
    return [fresh[r.pk] for r in registraties]


def build_round(ronde, *, count: int = 24) -> BuiltRound:
    rows = make_registraties(ronde, count, seed=11)
    for index, registratie in enumerate(rows):
        Registratie.objects.filter(pk=registratie.pk).update(status=STATUSES[index % 4])
    secret = make_registratie(ronde, naam="Geheimhouders vzw", sectoren="bouw, glas",
                              paritaire_comites="124", postcode="8500", gemeente="Kortrijk",
                              **SECRET)
    members = _eligible(secret, *rows[:5])
    formed = services.partnerschap_create(ronde=ronde, naam="Bouw West", registraties=members[:3],
                                          regisseur=members[0])
    per_member = {members[0].pk: {"sectoren": "bouw, glas", "paritaire_comites": "124",
                                  "provincies": ["VWV"], "bereik_ondernemingen": 30,
                                  "bereik_werknemers": 300},
                  members[1].pk: {"sectoren": "bouw", "paritaire_comites": "124",
                                  "provincies": ["VWV", "VOV"], "bereik_ondernemingen": 21,
                                  "bereik_werknemers": 100},
                  members[2].pk: {"sectoren": "installatietechniek", "paritaire_comites": "149",
                                  "provincies": ["VAN"], "bereik_ondernemingen": 10,
                                  "bereik_werknemers": 50}}
    afspraak = record(formed, leden=member_inputs(formed, per_member), themas=["behoeftedetectie"],
                      open_vragen="Mag een sectorfonds ook de regierol opnemen?")
    afspraken.afspraak_submit(afspraak=afspraak, base="https://portaal.test")
    confirm_all(afspraak)
    Partnerschap.objects.filter(pk=formed.pk).update(status=PartnerschapStatus.GEVORMD)

    talking = services.partnerschap_create(ronde=ronde, naam="Zorg Samen", registraties=members[3:5],
                                           regisseur=members[3])
    afspraak = record(talking, themas=["doorgroei"],
                      open_vragen="Telt een werknemer van een uitzendkantoor mee?",
                      leden=member_inputs(talking, {
                          members[3].pk: {"sectoren": "zorg", "paritaire_comites": "330",
                                          "provincies": ["VLI"], "bereik_ondernemingen": 7},
                          members[4].pk: {"sectoren": "welzijn", "paritaire_comites": "319",
                                          "provincies": ["VLI"], "bereik_ondernemingen": 5}}))
    afspraken.afspraak_submit(afspraak=afspraak, base="https://portaal.test")
    afspraken.afspraak_answer(afspraak=afspraak, registratie=members[3], akkoord=True)
    Partnerschap.objects.filter(pk=talking.pk).update(status=PartnerschapStatus.IN_GESPREK)

    others = _eligible(*rows[5:7])
    proposal = services.partnerschap_create(ronde=ronde, naam="Enkel Voorstel",
                                            registraties=others, regisseur=others[0])
    return BuiltRound(ronde=ronde, formed=Partnerschap.objects.get(pk=formed.pk),
                      talking=Partnerschap.objects.get(pk=talking.pk), proposal=proposal,
                      registraties=[*rows, secret])


@pytest.fixture
def built_round(open_ronde):
    return build_round(open_ronde)


def pdf_text(content: bytes) -> str:
    """The PDF's text as one line: whitespace (line ends in wrapped cells) as single spaces."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def docx_rows(content: bytes) -> set[tuple[str, ...]]:
    """Every row of every table of the Word file, as a tuple of cell texts."""
    from docx import Document

    document = Document(io.BytesIO(content))
    return {tuple(cell.text for cell in row.cells) for table in document.tables
            for row in table.rows}


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return re.sub(r"\s+", " ", " ".join(parts))
