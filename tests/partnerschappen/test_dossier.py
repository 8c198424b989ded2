"""The organisation's dossier (/interesse/wijzigen/<token>/ after the close, and the link of an
agreement mail, /gesprek/afspraak/<token>/, at any time): its partnerships, the agreement put
to it, confirming or commenting through the dossier, flat query counts."""
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partnerschappen import afspraken, gesprekken, services
from partnerschappen.models import Bevestiging
from registraties.models import Registratie
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
    afspraak.mails = {m.to[0]: m for m in mail.outbox}  # the agreement mails, by recipient
    mail.outbox.clear()
    return afspraak


def mailed_path(message) -> str:
    """The path of the link in an agreement mail."""
    return re.search(r"(/gesprek/afspraak/[A-Za-z0-9_-]+/)", message.body).group(1)


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
    # The mail brings a link of its own; the edit link and the earlier mail's link still work
    # and show the same dossier, with the new version to confirm.
    (message,) = [m for m in mail.outbox if m.to == ["bert@install.test"]]
    new_path = mailed_path(message)
    old_path = mailed_path(submitted.mails["bert@install.test"])
    assert new_path != old_path
    for still_working in (path, old_path, new_path):
        html = client.get(still_working).text
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


def test_putting_an_agreement_to_the_members_leaves_their_edit_link_working(client, trio,
                                                                           open_ronde):
    bert = member(trio, "Installatiefederatie vzw")
    path, _token = dossier_of(bert)
    for doelgroep in ("Eerste doelgroep", "Tweede doelgroep"):
        afspraken.afspraak_submit(afspraak=record(trio, doelgroep=doelgroep))
        # While the round is open the edit link still opens the form, with the agreement.
        response = client.get(path)
        assert response.status_code == 200
        assert doelgroep in response.text and "Ik bevestig deze afspraken" in response.text
    close(open_ronde)
    assert "Uw dossier" in client.get(path).text


def test_the_mailed_link_opens_the_dossier_and_the_member_confirms_through_it(
        client, trio, submitted, django_assert_max_num_queries):
    bert = member(trio, "Installatiefederatie vzw")
    path = mailed_path(submitted.mails["bert@install.test"])
    with django_assert_max_num_queries(40):
        response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.text
    assert "Uw dossier" in html and 'id="via-afspraaklink"' in html
    assert "Sector van Installatiefederatie vzw" in html and "Gent, zaal 2" in html
    assert bert.naam in html and "Uw antwoorden" in html
    # The form posts back to the mailed link, never to the edit link.
    assert f'action="{path}"' in html and "/interesse/wijzigen/" not in html
    response = client.post(path, {"afspraak": submitted.pk, "akkoord": "ja", "opmerking": ""})
    assert response.status_code == 303
    assert response["Location"] == path + "#afspraken"
    (bevestiging,) = Bevestiging.objects.all()
    assert (bevestiging.registratie, bevestiging.akkoord) == (bert, True)
    html = client.get(path).text
    assert "Bedankt, u bevestigde de afspraken." in html
    assert "Bevestigd door Bert Bos op" in html and "Ik bevestig deze afspraken" not in html
    # A refusal shows the way back to the same page.
    other = mailed_path(submitted.mails["an@bouw.test"])
    refused = client.post(other, {"afspraak": submitted.pk, "akkoord": "nee", "opmerking": ""})
    assert f'href="{other}#afspraken"' in refused.text


def test_the_mailed_link_opens_the_dossier_while_the_round_is_open(client, trio, open_ronde):
    afspraken.afspraak_submit(afspraak=record(trio))
    (message,) = [m for m in mail.outbox if m.to == ["bert@install.test"]]
    html = client.get(mailed_path(message)).text
    assert "Uw dossier" in html and 'id="via-afspraaklink"' in html
    assert "De verkenningsronde sloot op" not in html and 'name="naam"' not in html


def test_retention_and_erasure_kill_the_mailed_link(client, trio, submitted, open_ronde,
                                                     coordinator):
    from registraties.privacy import contact_person_erase
    from registraties.retention import personal_data_anonymise

    bert_path = mailed_path(submitted.mails["bert@install.test"])
    an_path = mailed_path(submitted.mails["an@bouw.test"])
    assert client.get(bert_path).status_code == 200
    contact_person_erase(email="an@bouw.test", by=coordinator)
    assert client.get(an_path).status_code == 404
    assert client.get(bert_path).status_code == 200
    # The link itself is dead, not just its contact: an address typed in again revives nothing.
    Registratie.objects.filter(contact_email="geanonimiseerd@invalid").update(
        contact_email="an@bouw.test")
    assert client.get(an_path).status_code == 404
    # Six years on, retention wipes the round's contact persons: every mailed link dies.
    personal_data_anonymise(dry_run=False, now=timezone.now() + timedelta(days=6 * 365))
    for dead in (bert_path, an_path):
        assert client.get(dead).status_code == 404
        assert client.post(dead, {"afspraak": submitted.pk, "akkoord": "ja"}).status_code == 404
    assert not Bevestiging.objects.exists()


def test_a_wrong_agreement_link_is_a_dutch_404(client, trio, submitted):
    for token in ("onbekend", "x" * 43, "x" * 500):
        response = client.get(confirm_url(token))
        assert response.status_code == 404
        assert "Pagina niet gevonden" in response.text
    # The edit link's token opens the edit-link page, not this one.
    _path, edit_token = dossier_of(member(trio, "Installatiefederatie vzw"))
    assert client.get(confirm_url(edit_token)).status_code == 404
