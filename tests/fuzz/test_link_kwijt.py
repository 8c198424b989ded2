"""Fuzzing "link kwijt" (POST /interesse/link-kwijt/): same calm answer, no 500, no stray links."""
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st
from stdnum.be import vat

from registraties.models import Registratie
from tests.factories import make_registratie
from tests.fuzz.checks import assert_all_registraties_valid, assert_escaped, examples, rolled_back
from tests.fuzz.strategies import enterprise_numbers, hostile_text, unknown_field_names

pytestmark = pytest.mark.django_db

URL = reverse("registraties:link_kwijt")
NUMBER, EMAIL = "0417497106", "an.peeters@bouwfonds-test.be"

numbers = st.one_of(st.sampled_from((NUMBER, "0417.497.106", "BE0417497106", "be 0417 497 106",
                                     "417497106", " 0417497106 ", "0417497107")),
                    enterprise_numbers(), hostile_text)
emails = st.one_of(st.sampled_from((EMAIL, "AN.Peeters@Bouwfonds-Test.be", f" {EMAIL} ",
                                    f"{EMAIL}\n", f"{EMAIL}\x00", "an.peeters@bouwfonds-test.b",
                                    "%", "_@_._", "*@*")),
                   st.emails(), hostile_text)


@st.composite
def link_kwijt_posts(draw) -> dict:
    data = {"ondernemingsnummer": draw(numbers), "contact_email": draw(emails)}
    for name in ("ondernemingsnummer", "contact_email"):
        action = draw(st.sampled_from(("keep", "keep", "keep", "drop", "repeat")))
        if action == "drop":
            del data[name]
        elif action == "repeat":
            data[name] = [data[name], draw(st.one_of(numbers, emails))]
    data.update(draw(st.dictionaries(unknown_field_names, hostile_text, max_size=2)))
    return data


def _matches(data: dict) -> bool:
    """Number and e-mail (the last value of a repeated key, as Django reads it) match."""
    def last(name):
        value = data.get(name, "")
        return value[-1] if isinstance(value, list) else value
    number, email = last("ondernemingsnummer"), last("contact_email")
    return (vat.is_valid(number) and vat.compact(number).zfill(10) == NUMBER
            and email.strip().lower() == EMAIL)


@pytest.fixture
def registered(open_ronde):
    return make_registratie(open_ronde, ondernemingsnummer=NUMBER, contact_email=EMAIL)


@override_settings(RATELIMIT_ENABLE=False)
@examples(60)
@given(data=link_kwijt_posts(), urlencoded=st.booleans())
def test_link_kwijt_never_fails_and_renews_only_the_matching_link(client, registered, data,
                                                                   urlencoded):
    cache.clear()  # the hourly limit per number must not hide a renewal
    with rolled_back():
        old_hash = Registratie.objects.get(pk=registered.pk).wijzig_token_hash
        if urlencoded:
            response = client.post(URL, urlencode(data, doseq=True),
                                   content_type="application/x-www-form-urlencoded")
        else:
            response = client.post(URL, data)
        assert response.status_code < 500
        event(f"status {response.status_code}")
        assert_escaped(response.content.decode("utf-8", "replace"))
        renewed = Registratie.objects.get(pk=registered.pk).wijzig_token_hash != old_hash
        event("link vernieuwd" if renewed else "geen nieuwe link")
        if renewed:
            assert _matches(data), data
        assert_all_registraties_valid()
