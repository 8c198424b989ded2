"""Odd input on staff pages gets a clear answer, never a 500 (SQLite and PostgreSQL).

History ids that cannot be ids are 404; a list takes only the lookups its filters offer
(anything else, such as an invalid regular expression, is a 400); a batch action with a
selection that is no list of ids is refused with a message and changes nothing.
"""
import pytest
from django.test import Client
from django.urls import reverse

from kbo.models import Onderneming
from partnerschappen import services as partnerschap_services
from registraties.models import Registratie
from tests.factories import make_registratie

pytestmark = pytest.mark.django_db

ODD_IDS = ["abc", "1.5", "%20", "-1", "1e3", "99999999999999999999", "0x10", "%C3%A9"]


@pytest.fixture
def things(open_ronde):
    # Fixed postcodes: the filter tests below expect both in Vlaanderen, whatever the shared
    # random source of tests/factories.py drew for earlier tests.
    first = make_registratie(open_ronde, naam="Bouwfonds Een vzw", postcode="9000",
                             gemeente="Gent")
    second = make_registratie(open_ronde, naam="Bouwfonds Twee vzw", postcode="8500",
                              gemeente="Kortrijk")
    partnerschap = partnerschap_services.partnerschap_create(
        ronde=open_ronde, naam="Bouw", registraties=[first, second], regisseur=first)
    Onderneming.objects.create(ondernemingsnummer="0417497106", actief=True, rechtspersoon=True,
                               naam="Bouwfonds Een", postcode="9000", gemeente="Gent")
    return {"verkenning/ronde": open_ronde.pk, "registraties/registratie": first.pk,
            "partnerschappen/partnerschap": partnerschap.pk}


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize("page", ["verkenning/ronde", "registraties/registratie",
                                  "partnerschappen/partnerschap"])
def test_a_history_id_that_cannot_be_an_id_is_a_page_that_does_not_exist(
        coordinator_client, things, page, odd):
    pk = things[page]
    assert coordinator_client.get(f"/beheer/{page}/{pk}/history/{odd}/").status_code == 404
    assert coordinator_client.get(f"/beheer/{page}/{odd}/history/").status_code == 404
    assert coordinator_client.get(f"/beheer/{page}/{odd}/history/1/").status_code == 404
    # A real version still opens.
    version = coordinator_client.get(f"/beheer/{page}/{pk}/history/")
    assert version.status_code == 200


@pytest.mark.parametrize("query", ["naam__regex=(", "naam__iregex=[", "naam__regex=a{99999}",
                                   "contact_email__contains=a", "ronde__titel__regex=(",
                                   "status__regex=(", "pk__in=abc", "onbekend__veld=1"])
@pytest.mark.parametrize("page", ["registraties/registratie", "partnerschappen/partnerschap",
                                  "kbo/onderneming", "berichten/bericht", "verkenning/ronde"])
def test_a_lookup_the_lists_filters_do_not_offer_is_refused_with_a_400(coordinator_client,
                                                                       things, page, query):
    response = coordinator_client.get(f"/beheer/{page}/?{query}")
    assert response.status_code == 400


@pytest.mark.parametrize("query, shown, hidden", [
    ("status=alle&gewest__exact=vlaanderen", "Bouwfonds Een vzw", None),
    ("status=alle&ronde__id__exact={ronde}", "Bouwfonds Twee vzw", None),
    ("status=alle&thema=doorgroei&vlag=enig", None, None),
    ("status=alle&ingediend_op__year=2020", None, "Bouwfonds Een vzw"),
])
def test_the_filters_the_list_offers_still_work(coordinator_client, things, query, shown,
                                                hidden):
    query = query.format(ronde=things["verkenning/ronde"])
    response = coordinator_client.get(f"/beheer/registraties/registratie/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    if shown:
        assert shown in html
    if hidden:
        assert hidden not in html


def test_every_link_of_the_overview_opens_its_list(coordinator_client, things):
    import re

    html = coordinator_client.get(reverse("admin:overzicht")).content.decode()
    links = set(re.findall(r'href="(/beheer/(?:registraties|partnerschappen)/[a-z]+/\?[^"]+)"',
                           html))
    assert len(links) > 20
    for link in links:
        assert coordinator_client.get(link.replace("&amp;", "&")).status_code == 200, link


@pytest.mark.parametrize("selected", [["abc"], ["1.5"], [""], ["1", "x"],
                                      ["99999999999999999999"], ["-5e3"]])
@pytest.mark.parametrize("post", [{}, {"post": "yes"}])
def test_a_batch_action_with_a_selection_that_is_no_list_of_ids_is_refused(
        coordinator_client, things, selected, post):
    response = coordinator_client.post("/beheer/registraties/registratie/", {
        "action": "delete_selected", "_selected_action": selected, "index": "0", **post},
        follow=True)
    assert response.status_code == 200
    assert "Deze selectie kon niet gelezen worden." in response.content.decode()
    assert Registratie.objects.count() == 2


def test_a_batch_action_with_real_ids_still_works(coordinator_client, things):
    from berichten.models import Bericht

    bericht = Bericht.objects.create(aan="an@example.test", onderwerp="Bevestiging",
                                     tekst="Tekst", soort="bevestiging", status="mislukt")
    response = coordinator_client.post("/beheer/berichten/bericht/", {
        "action": "opnieuw_versturen", "_selected_action": [str(bericht.pk)]}, follow=True)
    assert "1 bericht staat opnieuw in de wachtrij." in response.content.decode()
    bericht.refresh_from_db()
    assert bericht.status == "verzonden"  # the test settings send at once


def test_a_reviewer_gets_the_same_answers(reviewer_client, things):
    assert reviewer_client.get(
        "/beheer/registraties/registratie/?naam__regex=(").status_code == 400
    pk = things["registraties/registratie"]
    assert reviewer_client.get(
        f"/beheer/registraties/registratie/{pk}/history/abc/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_whatever_the_query(things):
    response = Client().get("/beheer/registraties/registratie/?naam__regex=(")
    assert response.status_code == 302
    assert "/beheer/login/" in response["Location"]
