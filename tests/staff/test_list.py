"""The registration list: the default 'te beoordelen' view, filters and search."""
import pytest
from django.urls import reverse

from registraties.constants import RegistratieStatus
from registraties.models import Registratie
from tests.factories import make_registratie

pytestmark = pytest.mark.django_db

LIST = "admin:registraties_registratie_changelist"


@pytest.fixture
def rows(open_ronde):
    """Four registrations that differ in exactly what the filters look at."""
    gent = make_registratie(open_ronde, naam="Gents Bouwfonds", postcode="9000",
                            gemeente="Gent", type_organisatie="sectorfonds",
                            themas=["behoeftedetectie"], rollen=["regie"],
                            vaardigheden=["digitaal"], contact_naam="Ann Smet",
                            contact_email="ann@bouw.test", sectoren="bouw",
                            paritaire_comites="124, 126", aandeel_kleine_ondernemingen=80,
                            rechtsvorm="vzw", ondernemingsnummer="0417497106",
                            kbo_controle="geverifieerd")
    brussel = make_registratie(open_ronde, naam="Brusselse Zorgfederatie", postcode="1000",
                               gemeente="Brussel", type_organisatie="sectorfederatie",
                               toelichting_werking="Vooral Vlaamse leden.",
                               themas=["doorgroei"], rollen=["leren"],
                               vaardigheden=["groen"], sectoren="zorg",
                               paritaire_comites="330.01", aandeel_kleine_ondernemingen=80,
                               rechtsvorm="vzw")
    brussel_klaar = make_registratie(open_ronde, naam="Brusselse Transportgroep",
                                     postcode="1040", gemeente="Etterbeek",
                                     type_organisatie="andere", type_andere="cluster",
                                     toelichting_werking="Vlaams.", themas=["doorgroei"],
                                     rollen=["communicatie"], vaardigheden=["digitaal"],
                                     sectoren="transport", aandeel_kleine_ondernemingen=30,
                                     rechtsvorm="vzw")
    Registratie.objects.filter(pk=brussel_klaar.pk).update(status=RegistratieStatus.ONTVANKELIJK)
    afgewezen = make_registratie(open_ronde, naam="Limburgse Handel", postcode="3500",
                                 gemeente="Hasselt", type_organisatie="werkgeversorganisatie",
                                 themas=["kennisoverdracht"], rollen=["competentiechecks"],
                                 vaardigheden=["21ste_eeuw"], sectoren="handel",
                                 aandeel_kleine_ondernemingen=90, rechtsvorm="vzw",
                                 kbo_controle="geverifieerd")
    Registratie.objects.filter(pk=afgewezen.pk).update(status=RegistratieStatus.NIET_ONTVANKELIJK,
                                                        status_reden="Geen netwerk")
    return {"gent": gent, "brussel": brussel, "brussel_klaar": brussel_klaar,
            "afgewezen": afgewezen}


def _names(client, **params):
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return sorted(r.naam for r in response.context["cl"].result_list)


def test_the_list_opens_on_the_registrations_still_to_review(rows, reviewer_client):
    assert _names(reviewer_client) == ["Brusselse Zorgfederatie", "Gents Bouwfonds"]


def test_all_statuses_are_one_click_away(rows, reviewer_client):
    assert len(_names(reviewer_client, status="alle")) == 4
    assert _names(reviewer_client, status="niet_ontvankelijk") == ["Limburgse Handel"]


def test_every_brussels_registration_still_to_review_is_found(rows, coordinator_client):
    assert _names(coordinator_client, gewest__exact="brussel") == ["Brusselse Zorgfederatie"]
    assert _names(coordinator_client, gewest__exact="brussel", status="alle") == [
        "Brusselse Transportgroep", "Brusselse Zorgfederatie"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"type_organisatie__exact": "sectorfonds"}, ["Gents Bouwfonds"]),
    ({"provincie__exact": "VLI"}, ["Limburgse Handel"]),
    ({"thema": "doorgroei"}, ["Brusselse Transportgroep", "Brusselse Zorgfederatie"]),
    ({"rol": "competentiechecks"}, ["Limburgse Handel"]),
    ({"vaardigheid": "digitaal"}, ["Brusselse Transportgroep", "Gents Bouwfonds"]),
    ({"vlag": "type_andere"}, ["Brusselse Transportgroep"]),
    ({"vlag": "grote_ondernemingen"}, ["Brusselse Transportgroep"]),
    ({"vlag": "enig"}, ["Brusselse Transportgroep", "Brusselse Zorgfederatie"]),
    ({"vlag": "geen"}, ["Gents Bouwfonds", "Limburgse Handel"]),
])
def test_filters_return_exactly_the_matching_rows(rows, reviewer_client, params, expected):
    assert _names(reviewer_client, status="alle", **params) == expected


def test_round_filter_keeps_rounds_apart(rows, closed_ronde, reviewer_client):
    make_registratie(closed_ronde, naam="Oude Ronde vzw")
    assert _names(reviewer_client, status="alle", ronde__id__exact=closed_ronde.pk) == [
        "Oude Ronde vzw"]


@pytest.mark.parametrize("term", ["0417.497.106", "BE 0417 497 106", "417497106",
                                  "BE0417497106"])
def test_search_finds_the_enterprise_number_in_any_formatting(rows, reviewer_client, term):
    assert _names(reviewer_client, q=term) == ["Gents Bouwfonds"]


@pytest.mark.parametrize(("term", "expected"), [
    ("zorgfederatie", ["Brusselse Zorgfederatie"]),
    ("Ann Smet", ["Gents Bouwfonds"]),
    ("ann@bouw.test", ["Gents Bouwfonds"]),
    ("transport", ["Brusselse Transportgroep"]),
    ("330.01", ["Brusselse Zorgfederatie"]),
])
def test_search_looks_in_name_contact_sectors_and_joint_committees_of_every_status(
        rows, reviewer_client, term, expected):
    assert _names(reviewer_client, q=term) == expected


def test_the_list_shows_status_as_text_and_flags_with_their_reason(rows, reviewer_client):
    response = reviewer_client.get(reverse(LIST), {"status": "alle"})
    html = response.content.decode()
    assert '<span class="portaal-status portaal-status--ontvankelijk">ontvankelijk</span>' in html
    assert ('title="Zetel in Brussel: nagaan of de werking vooral op de Vlaamse arbeidsmarkt '
            'gericht is">⚑ Brussel</span>') in html


def test_every_flag_has_a_short_label_in_the_list():
    from registraties.admin.registratie import VLAG_SHORT
    from registraties.constants import Vlag

    assert set(VLAG_SHORT) == set(Vlag.values)
