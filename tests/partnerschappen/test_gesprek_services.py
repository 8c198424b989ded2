"""The conversation rules: planning, answering, reminders once a day, forming or dropping."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnerschappen import afspraken, gesprekken, services
from partnerschappen.constants import Antwoord, Deelname, GesprekStatus, PartnerschapStatus
from partnerschappen.models import Gesprek, Uitnodiging
from registraties.constants import Actie
from registraties.services import token_hash

from .afspraken import confirm_all
from .afspraken import record as record_agreement
from .gesprekken import answer_token, in_days, mails_to, plan

pytestmark = pytest.mark.django_db


def invite(partnerschap, **overrides):
    gesprek = plan(partnerschap, **overrides)
    mail.outbox.clear()
    gesprekken.gesprek_invite(gesprek=gesprek)
    return gesprek


def move_start(gesprek, start):
    Gesprek.objects.filter(pk=gesprek.pk).update(begint_op=start)
    gesprek.refresh_from_db()


def test_planning_refuses_the_past_a_missing_place_and_an_odd_duration(trio):
    with pytest.raises(ValidationError) as exc:
        gesprekken.gesprek_plan(partnerschap=trio, begint_op=timezone.now() - timedelta(hours=1),
                              duur_minuten=5, plaats=" ", online_link="", agenda="x")
    assert exc.value.message_dict == {
        "begint_op": ["Kies een moment in de toekomst: een gesprek plant u vooraf."],
        "duur_minuten": ["Een gesprek duurt tussen 15 en 480 minuten."],
        "plaats": ["Vul een plaats of een link voor online deelname in (of allebei)."],
    }
    assert not Gesprek.objects.exists()


def test_an_empty_agenda_gets_the_default_one(trio):
    gesprek = plan(trio, agenda="  ")
    assert "gelijkaardige competentie-uitdagingen" in gesprek.agenda
    for action in Actie.labels:
        assert f"- {action}" in gesprek.agenda


def test_a_dropped_partnership_plans_nothing(trio):
    gesprekken.partnerschap_drop(partnerschap=trio, reden="Niemand heeft interesse.")
    with pytest.raises(ValidationError, match="afgehaakt"):
        plan(trio)


def test_inviting_twice_invites_nobody_again(trio):
    gesprek = invite(trio)
    assert len(mail.outbox) == 3
    mail.outbox.clear()
    assert gesprekken.gesprek_invite(gesprek=gesprek) == []
    assert mail.outbox == []


def test_only_the_hash_of_an_answer_link_is_stored(trio):
    gesprek = invite(trio)
    token = answer_token(mails_to("an@bouw.test")[0])
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    stored = set(Uitnodiging.objects.filter(gesprek=gesprek).values_list("token_hash", flat=True))
    assert token not in stored
    assert token_hash(token) in stored
    assert gesprekken.uitnodiging_for_token(token).registratie.contact_email == "an@bouw.test"


def test_a_member_answers_and_changes_its_answer_until_the_conversation_starts(trio):
    gesprek = invite(trio)
    uitnodiging = gesprekken.uitnodiging_for_token(answer_token(mails_to("an@bouw.test")[0]))

    gesprekken.uitnodiging_answer(uitnodiging=uitnodiging, antwoord=Antwoord.KOMT)
    gesprekken.uitnodiging_answer(uitnodiging=uitnodiging, antwoord=Antwoord.ANDER_MOMENT,
                                opmerking="Liever een dinsdagnamiddag.")

    uitnodiging.refresh_from_db()
    assert (uitnodiging.antwoord, uitnodiging.opmerking) == (Antwoord.ANDER_MOMENT,
                                                             "Liever een dinsdagnamiddag.")
    assert uitnodiging.beantwoord_op is not None
    assert list(uitnodiging.history.values_list("antwoord", flat=True).order_by("history_id")) \
        == ["", Antwoord.KOMT, Antwoord.ANDER_MOMENT]

    move_start(gesprek, timezone.now() - timedelta(minutes=5))
    with pytest.raises(ValidationError) as exc:
        gesprekken.uitnodiging_answer(uitnodiging=uitnodiging, antwoord=Antwoord.KOMT_NIET)
    assert exc.value.messages == ["Het gesprek is begonnen of voorbij: uw antwoord kan niet meer "
                                  "gewijzigd worden."]
    uitnodiging.refresh_from_db()
    assert uitnodiging.antwoord == Antwoord.ANDER_MOMENT


def test_another_moment_needs_a_remark_and_an_unknown_answer_is_refused(trio):
    invite(trio)
    uitnodiging = gesprekken.uitnodiging_for_token(answer_token(mails_to("an@bouw.test")[0]))
    with pytest.raises(ValidationError) as exc:
        gesprekken.uitnodiging_answer(uitnodiging=uitnodiging, antwoord=Antwoord.ANDER_MOMENT)
    assert exc.value.message_dict == {
        "opmerking": ["Schrijf in het vak 'Opmerking' welk ander moment u voorstelt."]}
    with pytest.raises(ValidationError, match="Kies een van de drie knoppen"):
        gesprekken.uitnodiging_answer(uitnodiging=uitnodiging, antwoord="misschien")
    with pytest.raises(ValidationError, match="te lang"):
        gesprekken.uitnodiging_answer(uitnodiging=uitnodiging, antwoord=Antwoord.KOMT,
                                    opmerking="x" * 2001)
    uitnodiging.refresh_from_db()
    assert uitnodiging.antwoord == ""


def test_the_link_is_open_then_read_only_during_the_conversation_then_dead(trio):
    gesprek = invite(trio)
    uitnodiging = gesprekken.uitnodiging_for_token(answer_token(mails_to("an@bouw.test")[0]))
    start = gesprek.begint_op
    assert gesprekken.answer_link_state(uitnodiging, start - timedelta(seconds=1)) == "open"
    assert gesprekken.answer_link_state(uitnodiging, start + timedelta(minutes=30)) == "begonnen"
    assert gesprekken.answer_link_state(uitnodiging, start + timedelta(minutes=91)) == "verlopen"
    gesprekken.gesprek_cancel(gesprek=gesprek)
    uitnodiging.refresh_from_db()
    assert gesprekken.answer_link_state(uitnodiging) == "geannuleerd"


def test_a_reminder_goes_at_most_once_a_day_to_who_has_not_answered(trio):
    gesprek = invite(trio)
    an, bert, carla = (Uitnodiging.objects.get(gesprek=gesprek, registratie__contact_email=e)
                       for e in ("an@bouw.test", "bert@install.test", "carla@geheim.test"))
    gesprekken.uitnodiging_answer(uitnodiging=an, antwoord=Antwoord.KOMT)
    old_link = answer_token(mails_to("bert@install.test")[0])
    mail.outbox.clear()

    assert gesprekken.gesprek_remind(gesprek=gesprek) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["bert@install.test", "carla@geheim.test"]
    reminder = mails_to("bert@install.test")[0]
    assert reminder.subject.startswith("Herinnering: laat ons weten of u komt")
    # The reminder's link replaces the invitation's.
    assert gesprekken.uitnodiging_for_token(old_link) is None
    assert gesprekken.uitnodiging_for_token(answer_token(reminder)).pk == bert.pk

    mail.outbox.clear()
    assert gesprekken.uitnodiging_remind(uitnodiging=bert) is False
    assert gesprekken.uitnodiging_remind(uitnodiging=an) is False  # answered
    later = timezone.now() + timedelta(hours=23, minutes=59)
    assert gesprekken.uitnodiging_remind(uitnodiging=carla, now=later) is False
    assert mail.outbox == []
    # The state lives in the database: a day later (another process, another worker) it may.
    next_day = timezone.now() + timedelta(days=1, minutes=1)
    assert gesprekken.uitnodiging_remind(uitnodiging=carla, now=next_day) is True
    assert [m.to for m in mail.outbox] == [["carla@geheim.test"]]


def test_forming_needs_a_reason_confirms_the_members_and_is_in_the_history(trio, coordinator):
    invite(trio)
    with pytest.raises(ValidationError) as exc:
        gesprekken.partnerschap_form(partnerschap=trio, reden="  ", user=coordinator)
    assert exc.value.message_dict == {"reden": [
        "Geef een reden op. Ze blijft intern en komt in de geschiedenis van het partnerschap."]}
    carla = trio.lidmaatschappen.get(registratie__contact_email="carla@geheim.test")
    gesprekken.lidmaatschap_drop(lidmaatschap=carla, reden="Andere prioriteiten.", user=coordinator)
    # The two that stay confirmed the agreement (the rule: tests/partnerschappen/test_afspraken.py).
    afspraak = record_agreement(trio)
    afspraken.afspraak_submit(afspraak=afspraak)
    confirm_all(afspraak)

    gesprekken.partnerschap_form(partnerschap=trio, reden="Iedereen bevestigde in het gesprek.",
                               user=coordinator)

    trio.refresh_from_db()
    assert (trio.status, trio.status_reden) == (PartnerschapStatus.GEVORMD,
                                                "Iedereen bevestigde in het gesprek.")
    assert dict(trio.lidmaatschappen.values_list("registratie__contact_email", "deelname")) == {
        "an@bouw.test": Deelname.BEVESTIGD, "bert@install.test": Deelname.BEVESTIGD,
        "carla@geheim.test": Deelname.AFGEHAAKT}
    last = trio.history.latest("history_date")
    assert (last.status, last.history_user, last.history_change_reason) == (
        "gevormd", coordinator, "Status gewijzigd: gevormd")
    dropped = carla.history.latest("history_date")
    assert (dropped.deelname, dropped.deelname_reden, dropped.history_user) == (
        "afgehaakt", "Andere prioriteiten.", coordinator)


def test_forming_with_fewer_than_two_members_left_is_refused(trio):
    for email in ("bert@install.test", "carla@geheim.test"):
        gesprekken.lidmaatschap_drop(lidmaatschap=trio.lidmaatschappen.get(
            registratie__contact_email=email), reden="Weg")
    with pytest.raises(ValidationError, match="minstens 2 leden"):
        gesprekken.partnerschap_form(partnerschap=trio, reden="Toch")


def test_dropping_the_whole_partnership_cancels_its_planned_conversations(trio):
    gesprek = invite(trio)
    mail.outbox.clear()

    gesprekken.partnerschap_drop(partnerschap=trio, reden="De sector trekt zich terug.")

    gesprek.refresh_from_db()
    trio.refresh_from_db()
    assert gesprek.status == GesprekStatus.GEANNULEERD
    assert trio.status == PartnerschapStatus.AFGEHAAKT
    assert len(mail.outbox) == 3


def test_a_member_added_later_is_invited_alone_to_the_planned_conversation(trio,
                                                                            registratie_factory):
    gesprek = invite(trio)
    nieuw = registratie_factory(naam="Laatkomer vzw", contact_email="laat@komer.test")
    services.partnerschap_add_member(partnerschap=trio, registratie=nieuw)
    mail.outbox.clear()

    invited = gesprekken.gesprek_invite(gesprek=gesprek)

    assert [u.registratie.naam for u in invited] == ["Laatkomer vzw"]
    assert [m.to for m in mail.outbox] == [["laat@komer.test"]]
    assert "Bouwfonds Oost vzw" in mail.outbox[0].body


def test_a_member_removed_from_the_partnership_gets_a_cancellation(trio):
    gesprek = invite(trio)
    carla = trio.lidmaatschappen.get(registratie__contact_email="carla@geheim.test").registratie
    mail.outbox.clear()

    services.partnerschap_remove_member(partnerschap=trio, registratie=carla)

    assert [m.to for m in mail.outbox] == [["carla@geheim.test"]]
    assert mail.outbox[0].subject.startswith("Geannuleerd")
    assert not gesprek.uitnodigingen.filter(registratie=carla, ingetrokken=False).exists()


def test_nothing_can_be_changed_sent_or_cancelled_once_the_conversation_began(trio):
    gesprek = invite(trio)
    move_start(gesprek, timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()
    for call in (lambda: gesprekken.gesprek_invite(gesprek=gesprek),
                 lambda: gesprekken.gesprek_cancel(gesprek=gesprek),
                 lambda: gesprekken.gesprek_remind(gesprek=gesprek),
                 lambda: gesprekken.gesprek_update(gesprek=gesprek, begint_op=in_days(3),
                                                 duur_minuten=60, plaats="Gent", agenda="x")):
        with pytest.raises(ValidationError, match="geannuleerd of al begonnen"):
            call()
    assert mail.outbox == []


def test_upcoming_is_planned_and_not_begun_in_the_query_and_on_one_row(trio):
    ahead, cancelled, begun = plan(trio), plan(trio), plan(trio)
    gesprekken.gesprek_cancel(gesprek=cancelled)
    move_start(begun, timezone.now() - timedelta(minutes=1))

    assert list(Gesprek.objects.upcoming()) == [ahead]
    assert list(trio.gesprekken.upcoming(now=timezone.now() - timedelta(minutes=2))) == [
        begun, ahead]
    assert [g.is_upcoming() for g in Gesprek.objects.filter(pk__in=[
        ahead.pk, cancelled.pk, begun.pk]).order_by("pk")] == [True, False, False]
