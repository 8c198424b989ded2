"""GDPR: a coordinator finds, downloads and erases everything about one contact person."""
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.test import override_settings
from django.utils import timezone

from registraties import services
from registraties.models import Notitie, Registratie, StatusWijziging
from registraties.privacy import LOG_ERASED, LOG_EXPORTED, contact_person_find
from registraties.retention import ANONYMISED_EMAIL
from tests.berichten.helpers import DATABASE_TASKS
from tests.factories import RondeFactory, make_registratie

pytestmark = pytest.mark.django_db

URL = "/beheer/persoonsgegevens/"
EMAIL = "an.peeters@bouwfonds.be"


@pytest.fixture
def people(open_ronde):
    now = timezone.now()
    old = RondeFactory(slug="vorige", opent_op=now - timedelta(days=400),
                       sluit_op=now - timedelta(days=300))
    first = make_registratie(old, naam="Bouwfonds vzw", contact_naam="An Peeters",
                             contact_email=EMAIL, contact_telefoon="09 111 11 11")
    services.registratie_update(registratie=first, data={"contact_functie": "directeur"})
    second = make_registratie(open_ronde, naam="Bouwfederatie", contact_naam="An Peeters",
                              contact_email="An.Peeters@Bouwfonds.be")
    former = make_registratie(open_ronde, naam="Houtfonds", contact_naam="An Peeters",
                              contact_email=EMAIL)
    services.registratie_update(registratie=former, data={"contact_naam": "Bo Janssens",
                                                          "contact_email": "bo@houtfonds.be"})
    other = make_registratie(open_ronde, naam="Metaalfonds", contact_naam="Cas Claes",
                             contact_email="cas@metaal.be")
    Notitie.objects.create(registratie=first, tekst="Gebeld met An Peeters, mailt op "
                                                   f"{EMAIL} de statuten door.")
    StatusWijziging.objects.create(registratie=first, van="ingediend", naar="in_behandeling",
                                   reden="Navraag bij An Peeters", op=now)
    Notitie.objects.create(registratie=other, tekst="Gebeld met Cas Claes.")
    # The outbox (its own app): a mail to them and the staff's notice about them.
    Bericht = apps.get_model("berichten", "Bericht")
    Bericht.objects.create(aan=EMAIL, onderwerp="Bevestiging", soort="bevestiging",
                           tekst="Beste An Peeters, bedankt voor de registratie.")
    Bericht.objects.create(aan="esfdo@example.test", onderwerp="Nieuwe registratie",
                           soort="melding", tekst=f"Contact: An Peeters <{EMAIL}>")
    Bericht.objects.create(aan="cas@metaal.be", onderwerp="Bevestiging", soort="bevestiging",
                           tekst="Beste Cas Claes")
    return first, second, former, other


def _search(client, email=EMAIL, action="zoeken", **extra):
    return client.post(URL, {"email": email, "actie": action, **extra})


def test_reviewers_may_not_see_the_page(reviewer_client, people):
    assert reviewer_client.get(URL).status_code == 403
    assert _search(reviewer_client).status_code == 403
    assert _search(reviewer_client, action="downloaden").status_code == 403
    assert _search(reviewer_client, action="wissen_bevestigd", bevestigd="on").status_code == 403
    assert Registratie.objects.filter(contact_email=EMAIL).exists()


def test_the_index_links_the_page_for_coordinators_only(coordinator_client, reviewer_client):
    assert URL in coordinator_client.get("/beheer/").content.decode()
    assert URL not in reviewer_client.get("/beheer/").content.decode()


def test_the_search_finds_the_person_in_every_round_and_in_history(coordinator_client, people):
    first, second, former, other = people
    page = _search(coordinator_client).content.decode()
    for registratie in (first, second, former):
        assert registratie.referentie in page
    assert other.referentie not in page
    assert "nee, vroeger" in page  # Houtfonds named them once


def test_an_invalid_address_gets_a_dutch_message(coordinator_client):
    response = _search(coordinator_client, email="geen-adres")
    assert response.status_code == 200
    assert "Dit is geen geldig e-mailadres." in response.content.decode()


def test_the_download_holds_everything_and_is_logged(coordinator_client, coordinator, people):
    first, second, former, other = people
    response = _search(coordinator_client, action="downloaden")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="persoonsgegevens-')
    document = json.loads(response.content)
    by_reference = {r["referentie"]: r for r in document["registraties"]}
    assert set(by_reference) == {first.referentie, second.referentie, former.referentie}

    oud = by_reference[first.referentie]
    assert oud["huidige_contactpersoon"] is True
    assert oud["contactgegevens"]["contact_telefoon"] == "09 111 11 11"
    assert oud["antwoorden"]["naam"] == "Bouwfonds vzw"
    assert {row["contact_functie"] for row in oud["geschiedenis"]} >= {"directeur"}
    assert "Gebeld met An Peeters" in oud["notities"][0]["tekst"]
    assert oud["statuswijzigingen"][0]["reden"] == "Navraag bij An Peeters"

    vroeger = by_reference[former.referentie]
    assert vroeger["huidige_contactpersoon"] is False
    assert vroeger["contactgegevens"] is None  # Bo Janssens is not this person
    assert {row["contact_email"] for row in vroeger["geschiedenis"]} == {EMAIL}

    assert {mail["soort"] for mail in document["berichten"]} >= {"bevestiging", "melding"}
    assert any(mail["aan"].lower() == EMAIL for mail in document["berichten"])
    assert "Cas Claes" not in response.content.decode()

    entries = LogEntry.objects.filter(user=coordinator, change_message=LOG_EXPORTED)
    assert set(entries.values_list("object_id", flat=True)) == {
        str(first.pk), str(second.pk), str(former.pk)}


def test_erasing_asks_for_confirmation_first(coordinator_client, people):
    page = _search(coordinator_client, action="wissen").content.decode()
    assert "Dit kan niet ongedaan worden gemaakt." in page
    assert Registratie.objects.filter(contact_email=EMAIL).exists()
    page = _search(coordinator_client, action="wissen_bevestigd").content.decode()
    assert "Vink aan dat u begrijpt dat wissen niet ongedaan kan worden." in page
    assert Registratie.objects.filter(contact_email=EMAIL).exists()


def test_erasing_anonymises_the_person_everywhere_history_included(coordinator_client,
                                                                    coordinator, people):
    first, second, former, other = people
    response = _search(coordinator_client, action="wissen_bevestigd", bevestigd="on")
    assert response.status_code == 302
    assert "De contactpersoon is gewist" in coordinator_client.get(URL).content.decode()

    for registratie in (first, second):
        registratie.refresh_from_db()
        assert (registratie.contact_naam, registratie.contact_email,
                registratie.contact_telefoon, registratie.contact_functie) == (
            "", ANONYMISED_EMAIL, "", "")
        assert registratie.wijzig_token_hash is None
        assert registratie.naam  # the organisation's answers stay
    assert not Registratie.history.filter(contact_email__iexact=EMAIL).exists()
    assert not Registratie.history.filter(contact_naam="An Peeters").exists()
    former.refresh_from_db()
    assert (former.contact_naam, former.contact_email) == ("Bo Janssens", "bo@houtfonds.be")
    other.refresh_from_db()
    assert other.contact_email == "cas@metaal.be"

    note = Notitie.objects.get(registratie=first)
    assert "An Peeters" not in note.tekst and EMAIL not in note.tekst
    assert "[geanonimiseerd]" in note.tekst
    assert StatusWijziging.objects.get(registratie=first).reden == "Navraag bij [geanonimiseerd]"
    assert Notitie.objects.get(registratie=other).tekst == "Gebeld met Cas Claes."
    Bericht = apps.get_model("berichten", "Bericht")
    assert not Bericht.objects.filter(aan__icontains=EMAIL).exists()
    assert not Bericht.objects.filter(tekst__icontains="An Peeters").exists()
    assert Bericht.objects.filter(aan="esfdo@example.test").exists()
    assert Bericht.objects.get(aan="cas@metaal.be").tekst == "Beste Cas Claes"

    assert contact_person_find(email=EMAIL).empty
    entries = LogEntry.objects.filter(user=coordinator, change_message=LOG_ERASED)
    assert set(entries.values_list("object_id", flat=True)) == {
        str(first.pk), str(second.pk), str(former.pk)}


@override_settings(TASKS=DATABASE_TASKS)  # the mails wait for a worker
def test_mails_the_worker_still_has_to_write_are_found_and_those_to_the_person_cancelled(
        coordinator_client, coordinator, open_ronde):
    from berichten.services import berichten_queue
    from registraties.privacy import MSG_MAIL_CANCELLED, contact_person_erase

    registratie = make_registratie(open_ronde, naam="Bouwfonds vzw", contact_naam="An Peeters",
                                   contact_email=EMAIL)
    to_them, about_them = berichten_queue([
        {"aan": EMAIL, "onderwerp": "Bevestiging", "soort": "bevestiging",
         "gegevens": {"registratie": registratie.pk, "wijzig_url": "http://x/wijzigen/geheim/"}},
        {"aan": "esfdo@example.test", "onderwerp": "Nieuwe registratie", "soort": "notificatie",
         "gegevens": {"registratie": registratie.pk}}])
    # Still without text: found through the registration they are rendered from.
    assert {b.pk for b in contact_person_find(email=EMAIL).berichten} == {to_them.pk,
                                                                           about_them.pk}
    contact_person_erase(email=EMAIL, by=coordinator)
    to_them.refresh_from_db()
    assert (to_them.status, to_them.aan, to_them.gegevens) == ("mislukt", ANONYMISED_EMAIL, None)
    assert to_them.laatste_fout == MSG_MAIL_CANCELLED
    about_them.refresh_from_db()
    # ESF&DO's notice stays; the worker will render it from the anonymised registration.
    assert (about_them.status, about_them.gegevens) == ("wachtend", {"registratie": registratie.pk})
