"""The staff pages of the agreement over HTTP: read, record a version, submit; the list."""
import pytest
from django.core import mail
from django.urls import reverse

from partnerschappen import afspraken, gesprekken, services
from partnerschappen.constants import PartnerschapStatus
from partnerschappen.models import Afspraak

from .afspraken import confirm_all, form_post, member_inputs, record

pytestmark = pytest.mark.django_db


def url(name: str, partnerschap) -> str:
    return reverse(f"admin:partnerschappen_partnerschap_{name}", args=[partnerschap.pk])


def test_the_record_form_starts_from_the_registrations_answers(coordinator_client, trio):
    response = coordinator_client.get(url("afspraak_vastleggen", trio))
    assert response.status_code == 200
    html = response.text
    assert "<legend>Bouwfonds Oost vzw</legend>" in html
    assert "<legend>Geheim Netwerk vzw</legend>" in html
    assert "Te bereiken ondernemingen met hoogstens 50 werknemers" in html
    assert "Ingevuld met wat de organisaties in hun registratie antwoordden." in html


def test_a_valid_post_records_version_one_and_leads_to_the_agreement_page(coordinator_client,
                                                                          trio):
    response = coordinator_client.post(url("afspraak_vastleggen", trio), form_post(trio))
    assert response.status_code == 302
    assert response["Location"] == url("afspraak", trio)
    afspraak = Afspraak.objects.get(partnerschap=trio)
    assert afspraak.nummer == 1 and afspraak.aangemaakt_door == coordinator_client.user
    assert afspraak.doelgroep == "Kleine bouwbedrijven"
    page = coordinator_client.get(url("afspraak", trio)).text
    assert "Versie 1" in page and "bevestigd door 0 van 3" in page
    assert page.count('class="portaal-afspraaklid"') == 3


def test_errors_show_next_to_the_member_s_field_and_everything_typed_stays(coordinator_client,
                                                                             trio):
    bert = trio.lidmaatschappen.get(registratie__naam="Installatiefederatie vzw").registratie_id
    leden = member_inputs(trio, {bert: {"provincies": [], "sectoren": "Installatie (typed)",
                                        "bijdrage": "Opleidingen <b>geven</b>"}})
    data = form_post(trio, leden, doelgroep="Doelgroep die blijft")
    data["leden-1-bereik_werknemers"] = "veel"
    response = coordinator_client.post(url("afspraak_vastleggen", trio), data)
    assert response.status_code == 200
    html = response.text
    assert "Er werd niets bewaard: pas aan wat hieronder gemeld wordt." in html
    assert "Geef een geheel getal, zonder punten of spaties." in html
    assert "Doelgroep die blijft" in html and "Installatie (typed)" in html
    assert "Opleidingen &lt;b&gt;geven&lt;/b&gt;" in html
    assert "<legend>Installatiefederatie vzw</legend>" in html  # each block keeps its name
    assert not Afspraak.objects.exists()
    # Fixed number, the service's rule lands on the member's field.
    data["leden-1-bereik_werknemers"] = "5"
    response = coordinator_client.post(url("afspraak_vastleggen", trio), data)
    index = [f"leden-{i}-registratie_id" for i in range(3) if data[
        f"leden-{i}-registratie_id"] == str(bert)][0].split("-")[1]
    assert (f'id="id_leden-{index}-provincies_fout">Kies minstens één provincie (of Brussel) '
            "waar deze organisatie werkt.") in response.text
    assert not Afspraak.objects.exists()


def test_two_regierollen_are_refused_with_the_rule_above_the_form(coordinator_client, trio):
    leden = member_inputs(trio)
    data = form_post(trio, leden)
    data["leden-1-acties"] = ["regie"]
    response = coordinator_client.post(url("afspraak_vastleggen", trio), data)
    assert ("Precies één organisatie neemt de regierol op; nu zijn het er 2: laat er één over."
            in response.text)
    assert not Afspraak.objects.exists()


def test_submitting_queues_a_mail_per_member_and_says_so(coordinator_client, trio):
    record(trio)
    mail.outbox.clear()
    response = coordinator_client.post(url("afspraak_voorleggen", trio), follow=True)
    assert "Versie 1 ligt ter bevestiging voor: 3 e-mails staan in de wachtrij." in response.text
    assert len(mail.outbox) == 3


def test_a_reviewer_reads_the_agreement_but_cannot_record_or_submit(reviewer_client, trio):
    afspraak = record(trio)
    response = reviewer_client.get(url("afspraak", trio))
    assert response.status_code == 200
    assert "Nieuwe versie vastleggen" not in response.text
    assert "Ter bevestiging voorleggen" not in response.text
    assert reviewer_client.get(url("afspraak_vastleggen", trio)).status_code == 403
    assert reviewer_client.post(url("afspraak_voorleggen", trio)).status_code == 403
    afspraak.refresh_from_db()
    assert afspraak.voorgelegd_op is None


def test_an_older_version_stays_readable(coordinator_client, trio):
    record(trio, doelgroep="Eerste doelgroep")
    record(trio, doelgroep="Tweede doelgroep")
    page = coordinator_client.get(url("afspraak", trio) + "?versie=1").text
    assert "Eerste doelgroep" in page and "Tweede doelgroep" not in page
    assert coordinator_client.get(url("afspraak", trio) + "?versie=9").status_code == 404


def test_the_partnership_page_and_the_list_say_how_many_confirmed(coordinator_client, trio):
    afspraak = record(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    first = afspraak.leden.select_related("registratie").first().registratie
    afspraken.afspraak_answer(afspraak=afspraak, registratie=first, akkoord=True)
    page = coordinator_client.get(url("change", trio)).text
    assert "bevestigd door 1 van 3" in page
    listing = coordinator_client.get(
        reverse("admin:partnerschappen_partnerschap_changelist")).text
    assert "bevestigd door 1 van 3" in listing


def test_the_outcome_page_refuses_gevormd_until_all_confirmed_unless_overridden(
        coordinator_client, trio):
    outcome = url("afronden", trio)
    response = coordinator_client.post(outcome, {"status": "gevormd", "reden": "Goed gesprek"})
    assert "Een partnerschap wordt pas gevormd als elk lid dat niet afhaakte de huidige " \
           "afspraak bevestigde (nu: nog geen afspraak)." in response.text
    trio.refresh_from_db()
    assert trio.status != PartnerschapStatus.GEVORMD
    coordinator_client.post(outcome, {"status": "gevormd", "reden": "Mondeling akkoord",
                                      "toch_vormen": "on"})
    trio.refresh_from_db()
    assert trio.status == PartnerschapStatus.GEVORMD
    last = trio.history.first()
    assert last.history_change_reason == (
        "Status gewijzigd: gevormd zonder alle bevestigingen (nog geen afspraak)")
    assert last.history_user == coordinator_client.user and last.status_reden == "Mondeling akkoord"


def test_the_agreement_pages_keep_their_query_count_as_members_and_versions_grow(
        coordinator_client, open_ronde, registratie_factory, django_assert_max_num_queries):
    def build(members: int, versions: int):
        partnerschap = services.partnerschap_create(
            ronde=open_ronde, naam=f"P{members}", registraties=[
                registratie_factory() for _ in range(members)])
        for index in range(versions):
            afspraak = record(partnerschap, doelgroep=f"Doelgroep {index}")
        afspraken.afspraak_submit(afspraak=afspraak)
        confirm_all(afspraak)
        return partnerschap

    small, large = build(2, 1), build(8, 5)
    for name in ("afspraak", "afspraak_vastleggen", "change"):
        coordinator_client.get(url(name, small))  # warm Django's own caches
        with django_assert_max_num_queries(60) as few:
            assert coordinator_client.get(url(name, small)).status_code == 200
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert coordinator_client.get(url(name, large)).status_code == 200
    changelist = reverse("admin:partnerschappen_partnerschap_changelist")
    coordinator_client.get(changelist)
    with django_assert_max_num_queries(60) as few:
        coordinator_client.get(changelist)
    build(3, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "bevestigd door 8 van 8" in coordinator_client.get(changelist).text


def test_a_dropped_partnership_records_no_agreement(coordinator_client, trio):
    gesprekken.partnerschap_drop(partnerschap=trio, reden="Gaat niet door")
    response = coordinator_client.post(url("afspraak_vastleggen", trio), form_post(trio))
    assert "Dit partnerschap is afgehaakt" in response.text
    assert not Afspraak.objects.exists()


def test_a_comment_a_later_confirmation_replaced_stays_readable(coordinator_client, trio):
    afspraak = record(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    bert = trio.lidmaatschappen.get(registratie__naam="Installatiefederatie vzw").registratie
    afspraken.afspraak_answer(afspraak=afspraak, registratie=bert, akkoord=False,
                              opmerking="Ons bereik is 60, niet 41.")
    afspraken.afspraak_answer(afspraak=afspraak, registratie=bert, akkoord=True)
    page = coordinator_client.get(url("afspraak", trio)).text
    assert "bevestigd door 1 van 3" in page
    assert "Ons bereik is 60, niet 41." in page


def test_the_registration_page_says_where_the_organisation_stands_with_the_agreement(
        coordinator_client, trio):
    bert = trio.lidmaatschappen.get(registratie__naam="Installatiefederatie vzw").registratie
    detail = reverse("admin:registraties_registratie_change", args=[bert.pk])
    assert "afspraak: nog geen afspraak voorgelegd" in coordinator_client.get(detail).text
    afspraak = record(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    assert "afspraak: nog niet bevestigd" in coordinator_client.get(detail).text
    afspraken.afspraak_answer(afspraak=afspraak, registratie=bert, akkoord=True)
    assert "afspraak: bevestigd" in coordinator_client.get(detail).text
