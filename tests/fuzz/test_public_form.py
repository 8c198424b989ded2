"""Fuzzing the public interest form (POST /interesse/) with hostile and valid-looking input."""
from urllib.parse import urlencode

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import event, example, given
from hypothesis import strategies as st

from berichten.models import Bericht
from registraties.models import Registratie
from tests.factories import form_data
from tests.fuzz.checks import (
    assert_all_registraties_valid,
    assert_escaped,
    assert_no_control_characters,
    examples,
    rolled_back,
)
from tests.fuzz.strategies import mutated_post, valid_looking_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("open_ronde")]

URL = reverse("registraties:formulier")
BASE = form_data()


def post(client, data: dict, *, urlencoded: bool):
    if urlencoded:
        return client.post(URL, urlencode(data, doseq=True),
                           content_type="application/x-www-form-urlencoded")
    return client.post(URL, data)


def check_response(client, response) -> None:
    """Never a 500; whatever is shown back (the form again, or the confirmation and its mails
    after a save) is escaped; whatever was saved meets the rules."""
    assert response.status_code < 500
    event(f"status {response.status_code}")
    assert_escaped(response.content.decode("utf-8", "replace"))
    if response.status_code in (302, 303):
        assert response["Location"] == reverse("registraties:bevestiging")
        confirmation = client.get(response["Location"])
        assert confirmation.status_code == 200
        assert_escaped(confirmation.content.decode())
        for bericht in Bericht.objects.all():
            assert_escaped(bericht.html)
    else:
        assert not Registratie.objects.exists()
    assert_all_registraties_valid()


@override_settings(RATELIMIT_ENABLE=False)
@examples(60)
@given(data=mutated_post(BASE), urlencoded=st.booleans())
def test_hostile_form_posts_never_fail_and_save_nothing_invalid(client, data, urlencoded):
    with rolled_back():
        check_response(client, post(client, data, urlencoded=urlencoded))


@override_settings(RATELIMIT_ENABLE=False)
@examples(60)
@given(data=valid_looking_post(BASE), urlencoded=st.booleans())
def test_valid_looking_posts_save_only_eligible_registrations(client, data, urlencoded):
    with rolled_back():
        check_response(client, post(client, data, urlencoded=urlencoded))


@override_settings(RATELIMIT_ENABLE=False)
@examples(40)
@given(body=st.binary(max_size=300), content_type=st.sampled_from((
    "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16", "multipart/form-data",
    "multipart/form-data; boundary=fz", "text/plain", "application/json")))
def test_raw_bodies_never_fail(client, body, content_type):
    """Bytes that are no valid form body at all: broken UTF-8, bad multipart, odd charsets."""
    with rolled_back():
        response = client.generic("POST", URL, body, content_type=content_type)
        assert response.status_code < 500
        assert_escaped(response.content.decode("utf-8", "replace"))
        assert_all_registraties_valid()


@override_settings(RATELIMIT_ENABLE=False)
@examples(10)
@given(repeat=st.integers(1, 1200), name=st.sampled_from(("themas", "naam", "fz")))
def test_many_repeated_fields_never_fail(client, repeat, name):
    with rolled_back():
        body = urlencode(BASE, doseq=True) + f"&{name}=x" * repeat
        response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500
        assert_all_registraties_valid()


# A control character in a one-line answer is saved today: it reaches mail subjects, the
# staff list and Excel cells. Expected to pass once the form refuses or removes them.
@override_settings(RATELIMIT_ENABLE=False)
@examples(20)
@example(field="naam", junk="\x01")
@given(field=st.sampled_from(("naam", "straat", "gemeente", "contact_naam", "contact_functie",
                              "contact_telefoon", "sectoren", "rechtsvorm_andere")),
       junk=st.text(st.characters(categories=["Cc"]), min_size=1, max_size=3))
def test_no_control_characters_are_saved_in_one_line_answers(client, field, junk):
    data = dict(BASE, rechtsvorm="andere", rechtsvorm_andere="coöperatie")
    data[field] = f"{data[field]}{junk}x"
    with rolled_back():
        response = post(client, data, urlencoded=True)
        assert response.status_code < 500
        for registratie in Registratie.objects.all():
            assert_no_control_characters(registratie)
