"""The declared name against the register's names, as people write them (registraties/names.py)."""
import pytest

from kbo.models import Onderneming
from medewerkers.roles import REVIEWER
from registraties import register_check
from registraties.constants import KboBevinding, KboControle, Vlag
from registraties.names import name_words, names_match
from tests.factories import form_data, logged_in, make_registratie, staff_member


@pytest.mark.parametrize("declared, registered", [
    ("Bouwfonds Vlaanderen vzw", ["Bouwfonds Vlaanderen"]),
    ("BOUWFONDS VLAANDEREN V.Z.W.", ["Bouwfonds Vlaanderen"]),
    ("Bouwfonds Vlaanderen", ["BOUWFONDS VLAANDEREN VZW"]),
    ("Vlaanderen, Bouwfonds", ["Bouwfonds Vlaanderen"]),
    ("Coöperatie Boerenbond", ["Cooperatie Boerenbond"]),
    ("Fédération de l'Horeca asbl", ["Fédération de l’Horeca ASBL"]),
    # The register's French name, or its abbreviation, or its trade name, is also its name.
    ("Fonds social des Soins", ["Sociaal Fonds Zorg", "Fonds social des Soins"]),
    ("VFB", ["Vlaamse Federatie Bouw"]),
    ("Vlaamse Federatie Bouw", ["VFB"]),
    ("Confederatie Bouw", ["Confederatie Bouw Vlaanderen", "CB VL"]),
    ("Agoria Vlaanderen", ["Technologische industrie Vlaanderen", "AGORIA VLAANDEREN"]),
    ("Bouw Unie", ["Bouwunie"]),
    ("Unizo", ["Unie van Zelfstandige Ondernemers", "UNIZO"]),
    ("Sectorfonds Voeding", ["Sectorfonds Voeding BV"]),
    ("Vereniging Woonzorg", ["Vereniging Woonzorg, vereniging zonder winstoogmerk"]),
    ("Stichting Vlaamse Schoolsport", ["Stichting Vlaamse Schoolsport, private stichting"]),
    ("Federatie Thuiszorg", ["Federatie Thuisszorg"]),  # a typo
    ("De Link", ["De Link vzw"]),
])
def test_names_written_as_people_write_them_match(declared, registered):
    assert names_match(declared, registered)


@pytest.mark.parametrize("declared, registered", [
    ("Precisietechniek Vereniging", ["Vlaamse Federatie Bouw 80"]),
    ("Bouwfonds Test vzw", ["Bouwfonds Vlaanderen"]),
    ("Bouw", ["Vlaamse Confederatie Bouw"]),
    ("Vlaanderen", ["Bouwfonds Vlaanderen Limburg Antwerpen"]),
    ("Zuivel Vlaanderen", ["Fonds sectoriel du Bois 66", "BOIS66"]),
    ("Sectorfonds Metaal 71", ["Sectorfonds Metaal 17"]),
])
def test_another_organisations_name_does_not_match(declared, registered):
    assert not names_match(declared, registered)


def test_without_any_name_in_the_register_there_is_nothing_to_hold_against():
    assert names_match("Wat dan ook", [])
    assert names_match("Wat dan ook", ["", "  "])


def test_legal_forms_accents_punctuation_and_small_words_are_left_out():
    assert name_words("Fédération de l'Alimentation S.R.L.") == ("federation", "alimentation")
    assert name_words("Internationale vereniging zonder winstoogmerk Het Netwerk") == ("netwerk",)


# --- where staff see it --------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_a_name_matching_no_name_in_the_register_is_a_finding_and_a_flag_never_a_refusal(
        client, open_ronde, kbo_register):
    Onderneming.objects.filter(pk="0417497106").update(naam="Vlaamse Federatie Bouw 80",
                                                        namen="Fédération flamande Construction 80\nVFB80")
    response = client.post("/interesse/", form_data(naam="Precisietechniek Vereniging"))
    assert response.status_code == 303
    registratie = open_ronde.registraties.get()
    assert (registratie.kbo_controle, registratie.kbo_bevindingen) == (
        KboControle.VERSCHILT, [KboBevinding.NAAM_VERSCHILT])
    assert Vlag.KBO_NAAM in registratie.vlaggen


@pytestmark_db
def test_the_french_name_of_the_register_is_a_name_of_the_organisation(client, open_ronde,
                                                                        kbo_register):
    Onderneming.objects.filter(pk="0417497106").update(naam="Sociaal Fonds Bouw",
                                                        namen="Fonds social de la Construction")
    response = client.post("/interesse/", form_data(naam="Fonds Social de la Construction ASBL"))
    assert response.status_code == 303
    assert open_ronde.registraties.get().kbo_controle == KboControle.GEVERIFIEERD


@pytestmark_db
def test_the_detail_page_marks_a_different_name_and_shows_all_the_registers_names(open_ronde,
                                                                                  kbo_register):
    registratie = make_registratie(open_ronde, ondernemingsnummer="0417497106",
                                   naam="Precisietechniek Vereniging", postcode="9000",
                                   gemeente="Gent", rechtsvorm="vzw")
    Onderneming.objects.filter(pk="0417497106").update(naam="Vlaamse Federatie Bouw 80",
                                                        namen="VFB80")
    register_check.registraties_recheck_register(registraties=open_ronde.registraties.all())
    registratie.refresh_from_db()
    assert KboBevinding.NAAM_VERSCHILT in registratie.kbo_bevindingen
    assert Vlag.KBO_NAAM in registratie.vlaggen

    staff = logged_in(staff_member("bea", REVIEWER))
    page = staff.get(f"/beheer/registraties/registratie/{registratie.pk}/change/").content.decode()
    assert ('<tr class="portaal-verschil"><th scope="row">Naam</th><td>Precisietechniek Vereniging'
            '</td><td><strong>≠ Vlaamse Federatie Bouw 80 · VFB80</strong></td></tr>') in page
    assert "De opgegeven naam komt met geen enkele naam van dit nummer in de KBO overeen" in page
    listing = staff.get("/beheer/registraties/registratie/?status=alle").content.decode()
    assert "Naam ≠ KBO" in listing


@pytestmark_db
def test_the_excel_import_computes_the_name_check_too(open_ronde, kbo_register):
    from registraties.excel.imports import registraties_import
    from tests.excel.test_import import new_row, sheet_with_rows

    Onderneming.objects.filter(pk="0417497106").update(naam="Vlaamse Federatie Bouw 80")
    result = registraties_import(ronde=open_ronde, dry_run=False, source=sheet_with_rows(
        [new_row(**{"Naam organisatie": "Precisietechniek Vereniging"})]))
    assert result.saved
    assert open_ronde.registraties.get().kbo_bevindingen == [KboBevinding.NAAM_VERSCHILT]
