"""The organisation's dossier (/interesse/wijzigen/<token>/ after the close): its partnerships,
the agreement put to it, confirming or commenting through the dossier, flat query counts."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partnerschappen import afspraken, gesprekken, services
from partnerschappen.models import Bevestiging
from registraties.services import registratie_renew_link

from .afspraken import record
from .gesprekken import plan

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script>'


def close(ronde) -> None:
    """The round closed a minute ago (an update: a stale copy must not reset its counters)."""
    ronde.sluit_op = timezone.now() - timedelta(minutes=1)
    type(ronde).objects.filter(pk=ronde.pk).update(sluit_op=ronde.sluit_op)


def member(trio, naam):
    return trio.lidmaatschappen.get(registratie__naam=naam).registratie


def dossier_of(registratie) -> tuple[str, str]:
    token = registratie_renew_link(registratie=registratie)
    return reverse("registraties:wijzigen", args=[token]), token


def confirm_url(token: str) -> str:
    return reverse("partnerschappen:afspraak_bevestigen", args=[token])


@pytest.fixture
def submitted(trio, open_ronde):
    gesprekken.gesprek_invite(gesprek=plan(trio, plaats="Gent, zaal 2"))
    afspraak = record(trio, doelgroep=f"Kleine bouwbedrijven {PAYLOAD}")
    afspraken.afspraak_submit(afspraak=afspraak)
    close(open_ronde)
    mail.outbox.clear()
    return afspraak


def test_the_dossier_shows_the_partnership_the_agreement_and_the_conversation(client, trio,
                                                                              submitted):
    path, _token = dossier_of(member(trio, "Installatiefederatie vzw"))
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert "Partnerschap ‘Bouw en installatie’" in html
    # The others by name; contact details only with consent.
    assert "Bouwfonds Oost vzw" in html and "an@bouw.test" in html
    assert "Geheim Netwerk vzw" in html and "carla@geheim.test" not in html
    assert "Carla Claes" not in html
    # The agreement as put to it, escaped; the open questions are for ESF&DO only.
    assert "versie 1" in html and "Sector van Installatiefederatie vzw" in html
    assert "&lt;script&gt;" in html and PAYLOAD not in html
    assert "Mag een sectorfonds" not in html
    assert "Ik bevestig deze afspraken" in html
    # The conversation it was invited to.
    assert "Gesprekken waarvoor u uitgenodigd bent" in html and "Gent, zaal 2" in html


def test_a_member_confirms_through_its_dossier_and_sees_who_and_when(client, trio, submitted):
    bert = member(trio, "Installatiefederatie vzw")
    path, token = dossier_of(bert)
    response = client.post(confirm_url(token), {"afspraak": submitted.pk, "akkoord": "ja",
                                                "opmerking": ""})
    assert response.status_code == 303
    assert response["Location"] == path + "#afspraken"
    (bevestiging,) = Bevestiging.objects.all()
    assert (bevestiging.registratie, bevestiging.akkoord, bevestiging.door) == (bert, True,
                                                                               "Bert Bos")
    html = client.get(path).text
    assert "Bedankt, u bevestigde de afspraken." in html
    assert "Bevestigd door Bert Bos op" in html
    assert "Ik bevestig deze afspraken" not in html
    assert str(afspraken.partnerschap_confirmation(trio)) == "bevestigd door 1 van 3"


def test_not_confirming_needs_a_comment_and_keeps_what_was_typed(client, trio, submitted):
    path, token = dossier_of(member(trio, "Bouwfonds Oost vzw"))
    refused = client.post(confirm_url(token), {"afspraak": submitted.pk, "akkoord": "nee",
                                               "opmerking": "  "})
    assert refused.status_code == 200
    assert "Schrijf in het vak ‘Opmerking’ wat er volgens u niet klopt of ontbreekt." in \
        refused.text
    too_long = "Te lang " * 300
    refused = client.post(confirm_url(token), {"afspraak": submitted.pk, "akkoord": "nee",
                                               "opmerking": too_long})
    assert "Uw opmerking is te lang: houd ze onder 2000 tekens." in refused.text
    assert too_long.strip() in refused.text
    assert not Bevestiging.objects.exists()
    client.post(confirm_url(token), {"afspraak": submitted.pk, "akkoord": "nee",
                                     "opmerking": "Wij werken ook in Limburg."})
    assert Bevestiging.objects.get().opmerking == "Wij werken ook in Limburg."
    assert "Opmerking van An Aerts op" in client.get(path).text


def test_an_organisation_cannot_answer_an_agreement_it_is_not_part_of(client, trio, submitted,
                                                                       registratie_factory):
    stranger = registratie_factory(naam="Vreemde vzw")
    _path, token = dossier_of(stranger)
    response = client.post(confirm_url(token), {"afspraak": submitted.pk, "akkoord": "ja"})
    assert "Uw organisatie maakt geen deel (meer) uit van deze afspraak." in response.text
    assert not Bevestiging.objects.exists()
    assert client.post(confirm_url("onbekend"), {"afspraak": submitted.pk,
                                                 "akkoord": "ja"}).status_code == 404


def test_a_draft_version_is_not_shown_and_a_new_version_asks_again(client, trio, submitted):
    bert = member(trio, "Installatiefederatie vzw")
    path, token = dossier_of(bert)
    client.post(confirm_url(token), {"afspraak": submitted.pk, "akkoord": "ja"})
    second = record(trio, doelgroep="Tweede doelgroep")
    html = client.get(path).text
    assert "Tweede doelgroep" not in html  # not put to the members yet
    stale = client.post(confirm_url(token), {"afspraak": submitted.pk, "akkoord": "ja"})
    assert "Er is intussen een nieuwere versie van de afspraak." in stale.text
    mail.outbox.clear()
    afspraken.afspraak_submit(afspraak=second)
    # The mail brings a fresh link; the one of the earlier mail stops working.
    (message,) = [m for m in mail.outbox if m.to == ["bert@install.test"]]
    new_path = re.search(r"(/interesse/wijzigen/[^/\s]+/)", message.body).group(1)
    assert client.get(path).status_code == 404
    html = client.get(new_path).text
    assert "Tweede doelgroep" in html and "Ik bevestig deze afspraken" in html


def test_the_dossier_keeps_its_query_count_as_partnerships_and_versions_grow(
        client, open_ronde, registratie_factory, django_assert_max_num_queries):
    def build(partnerships: int, versions: int):
        org = registratie_factory()
        for index in range(partnerships):
            partnerschap = services.partnerschap_create(
                ronde=open_ronde, naam=f"P{partnerships}-{index}",
                registraties=[org, registratie_factory(toestemming_delen=True),
                              registratie_factory()], regisseur=org)
            gesprekken.gesprek_invite(gesprek=plan(partnerschap))
            for version in range(versions):
                afspraak = record(partnerschap, doelgroep=f"Doelgroep {version}")
            afspraken.afspraak_submit(afspraak=afspraak)
            afspraken.afspraak_answer(afspraak=afspraak, registratie=org, akkoord=True)
        return org

    small, large = build(1, 1), build(4, 3)
    close(open_ronde)
    small_path, _ = dossier_of(small)
    large_path, _ = dossier_of(large)
    client.get(small_path)
    with django_assert_max_num_queries(40) as few:
        assert client.get(small_path).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(large_path)
    assert response.text.count('class="card mb-3 portaal-dossier-partnerschap"') == 4


def test_a_proposal_nobody_was_told_about_stays_off_the_dossier(client, open_ronde,
                                                                 registratie_factory):
    org, other = registratie_factory(naam="Eigen vzw"), registratie_factory(naam="Ander vzw")
    services.partnerschap_create(ronde=open_ronde, naam="Nog maar een idee",
                                 registraties=[org, other], regisseur=org)
    close(open_ronde)
    path, _token = dossier_of(org)
    html = client.get(path).text
    assert "Nog maar een idee" not in html and "Ander vzw" not in html
