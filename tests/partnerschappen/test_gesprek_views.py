"""The answer page (/gesprek/<token>/) and the staff pages of conversations, over HTTP."""
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from berichten.models import Bericht
from partnerschappen import afspraken, gesprekken, services
from partnerschappen.constants import Antwoord, PartnerschapStatus
from partnerschappen.models import Gesprek, Uitnodiging
from registraties import services as registratie_services
from tests.factories import make_registratie

from .afspraken import confirm_all
from .afspraken import record as record_agreement
from .gesprekken import answer_token, in_days, mails_to, plan

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def invited(trio):
    gesprek = plan(trio, agenda="Kennismaking & <b>afspraken</b>")
    mail.outbox.clear()
    gesprekken.gesprek_invite(gesprek=gesprek)
    return gesprek


def link_of(email: str) -> str:
    return reverse("partnerschappen:antwoord", args=[answer_token(mails_to(email)[-1])])


def page_url(partnerschap) -> str:
    return reverse("admin:partnerschappen_partnerschap_change", args=[partnerschap.pk])


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:partnerschappen_partnerschap_{name}", args=args)


# ----- the member's answer page ------------------------------------------------------------


def test_the_answer_page_shows_the_conversation_and_others_by_consent_without_cache_or_script(
        client, invited):
    response = client.get(link_of("an@bouw.test"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Bouw en installatie" in html
    assert "Kennismaking &amp; &lt;b&gt;afspraken&lt;/b&gt;" in html
    assert "Koning Albert II-laan 35, Brussel" in html
    assert "Bert Bos" in html and "bert@install.test" in html
    assert "Geheim Netwerk vzw" in html
    assert "Carla Claes" not in html and "carla@geheim.test" not in html
    for label in ("Ik kom", "Ik kom niet", "Ik stel een ander moment voor"):
        assert f">{label}</button>" in html
    assert "<script" not in html  # a plain form: works without JavaScript


def test_answering_then_changing_the_answer_through_the_link(client, invited):
    url = link_of("an@bouw.test")

    response = client.post(url, {"antwoord": "komt", "opmerking": ""})
    assert response.status_code == 303
    response = client.get(url)
    assert "Bedankt, uw antwoord is bewaard." in response.content.decode()
    assert "Uw antwoord: <strong>komt</strong>" in response.content.decode()

    client.post(url, {"antwoord": "ander_moment", "opmerking": "Liever 's middags."})
    uitnodiging = Uitnodiging.objects.get(gesprek=invited, registratie__contact_email="an@bouw.test")
    assert (uitnodiging.antwoord, uitnodiging.opmerking) == ("ander_moment", "Liever 's middags.")


def test_another_moment_without_a_remark_says_so_next_to_the_field_and_keeps_the_text(client,
                                                                                      invited):
    url = link_of("an@bouw.test")
    response = client.post(url, {"antwoord": "ander_moment", "opmerking": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_opmerking_fout">Schrijf in het vak &#x27;Opmerking&#x27; welk ander moment u ' \
           'voorstelt.</div>' in html
    long_remark = "Een heel lang verhaal " * 100
    response = client.post(url, {"antwoord": "komt", "opmerking": long_remark})
    assert "Uw opmerking is te lang: houd ze onder 2000 tekens." in response.content.decode()
    assert long_remark.strip() in response.content.decode()
    response = client.post(url, {"antwoord": "misschien"})
    assert "Kies een van de drie knoppen" in response.content.decode()
    assert not Uitnodiging.objects.exclude(antwoord="").exists()


def test_a_members_link_never_shows_or_changes_another_members_answer(client, invited):
    client.post(link_of("an@bouw.test"), {"antwoord": "komt_niet", "opmerking": "AN-GEHEIM"})

    response = client.get(link_of("bert@install.test"))
    assert "AN-GEHEIM" not in response.content.decode()
    assert "U hebt nog niet geantwoord." in response.content.decode()
    client.post(link_of("bert@install.test"), {"antwoord": "komt"})

    answers = dict(Uitnodiging.objects.values_list("registratie__contact_email", "antwoord"))
    assert answers == {"an@bouw.test": "komt_niet", "bert@install.test": "komt",
                       "carla@geheim.test": ""}


def test_unknown_replaced_and_withdrawn_links_are_not_found(client, invited, trio):
    old = link_of("bert@install.test")
    assert client.get(reverse("partnerschappen:antwoord", args=["x" * 43])).status_code == 404
    assert client.get(reverse("partnerschappen:antwoord", args=["x" * 500])).status_code == 404
    gesprekken.gesprek_remind(gesprek=invited)
    assert client.get(old).status_code == 404
    assert client.get(link_of("bert@install.test")).status_code == 200
    carla_link = link_of("carla@geheim.test")
    gesprekken.lidmaatschap_drop(lidmaatschap=trio.lidmaatschappen.get(
        registratie__contact_email="carla@geheim.test"), reden="Weg")
    assert client.get(carla_link).status_code == 404


def test_erasure_kills_the_invitation_link(client, invited, coordinator):
    from registraties.privacy import contact_person_erase

    bert, an = link_of("bert@install.test"), link_of("an@bouw.test")
    assert client.get(bert).status_code == 200
    contact_person_erase(email="bert@install.test", by=coordinator)
    assert client.get(bert).status_code == 404
    assert client.post(bert, {"antwoord": "ja"}).status_code == 404
    assert client.get(an).status_code == 200


def test_the_link_after_the_conversation_is_dead_and_during_it_read_only(client, invited):
    url = link_of("an@bouw.test")
    client.post(url, {"antwoord": "komt"})
    Gesprek.objects.filter(pk=invited.pk).update(begint_op=timezone.now() - timedelta(minutes=10))

    during = client.get(url)
    assert during.status_code == 200
    assert "Het gesprek is begonnen: uw antwoord kan niet meer gewijzigd worden." in during.text
    assert "<button" not in during.text
    refused = client.post(url, {"antwoord": "komt_niet"})
    assert refused.status_code == 409
    assert Uitnodiging.objects.get(registratie__contact_email="an@bouw.test").antwoord == "komt"

    Gesprek.objects.filter(pk=invited.pk).update(begint_op=timezone.now() - timedelta(hours=3))
    after = client.get(url)
    assert after.status_code == 410
    assert "Het gesprek is voorbij" in after.text
    assert client.post(url, {"antwoord": "komt_niet"}).status_code == 410


def test_the_link_of_a_cancelled_conversation_says_so(client, invited):
    url = link_of("an@bouw.test")
    gesprekken.gesprek_cancel(gesprek=invited)
    response = client.get(url)
    assert response.status_code == 410
    assert "Dit gesprek werd geannuleerd." in response.text


def test_everything_a_member_typed_is_escaped_on_pages_and_in_mails(client, open_ronde,
                                                                    registratie_factory,
                                                                    coordinator_client):
    hostile = registratie_factory(naam=f"Fonds {PAYLOAD}", contact_naam=PAYLOAD,
                                  contact_email="hostile@fonds.test", toestemming_delen=True)
    other = registratie_factory(naam="Gewoon vzw", contact_email="gewoon@vzw.test")
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[
        hostile, other])
    gesprek = plan(partnerschap)
    mail.outbox.clear()
    gesprekken.gesprek_invite(gesprek=gesprek)
    client.post(link_of("hostile@fonds.test"), {"antwoord": "ander_moment", "opmerking": PAYLOAD})

    pages = [client.get(link_of("gewoon@vzw.test")).text,
             coordinator_client.get(page_url(partnerschap)).text,
             mails_to("gewoon@vzw.test")[-1].alternatives[0][0]]
    for html in pages:
        assert '<script>alert("xss")' not in html
        assert "<img src=x onerror" not in html
        assert "&lt;script&gt;alert(" in html


# ----- the staff pages -----------------------------------------------------------------------


def plan_post(**overrides) -> dict:
    start = timezone.localtime(in_days(9, hour=13))
    return {"datum": start.strftime("%Y-%m-%d"), "tijd": "13:30", "duur_minuten": "120",
            "plaats": "Gent, zaal 2", "online_link": "", "agenda": "Kennismaking", **overrides}


def test_a_coordinator_plans_a_conversation_in_brussels_time(coordinator_client, trio):
    response = coordinator_client.post(admin_url("gesprek_plannen", trio.pk), plan_post())

    assert response.status_code == 302
    gesprek = trio.gesprekken.get()
    local = timezone.localtime(gesprek.begint_op)
    assert (local.hour, local.minute, str(local.tzinfo)) == (13, 30, "Europe/Brussels")
    assert (gesprek.duur_minuten, gesprek.plaats, gesprek.aangemaakt_door) == (
        120, "Gent, zaal 2", coordinator_client.user)
    # Planning mails nobody: the invitations leave with the click on 'Uitnodigen'.
    assert not Bericht.objects.filter(soort__startswith="gesprek_").exists()


def test_bad_planning_input_is_explained_next_to_the_field_and_kept(coordinator_client, trio):
    response = coordinator_client.post(admin_url("gesprek_plannen", trio.pk), plan_post(
        datum="2020-01-01", plaats="", online_link="geen link", duur_minuten="9999",
        agenda="Mijn agenda blijft staan"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Geef een volledige link, bv. https://…" in html
    assert "Een gesprek duurt hoogstens 480 minuten." in html
    assert "Mijn agenda blijft staan" in html and 'value="geen link"' in html
    assert not Gesprek.objects.exists()
    response = coordinator_client.post(admin_url("gesprek_plannen", trio.pk), plan_post(
        datum="2020-01-01", plaats=""))
    html = response.content.decode()
    assert 'id="id_datum_fout">Kies een moment in de toekomst' in html
    assert "Vul een plaats of een link voor online deelname in (of allebei)." in html
    assert not Gesprek.objects.exists()


def test_one_click_invites_everyone_and_the_page_shows_who_comes(coordinator_client, trio):
    gesprek = plan(trio)
    mail.outbox.clear()
    response = coordinator_client.post(admin_url("gesprek_uitnodigen", trio.pk, gesprek.pk),
                                       follow=True)
    assert "3 leden uitgenodigd" in response.text
    assert len(mail.outbox) == 3
    client_of_an = type(coordinator_client)()
    client_of_an.post(link_of("an@bouw.test"), {"antwoord": "ander_moment",
                                                "opmerking": "Donderdag past beter."})

    html = coordinator_client.get(page_url(trio)).text
    assert "stelt een ander moment voor" in html
    assert "Donderdag past beter." in html
    assert "1 stelt een ander moment voor, 2 nog niet geantwoord" in html
    assert html.count("Herinnering sturen</button>") == 2
    trio.refresh_from_db()
    assert trio.status == PartnerschapStatus.IN_GESPREK


def test_the_reminder_button_sends_at_most_one_a_day(coordinator_client, invited, trio):
    bert = Uitnodiging.objects.get(gesprek=invited, registratie__contact_email="bert@install.test")
    url = admin_url("gesprek_herinneren", trio.pk, invited.pk)
    mail.outbox.clear()

    first = coordinator_client.post(url, {"uitnodiging": bert.pk}, follow=True)
    second = coordinator_client.post(url, {"uitnodiging": bert.pk}, follow=True)

    assert "1 herinnering verstuurd." in first.text
    assert "hoogstens één per dag" in second.text
    assert [m.to for m in mail.outbox] == [["bert@install.test"]]
    assert "Herinnering sturen aan Installatiefederatie vzw" not in second.text


def test_a_reviewer_sees_the_conversations_but_cannot_plan_invite_or_remind(reviewer_client,
                                                                            invited, trio):
    page = reviewer_client.get(page_url(trio))
    assert page.status_code == 200
    assert "Uitnodigingen en antwoorden per lid" in page.text
    assert "Gesprek plannen" not in page.text and "Herinnering sturen" not in page.text
    mail.outbox.clear()
    for name, args in [("gesprek_plannen", [trio.pk]), ("gesprek_wijzigen", [trio.pk, invited.pk]),
                       ("gesprek_uitnodigen", [trio.pk, invited.pk]),
                       ("gesprek_herinneren", [trio.pk, invited.pk]),
                       ("gesprek_annuleren", [trio.pk, invited.pk]),
                       ("gesprek_verslag", [trio.pk, invited.pk]), ("afronden", [trio.pk])]:
        assert reviewer_client.get(admin_url(name, *args)).status_code == 403, name
        assert reviewer_client.post(admin_url(name, *args), plan_post()).status_code == 403, name
    assert mail.outbox == []
    assert trio.gesprekken.count() == 1
    invited.refresh_from_db()
    assert invited.status == "gepland"


def test_changing_the_date_on_the_page_updates_everyone(coordinator_client, invited, trio):
    mail.outbox.clear()
    response = coordinator_client.post(admin_url("gesprek_wijzigen", trio.pk, invited.pk),
                                       plan_post(agenda=invited.agenda), follow=True)
    assert "Het gesprek is gewijzigd." in response.text
    assert "3 e-mails (wijziging) staan in de wachtrij." in response.text
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Gewijzigd"}


def test_cancelling_asks_first_then_tells_everyone(coordinator_client, invited, trio):
    confirm = coordinator_client.get(admin_url("gesprek_annuleren", trio.pk, invited.pk))
    assert "3 uitgenodigde leden krijgen een annulering" in confirm.text
    mail.outbox.clear()
    coordinator_client.post(admin_url("gesprek_annuleren", trio.pk, invited.pk))
    invited.refresh_from_db()
    assert invited.status == "geannuleerd"
    assert len(mail.outbox) == 3


def test_the_outcome_needs_a_reason_and_lands_in_the_course_in_dutch(coordinator_client, trio):
    url = admin_url("afronden", trio.pk)
    refused = coordinator_client.post(url, {"status": "gevormd", "reden": ""})
    assert refused.status_code == 200
    assert ('id="id_reden_fout">Geef een reden op. Ze blijft intern en komt in de geschiedenis '
            'van het partnerschap.') in refused.text
    trio.refresh_from_db()
    assert trio.status == PartnerschapStatus.VOORSTEL
    afspraak = record_agreement(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    confirm_all(afspraak)

    coordinator_client.post(url, {"status": "gevormd", "reden": "Alle drie bevestigden."})

    trio.refresh_from_db()
    assert trio.status == PartnerschapStatus.GEVORMD
    html = coordinator_client.get(page_url(trio)).text
    assert "Status: voorstel → gevormd" in html
    assert "Alle drie bevestigden." in html
    assert "Cora" in html


def test_a_member_drops_with_a_reason_that_the_member_never_sees(coordinator_client, invited,
                                                                 trio, client):
    carla = trio.lidmaatschappen.get(registratie__contact_email="carla@geheim.test")
    url = admin_url("lid_afhaken", trio.pk, carla.pk)
    assert coordinator_client.post(url, {"reden": ""}).status_code == 200
    coordinator_client.post(url, {"reden": "INTERNE-REDEN geen budget"})
    carla.refresh_from_db()
    assert carla.deelname == "afgehaakt"
    html = coordinator_client.get(page_url(trio)).text
    assert "INTERNE-REDEN geen budget" in html
    answer_page = client.get(link_of("an@bouw.test")).text
    assert "INTERNE-REDEN" not in answer_page
    assert "Geheim Netwerk vzw" not in answer_page  # dropped members are no longer listed


def test_adding_a_member_later_offers_to_invite_it(coordinator_client, invited, trio,
                                                   registratie_factory):
    nieuw = registratie_factory(naam="Laatkomer vzw", contact_email="laat@komer.test")
    leden = list(trio.lidmaatschappen.order_by("pk"))
    data = {"naam": trio.naam, "basis": trio.basis, "basis_andere": "", "notities": "",
            "ronde": trio.ronde_id, "lidmaatschappen-TOTAL_FORMS": "4",
            "lidmaatschappen-INITIAL_FORMS": "3", "lidmaatschappen-MIN_NUM_FORMS": "0",
            "lidmaatschappen-MAX_NUM_FORMS": "1000"}
    for i, lid in enumerate([*leden, None]):
        prefix = f"lidmaatschappen-{i}-"
        if lid is None:
            data.update({prefix + "registratie": nieuw.pk, prefix + "rol": "partner"})
        else:
            data.update({prefix + "id": lid.pk, prefix + "partnerschap": trio.pk,
                         prefix + "registratie": lid.registratie_id, prefix + "rol": lid.rol,
                         prefix + "acties": lid.acties})

    response = coordinator_client.post(page_url(trio), data, follow=True)

    assert "Nodig Laatkomer vzw uit met de knop ‘Nieuwe leden uitnodigen’" in response.text
    page = coordinator_client.get(page_url(trio)).text
    assert "niet uitgenodigd" in page and 'value="Nieuwe leden uitnodigen"' in page
    mail.outbox.clear()
    coordinator_client.post(admin_url("gesprek_uitnodigen", trio.pk, invited.pk))
    assert [m.to for m in mail.outbox] == [["laat@komer.test"]]


def test_the_partnership_page_needs_as_many_queries_for_many_members_and_conversations(
        coordinator_client, open_ronde, registratie_factory, django_assert_max_num_queries):
    def build(members: int, conversations: int):
        partnerschap = services.partnerschap_create(
            ronde=open_ronde, naam=f"P{members}",
            registraties=[registratie_factory() for _ in range(members)])
        for index in range(conversations):
            gesprek = plan(partnerschap, begint_op=in_days(5 + index))
            gesprekken.gesprek_invite(gesprek=gesprek)
            first = gesprek.uitnodigingen.first()
            gesprekken.uitnodiging_answer(uitnodiging=first, antwoord=Antwoord.KOMT)
        return partnerschap

    small, large = build(2, 1), build(8, 4)
    coordinator_client.get(page_url(small))  # warm Django's own caches
    with django_assert_max_num_queries(60) as few:
        assert coordinator_client.get(page_url(small)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = coordinator_client.get(page_url(large))
    assert response.text.count('class="portaal-uitnodiging"') == 8 * 4


# ----- what the registration's own pages and the overview show ------------------------------


def test_the_edit_link_page_lists_the_conversations_the_organisation_is_invited_to(client,
                                                                                   open_ronde):
    submission = registratie_services.registratie_submit(
        ronde=open_ronde, check_open=False, data={**_answers(), "naam": "Eigen vzw"})
    own = submission.registratie
    other = make_registratie(open_ronde, naam="Ander vzw")
    for registratie in (own, other):
        registratie.status = "ontvankelijk"
        registratie.save()
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="Samen sterk",
                                                registraties=[own, other])
    gesprek = plan(partnerschap, plaats="Leuven, zaal 3")
    gesprekken.gesprek_invite(gesprek=gesprek)
    gesprekken.uitnodiging_answer(uitnodiging=gesprek.uitnodigingen.get(registratie=other),
                                antwoord=Antwoord.KOMT_NIET, opmerking="ANDERMANS-OPMERKING")

    html = client.get(reverse("registraties:wijzigen", args=[submission.token])).text

    assert "Gesprekken waarvoor u uitgenodigd bent" in html
    assert "Samen sterk" in html and "Leuven, zaal 3" in html
    assert "u hebt nog niet geantwoord" in html
    assert "ANDERMANS-OPMERKING" not in html and "komt niet" not in html


def _answers() -> dict:
    from registraties.demo import demo_answers

    data = demo_answers(1, seed=77)[0]
    data["ondernemingsnummer"] = "0403170701"
    return data


def test_the_overview_counts_partnerships_per_status_and_answers(reviewer_client, invited, trio,
                                                                 open_ronde):
    gesprekken.uitnodiging_answer(uitnodiging=invited.uitnodigingen.first(), antwoord=Antwoord.KOMT)
    html = reviewer_client.get(reverse("admin:overzicht") + f"?ronde={open_ronde.pk}").text

    assert 'id="grafiek-partnerschappen"' in html and 'id="grafiek-uitnodigingen"' in html
    assert ("<tr><th scope=\"row\">in gesprek</th><td class=\"portaal-num\"><a href=\"/beheer/"
            f"partnerschappen/partnerschap/?ronde__id__exact={open_ronde.pk}&amp;"
            "status__exact=in_gesprek\">1</a></td></tr>") in html
    assert ">nog niet geantwoord</th><td class=\"portaal-num\"><a href=\"/beheer/partnerschappen/" \
           f"partnerschap/?ronde__id__exact={open_ronde.pk}&amp;antwoord=open\">2</a>" in html
    listed = reviewer_client.get(reverse("admin:partnerschappen_partnerschap_changelist"),
                                 {"ronde__id__exact": open_ronde.pk, "antwoord": "komt"})
    assert listed.context["cl"].result_count == 1


def test_the_batch_action_that_adds_a_member_later_offers_the_invitation_too(
        coordinator_client, invited, trio, registratie_factory):
    nieuw = registratie_factory(naam="Via Actie vzw", contact_email="actie@vzw.test")
    response = coordinator_client.post(
        reverse("admin:registraties_registratie_changelist") + "?status=alle",
        {"action": "toevoegen_aan_partnerschap", "_selected_action": [nieuw.pk], "apply": "1",
         "partnerschap": trio.pk}, follow=True)

    assert "1 registratie toegevoegd aan ‘Bouw en installatie’." in response.text
    assert "Nodig Via Actie vzw uit met de knop ‘Nieuwe leden uitnodigen’" in response.text


def test_opening_the_invite_or_reminder_address_shows_the_partnership_page(coordinator_client,
                                                                         invited, trio):
    mail.outbox.clear()
    for name in ("gesprek_uitnodigen", "gesprek_herinneren"):
        response = coordinator_client.get(admin_url(name, trio.pk, invited.pk))
        assert response.status_code == 302
        assert response["Location"].startswith(page_url(trio))
    assert mail.outbox == []
