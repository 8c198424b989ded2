"""What a visitor typed is shown as text on every staff page, never run as HTML."""
import pytest
from django.urls import reverse

from registraties.demo import demo_answers
from tests.factories import make_registratie, make_registraties

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(open_ronde):
    # Enough similar organisations around it for the suggestion engine to place it in a group.
    make_registraties(open_ronde, 12, seed=5)
    # A twin of a clustered organisation, so that it shows up in a suggestion too.
    twin = demo_answers(12, seed=5)[0]
    twin.pop("ondernemingsnummer")
    twin.update(naam=f"Fonds {PAYLOAD}", contact_naam=PAYLOAD,
                competentie_uitdagingen=f"{twin['competentie_uitdagingen']} {PAYLOAD}")
    return make_registratie(open_ronde, **twin)


@pytest.mark.parametrize("page", ["list", "detail", "history", "overview", "suggestions"])
def test_visitor_markup_is_escaped_on_staff_pages(coordinator_client, hostile, open_ronde, page):
    urls = {
        "list": reverse("admin:registraties_registratie_changelist") + "?status=alle&q=Fonds",
        "detail": reverse("admin:registraties_registratie_change", args=[hostile.pk]),
        "history": reverse("admin:registraties_registratie_history", args=[hostile.pk]),
        "overview": reverse("admin:overzicht") + f"?ronde={open_ronde.pk}",
        "suggestions": reverse("admin:partnerschappen_partnerschap_suggesties")
        + f"?ronde={open_ronde.pk}",
    }
    response = coordinator_client.get(urls[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script>alert("xss")' not in html
    assert "<img src=x onerror" not in html
    if page in ("list", "detail", "suggestions"):
        assert "&lt;script&gt;alert(" in html
