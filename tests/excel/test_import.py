"""Import of registrations from Excel: the form's rules per row, the key, all or nothing."""
import io

import pytest
from django.forms.models import model_to_dict
from openpyxl import Workbook, load_workbook

from registraties.excel.columns import RegistratieResource
from registraties.excel.export import registraties_export
from registraties.excel.imports import IMPORT_REASON, NEW, UNCHANGED, UPDATE, registraties_import
from registraties.models import Registratie
from tests.factories import make_registratie

pytestmark = pytest.mark.django_db

HEADERS = RegistratieResource().get_export_headers()


def export_bytes(queryset=None) -> bytes:
    buffer = io.BytesIO()
    registraties_export(queryset=queryset, target=buffer)
    return buffer.getvalue()


def edit_cells(content: bytes, changes: dict[tuple[int, str], object]) -> bytes:
    """The file with some cells changed: {(excel row, header): value}."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    column_of = {cell.value: cell.column for cell in sheet[1]}
    for (row, header), value in changes.items():
        sheet.cell(row=row, column=column_of[header], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_with_rows(rows: list[dict]) -> bytes:
    """A hand-made import file with the export's headers."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(header) for header in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def new_row(**overrides) -> dict:
    row = {
        "Naam organisatie": "Voedingsfonds Test vzw",
        "Ondernemingsnummer": "0417.497.106",
        "Rechtsvorm": "vzw (vereniging zonder winstoogmerk)",
        "Type organisatie": "sectorfonds",
        "Straat en nummer": "Markt 1",
        "Postcode": 9000,
        "Gemeente": "Gent",
        "Werking in Vlaanderen": "ja",
        "Bereid tot partnerschap": "ja",
        "Naam contactpersoon": "Els Maes",
        "E-mailadres contactpersoon": "els.maes@voeding-test.be",
        "Thema's": "doorgroei van werknemers naar andere functies",
        "Acties binnen een partnerschap": "leren; communicatie",
        "Sectoren": "voeding",
        "Competentie-uitdagingen": "Voedselveiligheid en automatisering.",
        "Akkoord met de privacyverklaring": "ja",
    }
    row.update(overrides)
    return row


def snapshot():
    return {r.pk: model_to_dict(r) | {"gewijzigd_op": r.gewijzigd_op}
            for r in Registratie.objects.order_by("pk")}


@pytest.fixture
def varied(open_ronde):
    """Registrations with the answers an export most easily garbles."""
    return [
        make_registratie(open_ronde, naam='=HYPERLINK("http://evil.example","x")',
                         contact_telefoon="+32 9 123 45 67", opmerkingen="@SUM(1)",
                         keten="-2", contact_functie="'citaat",
                         competentie_uitdagingen="Lijn één\r\nLijn twee",
                         aantal_ondernemingen=None, aandeel_kleine_ondernemingen=None,
                         website="", vaardigheden=[]),
        make_registratie(open_ronde, postcode="1000", gemeente="Brussel",
                         toelichting_werking="Vooral Vlaamse kmo's.", rechtsvorm="andere",
                         rechtsvorm_andere="ivzw naar buitenlands recht",
                         type_organisatie="andere", type_andere="opleidingscentrum",
                         themas=["andere", "doorgroei"], thema_andere="welzijn op het werk"),
        make_registratie(open_ronde),
    ]


def test_export_then_import_changes_nothing(open_ronde, varied):
    before = snapshot()
    history_before = Registratie.history.count()
    content = export_bytes()

    preview = registraties_import(ronde=open_ronde, source=content, dry_run=True)
    assert preview.errors == []
    assert [row.action for row in preview.rows] == [UNCHANGED] * 3

    result = registraties_import(ronde=open_ronde, source=content, dry_run=False)
    assert result.saved
    assert snapshot() == before
    assert Registratie.history.count() == history_before


def test_a_changed_cell_updates_the_registration_with_that_number(open_ronde, varied):
    content = export_bytes(Registratie.objects.filter(pk=varied[2].pk))
    content = edit_cells(content, {(2, "Gemeente"): "Sint-Amandsberg",
                                   (2, "Ondernemingsnummer"): varied[2].ondernemingsnummer})

    result = registraties_import(ronde=open_ronde, source=content, dry_run=False)

    assert result.saved
    assert [row.action for row in result.rows] == [UPDATE]
    assert Registratie.objects.count() == 3
    varied[2].refresh_from_db()
    assert varied[2].gemeente == "Sint-Amandsberg"
    assert varied[2].history.first().history_change_reason == IMPORT_REASON


def test_new_rows_become_registrations_with_a_reference(open_ronde):
    content = sheet_with_rows([new_row()])

    result = registraties_import(ronde=open_ronde, source=content, dry_run=False)

    assert result.saved, result.errors
    registratie = Registratie.objects.get()
    assert registratie.ondernemingsnummer == "0417497106"
    assert registratie.referentie == f"CC{open_ronde.opent_op.year}-0001"
    assert registratie.rollen == ["leren", "communicatie"]
    assert registratie.gewest == "vlaanderen"


def test_dry_run_saves_nothing(open_ronde):
    result = registraties_import(ronde=open_ronde, source=sheet_with_rows([new_row()]))
    assert [row.action for row in result.rows] == [NEW]
    assert not result.saved
    assert not Registratie.objects.exists()


def test_one_bad_row_imports_nothing_and_names_the_row_and_the_reason(open_ronde, varied):
    before = snapshot()
    content = edit_cells(export_bytes(), {(2, "Gemeente"): "Gewijzigd"})
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    sheet.append([new_row(**{"Ondernemingsnummer": "0202.239.951"}).get(h) for h in HEADERS])
    sheet.append([new_row(**{"Ondernemingsnummer": "0403.170.701", "Postcode": 4000,
                             "Gemeente": "Luik"}).get(h) for h in HEADERS])
    out = io.BytesIO()
    workbook.save(out)

    result = registraties_import(ronde=open_ronde, source=out.getvalue(), dry_run=False)

    assert not result.saved
    assert result.errors == [
        "Rij 6 – Postcode: Uw zetel ligt in het Waals Gewest. Deelnemen kan alleen met een "
        "zetel in het Vlaams Gewest, of in het Brussels Hoofdstedelijk Gewest met een werking "
        "die vooral op de Vlaamse arbeidsmarkt gericht is."
    ]
    assert snapshot() == before
    assert Registratie.objects.count() == 3


def test_every_row_is_checked_with_the_forms_rules(open_ronde):
    content = sheet_with_rows([
        new_row(**{"Rechtsvorm": "feitelijke vereniging (zonder rechtspersoonlijkheid)"}),
        new_row(**{"Ondernemingsnummer": "0417.497.107"}),
        new_row(**{"Ondernemingsnummer": "0202.239.951", "Thema's": "sport"}),
    ])
    result = registraties_import(ronde=open_ronde, source=content)
    errors = {row.number: row.errors for row in result.rows}
    assert errors[2][0].startswith("Rechtsvorm: Een feitelijke vereniging heeft geen "
                                   "rechtspersoonlijkheid")
    assert errors[3] == ["Ondernemingsnummer: Dit ondernemingsnummer bestaat niet: het "
                         "controlegetal klopt niet. Kijk het na in de Kruispuntbank van "
                         "Ondernemingen (KBO)."]
    assert errors[4][0].startswith("Thema's: ")
    assert "sport" in errors[4][0]


def test_the_same_number_twice_in_one_file_is_refused(open_ronde):
    content = sheet_with_rows([new_row(), new_row(**{"Ondernemingsnummer": "BE0417497106"})])
    result = registraties_import(ronde=open_ronde, source=content, dry_run=False)
    assert not result.saved
    assert result.errors == [
        "Rij 3 – Ondernemingsnummer: dit ondernemingsnummer staat ook al in rij 2; elke "
        "organisatie mag maar één keer in het bestand staan."]
    assert not Registratie.objects.exists()


def test_a_file_that_is_not_excel_is_refused_in_dutch(open_ronde):
    result = registraties_import(ronde=open_ronde, source=b"naam;ondernemingsnummer\n")
    assert result.errors == ["Dit is geen leesbaar Excel-bestand (.xlsx)."]


def test_a_file_without_the_key_column_is_refused(open_ronde):
    workbook = Workbook()
    workbook.active.append(["Naam organisatie"])
    workbook.active.append(["Iets vzw"])
    out = io.BytesIO()
    workbook.save(out)
    result = registraties_import(ronde=open_ronde, source=out.getvalue())
    assert result.errors == ["De kolom 'Ondernemingsnummer' ontbreekt: die is nodig om "
                             "registraties te herkennen."]


def test_import_command_previews_and_saves_only_with_opslaan(open_ronde, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "lijst.xlsx"
    path.write_bytes(sheet_with_rows([new_row()]))
    out = io.StringIO()
    call_command("import_registraties", str(path), "--ronde", open_ronde.slug, stdout=out)
    assert "Voorvertoning (niets opgeslagen): 1 nieuw" in out.getvalue()
    assert not Registratie.objects.exists()
    call_command("import_registraties", str(path), "--ronde", open_ronde.slug, "--opslaan",
                 stdout=io.StringIO())
    assert Registratie.objects.count() == 1


def test_import_command_names_the_bad_row_and_saves_nothing(open_ronde, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "lijst.xlsx"
    path.write_bytes(sheet_with_rows([new_row(), new_row(**{"Ondernemingsnummer": "0202.239.951",
                                                            "Naam contactpersoon": None})]))
    with pytest.raises(CommandError, match="Rij 3 – Naam contactpersoon: Vul de naam"):
        call_command("import_registraties", str(path), "--ronde", open_ronde.slug, "--opslaan",
                     stdout=io.StringIO())
    assert not Registratie.objects.exists()


def test_confirm_saves_nothing_when_the_round_changed_since_the_preview(open_ronde):
    content = sheet_with_rows([new_row()])
    preview = registraties_import(ronde=open_ronde, source=content)
    assert preview.actions == [NEW]
    # Meanwhile the organisation registers itself through the form.
    make_registratie(open_ronde, ondernemingsnummer="0417497106", naam="Eigen antwoorden")

    result = registraties_import(ronde=open_ronde, source=content, dry_run=False,
                                 expected_actions=preview.actions)

    assert not result.saved
    assert any("Sinds de voorvertoning" in error for error in result.errors)
    assert Registratie.objects.get().naam == "Eigen antwoorden"
