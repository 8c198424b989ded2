"""Fuzzing the edit form (POST /interesse/wijzigen/<token>/) and the token in its address."""
from urllib.parse import quote, urlencode

import pytest
from django.test import override_settings
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from registraties import services
from registraties.models import Registratie
from tests.factories import form_data, make_registratie
from tests.fuzz.checks import answers, assert_all_registraties_valid, assert_escaped, examples, rolled_back
from tests.fuzz.strategies import hostile_text, mutated_post, valid_looking_post

pytestmark = pytest.mark.django_db

BASE = form_data()  # the enterprise number of the registration being edited


@pytest.fixture
def edit_link(open_ronde):
    """(edit URL, the registration it edits, another registration of the same round)."""
    own = make_registratie(open_ronde, ondernemingsnummer="0417497106")
    other = make_registratie(open_ronde, ondernemingsnummer="0202239951")
    token = services.registratie_renew_link(registratie=own)
    return reverse("registraties:wijzigen", args=[token]), own, other


def check_edit(client, edit_link, data: dict, urlencoded: bool) -> None:
    url, own, other = edit_link
    before_other = answers(Registratie.objects.get(pk=other.pk))
    if urlencoded:
        response = client.post(url, urlencode(data, doseq=True),
                               content_type="application/x-www-form-urlencoded")
    else:
        response = client.post(url, data)
    assert response.status_code < 500
    event(f"status {response.status_code}")
    assert_escaped(response.content.decode("utf-8", "replace"))
    if response.status_code == 303:
        confirmation = client.get(response["Location"])
        assert confirmation.status_code == 200
        assert_escaped(confirmation.content.decode())
    assert Registratie.objects.count() == 2
    # Nobody edits another organisation's answers through their own link.
    assert answers(Registratie.objects.get(pk=other.pk)) == before_other
    assert_all_registraties_valid()


@override_settings(RATELIMIT_ENABLE=False)
@examples(40)
@given(data=mutated_post(BASE), urlencoded=st.booleans())
def test_hostile_edits_never_fail_and_save_nothing_invalid(client, edit_link, data, urlencoded):
    with rolled_back():
        check_edit(client, edit_link, data, urlencoded)


@override_settings(RATELIMIT_ENABLE=False)
@examples(30)
@given(data=valid_looking_post(BASE), urlencoded=st.booleans())
def test_valid_looking_edits_keep_the_rules(client, edit_link, data, urlencoded):
    with rolled_back():
        check_edit(client, edit_link, data, urlencoded)


@override_settings(RATELIMIT_ENABLE=False)
@examples(40)
@given(token=st.one_of(hostile_text, st.text(alphabet="ABCDEFabcdef0123456789-_", min_size=40,
                                             max_size=50)),
       method=st.sampled_from(("get", "post")))
def test_any_token_in_the_address_is_a_clean_refusal(client, edit_link, token, method):
    url = reverse("registraties:wijzigen", args=["TOKEN"]).replace("TOKEN", quote(token, safe=""))
    with rolled_back():
        response = getattr(client, method)(url, BASE if method == "post" else None)
        assert response.status_code in (400, 404, 413, 414), response.status_code
        assert_escaped(response.content.decode("utf-8", "replace"))
        assert_all_registraties_valid()
