"""The lookup says whether the number already registered in this round: an answer that changes
the moment the visitor registers, so no browser may keep it (issue 16, found by the journey
test of an organisation that sends the form a second time)."""
import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

pytestmark = pytest.mark.django_db


def test_an_answer_about_registering_is_not_kept_by_the_browser(client, imported, entities,
                                                                 open_ronde):
    from tests.factories import make_registratie

    legal = next(e for e in entities if e.rechtspersoon and e.actief)
    url = reverse("kbo:lookup", args=[legal.nummer])
    before = client.get(url)
    assert before.json()["geregistreerd"] is False
    # Neither kept for a while nor reused without asking again; never in a shared cache.
    cache_control = {part.strip() for part in before["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private"} <= cache_control
    assert get_max_age(before) == 0

    make_registratie(open_ronde, ondernemingsnummer=legal.nummer)
    assert client.get(url).json()["geregistreerd"] is True
