"""Pages with personal data are never stored by the browser; a double click confirms once."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from registraties.models import Registratie
from tests.factories import form_data, make_registratie

pytestmark = pytest.mark.django_db

URL = "/interesse/"


def assert_no_store(response):
    assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")


def edit_link() -> str:
    body = mail.outbox[0].body
    return re.search(r"/interesse/wijzigen/[\w-]+/", body).group(0)


def test_the_confirmation_is_not_stored(client, open_ronde):
    client.post(URL, form_data())
    response = client.get("/interesse/bevestiging/")
    assert response.status_code == 200
    assert "Bouwfonds Test vzw" in response.content.decode()
    assert_no_store(response)


def test_the_edit_page_is_not_stored_read_or_sent(client, open_ronde):
    client.post(URL, form_data())
    link = edit_link()
    assert_no_store(client.get(link))
    assert_no_store(client.post(link, form_data(postcode="12")))


def test_the_form_answering_a_post_is_not_stored(client, open_ronde):
    response = client.post(URL, form_data(postcode="12"))
    assert response.status_code == 200
    assert "an.peeters@bouwfonds-test.be" in response.content.decode()
    assert_no_store(response)
    assert_no_store(client.post("/interesse/link-kwijt/", {"ondernemingsnummer": "0417497106",
                                                           "contact_email": "an@fonds.be"}))


def test_the_empty_form_may_be_kept_so_back_restores_what_was_typed(client, open_ronde):
    # The outage and limit pages send visitors back to it: it must not be refetched empty.
    assert "no-store" not in client.get(URL).get("Cache-Control", "")


@pytest.mark.parametrize("path", ["/beheer/", "/beheer/registraties/registratie/",
                                  "/beheer/registraties/registratie/{pk}/change/",
                                  "/beheer/registraties/registratie/{pk}/history/"])
def test_staff_pages_are_not_stored(open_ronde, path):
    registratie = make_registratie(open_ronde)
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("sup", is_staff=True, is_superuser=True))
    response = staff.get(path.format(pk=registratie.pk))
    assert response.status_code == 200
    assert_no_store(response)


def test_a_double_click_shows_the_confirmation_not_already_registered(client, open_ronde):
    first = client.post(URL, form_data())
    second = client.post(URL, form_data())
    assert first.status_code == second.status_code == 303
    assert second["Location"] == "/interesse/bevestiging/"
    assert Registratie.objects.count() == 1
    assert len(mail.outbox) == 2  # one confirmation, one staff notice: not twice


def test_another_session_with_the_same_number_is_still_told_it_is_registered(client, open_ronde):
    client.post(URL, form_data())
    stranger = Client()
    response = stranger.post(URL, form_data())
    assert response.status_code == 200
    assert "al geregistreerd" in response.content.decode()


def test_a_second_organisation_from_the_same_session_is_not_taken_for_a_double_click(client,
                                                                                     open_ronde):
    make_registratie(open_ronde, ondernemingsnummer="0403170701")
    client.post(URL, form_data())
    response = client.post(URL, form_data(ondernemingsnummer="0403170701"))
    assert response.status_code == 200
    assert "al geregistreerd" in response.content.decode()


def test_a_second_submission_with_other_answers_is_told_it_registered_with_the_way_to_edit(
        client, open_ronde):
    client.post(URL, form_data())
    response = client.post(URL, form_data(contact_telefoon="09 000 00 00", sectoren="bouw, hout"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("ondernemingsnummer", "dubbel")
    html = response.content.decode()
    assert "al geregistreerd" in html
    assert '<a href="/interesse/link-kwijt/">Link kwijt? Vraag een nieuwe wijzigingslink aan.</a>' \
        in html
    # Nothing of the second submission was saved over the first.
    registratie = Registratie.objects.get()
    assert (registratie.contact_telefoon, registratie.sectoren) == ("09 123 45 67", "bouw")


def test_a_double_click_with_a_spent_spam_check_still_shows_the_confirmation(client, open_ronde):
    from tests.registraties.test_spam_trap import solved_payload

    answers = form_data(altcha=solved_payload(client))
    first = client.post(URL, answers)
    second = client.post(URL, answers)
    assert (first.status_code, second.status_code) == (303, 303)
    assert second["Location"] == "/interesse/bevestiging/"
    assert Registratie.objects.count() == 1
    # With other answers it is no double click: the visitor learns the number registered.
    third = client.post(URL, {**answers, "sectoren": "hout"})
    assert third.status_code == 200
    assert third.context["form"].has_error("ondernemingsnummer", "dubbel")
    assert "Deze spamcontrole werd al gebruikt" not in third.content.decode()
