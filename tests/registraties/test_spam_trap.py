"""The spam trap of the public form: a honeypot and a self-hosted ALTCHA proof of work."""
import base64
import json
import re
import time

import altcha
import pytest
from django.conf import settings
from django.core import mail
from django.utils.html import escape

from registraties import services
from registraties.constants import Vlag
from registraties.eligibility import Path
from registraties.forms import MSG_ALTCHA_INVALID, MSG_ALTCHA_REUSED, MSG_HONEYPOT, RegistratieForm
from registraties.models import Registratie
from tests.factories import form_data

pytestmark = pytest.mark.django_db

URL = "/interesse/"
CHALLENGE_URL = "/interesse/altcha/"


def solve(challenge: dict) -> str:
    """What the widget sends: the challenge and the counter it found, base64-encoded JSON."""
    parsed = altcha.Challenge.from_dict(challenge)
    return altcha.Payload(parsed, altcha.solve_challenge(parsed)).to_base64()


def solved_payload(client) -> str:
    return solve(client.get(CHALLENGE_URL).json())


def assert_refused_with(response, message):
    assert response.status_code == 200
    assert escape(str(message)) in response.content.decode()
    assert Registratie.objects.count() == 0


def test_the_challenge_is_signed_fresh_and_never_cached(client):
    response = client.get(CHALLENGE_URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    first = response.json()
    assert first["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert first["parameters"]["expiresAt"] > time.time() + 60 * 60
    assert re.fullmatch(r"[0-9a-f]{64}", first["signature"])
    assert client.get(CHALLENGE_URL).json()["parameters"]["nonce"] != first["parameters"]["nonce"]
    assert client.post(CHALLENGE_URL).status_code == 405


def test_a_solved_challenge_saves_the_registration_without_a_flag(client, open_ronde):
    response = client.post(URL, form_data(altcha=solved_payload(client)))
    assert response.status_code == 303
    assert Vlag.ZONDER_SPAMCONTROLE not in Registratie.objects.get().vlaggen


def test_without_javascript_the_registration_is_saved_and_flagged_for_staff(client, open_ronde):
    response = client.post(URL, form_data())
    assert response.status_code == 303
    registratie = Registratie.objects.get()
    assert Vlag.ZONDER_SPAMCONTROLE in registratie.vlaggen
    assert ("Verstuurd zonder spamcontrole (geen JavaScript): nagaan of het een echte organisatie "
            "is") in registratie.vlaggen_labels
    assert len(mail.outbox) == 2


def test_the_flag_survives_an_edit_through_the_link_and_answers_still_derive_theirs(client,
                                                                                     open_ronde):
    client.post(URL, form_data())
    registratie = Registratie.objects.get()

    def edit(**answers):
        form = RegistratieForm(form_data(**answers), instance=registratie, path=Path.EDIT_LINK)
        assert form.is_valid(), form.errors
        services.registratie_update(registratie=registratie, data=form.cleaned_data)
        registratie.refresh_from_db()
        return registratie.vlaggen

    # (No register data is loaded in this test: that flag is derived too.)
    assert edit(postcode="1000", gemeente="Brussel", toelichting_werking="Vlaamse leden.") == [
        Vlag.BRUSSEL_WERKING, Vlag.KBO_NIET_GEVERIFIEERD, Vlag.ZONDER_SPAMCONTROLE]
    assert edit(postcode="9000") == [Vlag.KBO_NIET_GEVERIFIEERD, Vlag.ZONDER_SPAMCONTROLE]


def test_a_visitor_cannot_set_flags_through_the_form(client, open_ronde):
    client.post(URL, {**form_data(altcha=solved_payload(client)), "vlaggen": "zonder_spamcontrole"})
    assert Registratie.objects.get().vlaggen == [Vlag.KBO_NIET_GEVERIFIEERD]


def test_a_forged_solution_is_refused_in_dutch(client, open_ronde):
    payload = json.loads(base64.b64decode(solved_payload(client)))
    payload["challenge"]["parameters"]["cost"] = 1  # an easier challenge: the signature breaks
    forged = base64.b64encode(json.dumps(payload).encode()).decode()
    assert_refused_with(client.post(URL, form_data(altcha=forged)), MSG_ALTCHA_INVALID)
    assert_refused_with(client.post(URL, form_data(altcha="bm90LWpzb24=")), MSG_ALTCHA_INVALID)
    assert len(mail.outbox) == 0


def test_a_wrong_counter_is_refused(client, open_ronde):
    payload = json.loads(base64.b64decode(solved_payload(client)))
    payload["solution"]["counter"] += 1
    wrong = base64.b64encode(json.dumps(payload).encode()).decode()
    assert_refused_with(client.post(URL, form_data(altcha=wrong)), MSG_ALTCHA_INVALID)


def test_an_expired_challenge_is_refused(client, open_ronde):
    challenge = altcha.create_challenge("PBKDF2/SHA-256", 50, expires_at=int(time.time()) - 1,
                                        hmac_secret=settings.ALTCHA_HMAC_KEY)
    expired = solve(challenge.to_dict())
    assert_refused_with(client.post(URL, form_data(altcha=expired)), MSG_ALTCHA_INVALID)


def test_a_solution_is_used_once(client, open_ronde):
    payload = solved_payload(client)
    assert client.post(URL, form_data(altcha=payload)).status_code == 303
    replay = client.post(URL, form_data(altcha=payload, ondernemingsnummer="0403170701"))
    assert replay.status_code == 200
    assert escape(str(MSG_ALTCHA_REUSED)) in replay.content.decode()
    assert Registratie.objects.count() == 1


def test_a_filled_honeypot_saves_and_mails_nothing_and_says_so(client, open_ronde):
    response = client.post(URL, form_data(faxnummer="09 123 45 67", altcha=solved_payload(client)))
    assert_refused_with(response, MSG_HONEYPOT % {"contact": "competentiechecks@esf-agentschap.be"})
    assert len(mail.outbox) == 0


def test_the_form_hides_the_honeypot_from_people_and_screen_readers_and_holds_the_widget(
        client, open_ronde):
    html = client.get(URL).content.decode()
    trap = re.search(r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S)
    assert trap is not None
    assert 'name="faxnummer"' in trap.group(1)
    assert 'tabindex="-1"' in trap.group(1) and 'autocomplete="off"' in trap.group(1)
    assert 'data-challenge="/interesse/altcha/"' in html
    assert 'data-worker="/static/vendor/altcha/workers/pbkdf2.js"' in html
    assert '<script type="module" src="/static/js/spamcontrole.js">' in html
    assert "cdn" not in html.lower()
