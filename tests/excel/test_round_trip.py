"""Export every registration, import the file back: nothing changes, nothing is refused.

The round is the demo's (``manage.py demo_data``: a made-up register of 2,000 enterprises,
registrations in it and not, Brussels seats, seats the register puts elsewhere, statuses), plus
registrations whose cells are hard to read back: quote-prefixed text, an apostrophe, empty
numbers, "andere" answers, a contact wiped on request. The file is a real .xlsx, edited with
openpyxl as a coordinator would in Excel.
"""
import io
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from kbo.selectors import KboLookup
from registraties import eligibility
from registraties.constants import KboControle, RegistratieStatus, Thema, Vlag
from registraties.excel.columns import RegistratieResource
from registraties.excel.export import registraties_export
from registraties.excel.imports import ERROR, NEW, UNCHANGED, UPDATE, registraties_import
from registraties.models import Registratie
from registraties.retention import contact_person_blank
from tests.excel.test_admin import upload
from tests.factories import make_registratie
from verkenning.models import Ronde

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:registraties_registratie_excel_import"
THEME = str(Thema.DOORGROEI.label)
HEADER_OF = {field.attribute: header
             for header, field in RegistratieResource().importable_columns().items()}


@pytest.fixture
def demo():
    """The demo round as `make run` builds it, and some registrations hard to read back."""
    call_command("demo_data", "--force", stdout=StringIO())
    ronde = Ronde.objects.get(slug="demo")
    make_registratie(ronde, naam="'t Groene Huis vzw", ondernemingsnummer="0403170701",
                     contact_telefoon="+32 9 123 45 67", opmerkingen="=1+1 is geen formule",
                     gewenste_partners="-- iedereen --", paritaire_comites="329.03, 124",
                     aantal_ondernemingen=None, aandeel_kleine_ondernemingen=None,
                     rechtsvorm="andere", rechtsvorm_andere="ivzw naar Nederlands recht",
                     type_organisatie="andere", type_andere="opleidingscentrum",
                     vaardigheden=[], keten="Van boer\ntot bord", website="")
    wiped = make_registratie(ronde, ondernemingsnummer="0202239951", postcode="1000",
                             gemeente="Brussel", toelichting_werking="Leden in Vlaanderen.")
    contact_person_blank(registraties=Registratie.objects.filter(pk=wiped.pk),
                         history=Registratie.history.none())
    return ronde


def exported(ronde) -> bytes:
    target = io.BytesIO()
    registraties_export(queryset=Registratie.objects.filter(ronde=ronde).order_by("pk"),
                        target=target)
    return target.getvalue()


def edited(content: bytes, registratie: Registratie, cells: dict) -> bytes:
    """The file with ``cells`` ({answer: value}) written in the registration's row."""
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    number_column = headers.index(HEADER_OF["ondernemingsnummer"])
    (row,) = [row for row in sheet.iter_rows(min_row=2)
              if row[number_column].value == registratie.ondernemingsnummer_opgemaakt]
    for attribute, value in cells.items():
        row[headers.index(HEADER_OF[attribute])].value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def stored(ronde) -> dict:
    return {row["id"]: row for row in Registratie.objects.filter(ronde=ronde).values()}


def test_the_demo_round_holds_the_kinds_of_registrations_the_round_trip_must_survive(demo):
    registraties = Registratie.objects.filter(ronde=demo)
    controles = set(registraties.values_list("kbo_controle", flat=True))
    assert {KboControle.GEVERIFIEERD, KboControle.VERSCHILT, KboControle.NIET_GEVONDEN} <= controles
    assert registraties.filter(gewest="brussel").exists()
    assert any(Vlag.KBO_NIET_GEVONDEN in r.vlaggen for r in registraties)
    assert registraties.filter(kbo_bevindingen__icontains='"zetel_wallonie"').exists()
    assert registraties.filter(status=RegistratieStatus.NIET_ONTVANKELIJK).exists()
    assert registraties.filter(contact_email="geanonimiseerd@invalid").exists()


def test_an_unchanged_export_imports_back_with_no_error_and_no_change(demo):
    before = stored(demo)
    history = Registratie.history.count()
    result = registraties_import(ronde=demo, source=exported(demo), dry_run=False)
    assert result.file_errors == []
    assert [(row.number, row.errors) for row in result.rows if row.errors] == []
    assert result.counts == {NEW: 0, UPDATE: 0, UNCHANGED: len(before), ERROR: 0}
    assert result.saved
    # Nothing written: the same rows, no history row.
    assert stored(demo) == before
    assert Registratie.history.count() == history


def refused_by_the_register(ronde) -> Registratie:
    """A registration the register refuses today (not in it, or stopped)."""
    return Registratie.objects.filter(ronde=ronde, kbo_controle=KboControle.NIET_GEVONDEN).first()


@pytest.mark.parametrize("attribute, value, shown", [
    ("contact_telefoon", "09 222 33 44", "09 222 33 44"),
    ("naam", "Nieuwe naam vzw", "Nieuwe naam vzw"),
    ("paritaire_comites", "PC 111 en 200", "111, 200"),
    ("themas", THEME, THEME),
    ("aantal_ondernemingen", 75, "75"),
    ("opmerkingen", "+ nog een opmerking", "+ nog een opmerking"),
    ("toestemming_delen", "nee", "nee"),
])
def test_one_edited_cell_is_exactly_one_change_named_by_its_column(demo, attribute, value, shown):
    # The register refuses this one today: a change elsewhere keeps it, with a note.
    target = refused_by_the_register(demo)
    if attribute == "toestemming_delen":
        Registratie.objects.filter(pk=target.pk).update(toestemming_delen=True)
        target.refresh_from_db()
    if attribute == "themas" and target.themas == [Thema.DOORGROEI]:
        Registratie.objects.filter(pk=target.pk).update(themas=[Thema.BEHOEFTEDETECTIE])
        target.refresh_from_db()
    old = RegistratieResource().fields[attribute].widget.render(getattr(target, attribute))
    result = registraties_import(ronde=demo,
                                 source=edited(exported(demo), target, {attribute: value}))
    (row,) = [row for row in result.rows if row.action != UNCHANGED]
    assert (row.action, row.ondernemingsnummer, row.errors) == (
        UPDATE, target.ondernemingsnummer_opgemaakt, [])
    assert row.changes == [[HEADER_OF[attribute], str(old), shown]]
    assert row.notes and set(row.notes) <= {"het nummer staat niet in de KBO",
                                            "de onderneming is stopgezet",
                                            "het nummer hoort bij een natuurlijk persoon"}
    assert result.count(UNCHANGED) == len(result.rows) - 1


def test_a_cell_edited_into_a_refusal_is_refused_not_a_change(demo):
    """Unticking a condition introduces the refusal: the change is what is judged."""
    target = refused_by_the_register(demo)
    result = registraties_import(ronde=demo, source=edited(exported(demo), target,
                                                          {"werking_vlaanderen": "nee"}))
    (row,) = [row for row in result.rows if row.action != UNCHANGED]
    assert row.action == ERROR
    assert any("Bevestig dat uw organisatie werkt in het Vlaams Gewest" in error
               for error in row.errors)


def test_the_wiped_contact_and_the_quote_prefixed_cells_survive_a_change_elsewhere(demo):
    wiped = Registratie.objects.get(ronde=demo, contact_email="geanonimiseerd@invalid")
    tricky = Registratie.objects.get(ronde=demo, naam="'t Groene Huis vzw")
    content = edited(edited(exported(demo), wiped, {"sectoren": "zorg, welzijn"}), tricky,
                     {"contact_functie": "penningmeester"})
    result = registraties_import(ronde=demo, source=content, dry_run=False)
    assert sorted((row.naam, row.errors, [c[0] for c in row.changes]) for row in result.rows
                  if row.action != UNCHANGED) == sorted([
                      (wiped.naam, [], ["Sectoren"]), (tricky.naam, [], ["Functie contactpersoon"])])
    wiped.refresh_from_db()
    tricky.refresh_from_db()
    assert (wiped.sectoren, wiped.contact_naam, wiped.contact_email) == (
        "zorg, welzijn", "", "geanonimiseerd@invalid")
    assert (tricky.naam, tricky.opmerkingen, tricky.contact_telefoon, tricky.keten) == (
        "'t Groene Huis vzw", "=1+1 is geen formule", "+32 9 123 45 67", "Van boer\ntot bord")
    assert tricky.contact_functie == "penningmeester"


@pytest.fixture
def coordinator(demo):
    """The demo's coordinator account."""
    return get_user_model().objects.get(username="coordinator")


def test_the_preview_page_says_which_field_changed_from_what_to_what(client, demo, coordinator):
    client.force_login(coordinator)
    target = refused_by_the_register(demo)
    content = edited(exported(demo), target, {"contact_telefoon": "09 222 33 44"})
    uploaded = client.post(reverse(IMPORT_URL), {"ronde": demo.pk, "bestand": upload(content)})
    page = client.get(uploaded.url).content.decode()
    total = Registratie.objects.filter(ronde=demo).count()
    assert f"0 nieuw, 1 gewijzigd, {total - 1} ongewijzigd" in page
    assert (f"<strong>Telefoon contactpersoon</strong>: {target.contact_telefoon} → 09 222 33 44"
            in page)
    assert "Blijft staan, ESF&DO gaat na: het nummer staat niet in de KBO" in page
    assert 'name="bevestigen"' in page
    assert page.count(">wijziging<") == 1

    client.post(uploaded.url, {"bevestigen": "1"})
    target.refresh_from_db()
    assert target.contact_telefoon == "09 222 33 44"
    assert Vlag.KBO_NIET_GEVONDEN in target.vlaggen
    # Once imported, the answers the preview showed are not kept; which column changed is.
    done = client.get(uploaded.url).content.decode()
    assert "1 registratie bijgewerkt." in done
    assert "<strong>Telefoon contactpersoon</strong></li>" in done
    assert "09 222 33 44" not in done


def test_rows_with_errors_are_not_labelled_as_a_change(client, demo, coordinator):
    client.force_login(coordinator)
    target = Registratie.objects.filter(ronde=demo).first()
    content = edited(exported(demo), target, {"contact_email": "geen adres"})
    uploaded = client.post(reverse(IMPORT_URL), {"ronde": demo.pk, "bestand": upload(content)})
    page = client.get(uploaded.url).content.decode()
    assert ">niet te importeren<" in page
    assert ">wijziging<" not in page
    assert 'name="bevestigen"' not in page


def test_a_registration_the_database_no_longer_holds_comes_back_as_new_and_is_judged_as_one(demo):
    """Deleted in the portal meanwhile: its row is a new registration, judged on everything."""
    content = exported(demo)
    lookup = KboLookup()

    def refusals(registratie):
        return eligibility.judge_stored(registratie, path=eligibility.Path.FORM,
                                        check=lookup.check(registratie.ondernemingsnummer)).refusals

    registraties = list(Registratie.objects.filter(ronde=demo))
    acceptable = next(r for r in registraties if not refusals(r))
    refused = next(r for r in registraties if refusals(r))
    Registratie.objects.filter(pk__in=[acceptable.pk, refused.pk]).delete()
    result = registraties_import(ronde=demo, source=content)
    actions = {row.ondernemingsnummer: (row.action, bool(row.errors)) for row in result.rows}
    assert actions.pop(acceptable.ondernemingsnummer_opgemaakt) == (NEW, False)
    assert actions.pop(refused.ondernemingsnummer_opgemaakt) == (ERROR, True)
    assert set(actions.values()) == {(UNCHANGED, False)}
