"""The registration's page: answers, eligibility, status with who/when, notes, history."""
import pytest
from django.urls import reverse

from registraties import services
from registraties.constants import RegistratieStatus
from registraties.models import Notitie, StatusWijziging
from tests.factories import form_data, make_registratie

pytestmark = pytest.mark.django_db


def _detail(registratie):
    return reverse("admin:registraties_registratie_change", args=[registratie.pk])


def _status_url(registratie):
    return reverse("admin:registraties_registratie_status", args=[registratie.pk])


def test_the_page_shows_answers_conditions_flags_and_status(open_ronde, reviewer_client):
    registratie = make_registratie(open_ronde, naam="Brusselse Zorgfederatie",
                                   postcode="1000", gemeente="Brussel",
                                   toelichting_werking="Vooral Vlaamse leden.")
    html = reviewer_client.get(_detail(registratie)).content.decode()
    assert "Antwoorden van de organisatie" in html
    assert "Brusselse Zorgfederatie" in html and registratie.ondernemingsnummer_opgemaakt in html
    assert "Voldoet aan de drie voorwaarden" in html
    assert ("Zetel in Brussel: nagaan of de werking vooral op de Vlaamse arbeidsmarkt gericht "
            "is") in html
    assert '<span class="portaal-status portaal-status--ingediend">ingediend</span>' in html


def test_reviewer_marks_a_registration_eligible_from_its_page(registratie, reviewer,
                                                               reviewer_client):
    response = reviewer_client.post(_status_url(registratie),
                                    {"status": RegistratieStatus.ONTVANKELIJK, "reden": ""}, follow=True)
    assert response.redirect_chain[-1][0] == _detail(registratie)
    html = response.content.decode()
    assert f"{registratie.referentie} heeft nu de status ‘ontvankelijk’." in html
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.ONTVANKELIJK
    assert registratie.status_gewijzigd_door == reviewer
    assert "door Bea" in html
    assert "Status gewijzigd van ‘ingediend’ naar ‘ontvankelijk’" in html  # history table


def test_not_eligible_without_reason_on_the_page_shows_the_message_and_changes_nothing(
        registratie, reviewer_client):
    response = reviewer_client.post(_status_url(registratie),
                                    {"status": RegistratieStatus.NIET_ONTVANKELIJK, "reden": "",
                                     "verwittigen": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert ("Geef een reden op waarom de registratie niet ontvankelijk is. De organisatie en "
            "uw collega&#x27;s moeten die kunnen nalezen.") in html
    assert '<option value="niet_ontvankelijk" selected>' in html
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.INGEDIEND
    assert not StatusWijziging.objects.exists()


def test_a_note_added_on_the_page_shows_with_author(registratie, reviewer_client):
    response = reviewer_client.post(
        reverse("admin:registraties_registratie_notitie", args=[registratie.pk]),
        {"tekst": "Gebeld met <b>An</b>: werking is Vlaams."}, follow=True)
    html = response.content.decode()
    assert "De notitie is toegevoegd." in html
    assert "Gebeld met &lt;b&gt;An&lt;/b&gt;: werking is Vlaams." in html
    assert Notitie.objects.get().auteur.username == "bea"


def test_an_empty_note_keeps_the_page_with_a_message(registratie, reviewer_client):
    response = reviewer_client.post(
        reverse("admin:registraties_registratie_notitie", args=[registratie.pk]),
        {"tekst": "", "_notitie": "Notitie toevoegen"})
    assert response.status_code == 400
    assert "Schrijf eerst de tekst van de notitie." in response.content.decode()


def test_history_shows_changes_by_the_organisation_through_the_edit_link(registratie,
                                                                        reviewer_client):
    services.registratie_update(registratie=registratie, data={"gemeente": "Gentbrugge"})
    html = reviewer_client.get(_detail(registratie)).content.decode()
    assert "de organisatie (via de wijzigingslink)" in html
    assert "Gewijzigd door de organisatie via de wijzigingslink" in html
    assert "<strong>Gemeente</strong>: Gent → Gentbrugge" in html
    assert "de organisatie (via het formulier)" in html


def test_reviewers_read_the_answers_without_an_edit_form(registratie, reviewer_client,
                                                         coordinator_client):
    reviewer_html = reviewer_client.get(_detail(registratie)).content.decode()
    assert 'name="naam"' not in reviewer_html
    coordinator_html = coordinator_client.get(_detail(registratie)).content.decode()
    assert 'name="naam"' in coordinator_html


def _admin_post(registratie, **overrides):
    data = form_data(**overrides)
    data["_save"] = "Opslaan"
    return data


def test_coordinator_corrects_an_answer_and_history_names_them(registratie, coordinator,
                                                               coordinator_client):
    response = coordinator_client.post(_detail(registratie), _admin_post(
        registratie, naam=registratie.naam, ondernemingsnummer=registratie.ondernemingsnummer,
        gemeente="Sint-Amandsberg"))
    assert response.status_code == 302, response.content.decode()[:2000]
    registratie.refresh_from_db()
    assert registratie.gemeente == "Sint-Amandsberg"
    latest = registratie.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == coordinator
    assert latest.history_change_reason == "Gewijzigd door ESF&DO in het beheer"


def test_staff_edits_follow_the_same_eligibility_rules(registratie, coordinator_client):
    response = coordinator_client.post(_detail(registratie), _admin_post(
        registratie, ondernemingsnummer=registratie.ondernemingsnummer, postcode="4000",
        gemeente="Luik"))
    assert response.status_code == 200
    assert "Uw zetel ligt in het Waals Gewest." in response.content.decode()
    registratie.refresh_from_db()
    assert registratie.postcode == "9000"


def test_the_page_lists_the_partnerships_it_belongs_to(registratie, reviewer_client):
    from partnerschappen.models import Lidmaatschap, Partnerschap

    partnerschap = Partnerschap.objects.create(naam="Bouw en renovatie", ronde=registratie.ronde)
    Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=registratie)
    html = reviewer_client.get(_detail(registratie)).content.decode()
    assert "Bouw en renovatie</a>" in html


def test_the_history_page_is_in_dutch_and_names_the_organisation(registratie, reviewer,
                                                                reviewer_client):
    from registraties import review

    services.registratie_update(registratie=registratie, data={"gemeente": "Gentbrugge"})
    review.registratie_change_status(registratie=registratie, status=RegistratieStatus.ONTVANKELIJK,
                                     door=reviewer)
    response = reviewer_client.get(
        reverse("admin:registraties_registratie_history", args=[registratie.pk]))
    html = response.content.decode()
    assert "de organisatie (via de wijzigingslink)" in html
    assert "de organisatie (via het formulier)" in html
    assert "Bea" in html and "3 versies" in html
    assert "Choose a date" not in html and "Changed by" not in html
