"""The review services: one status change function, notes that are only ever appended."""
import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from registraties import review
from registraties.constants import RegistratieStatus
from registraties.models import Notitie, StatusWijziging

pytestmark = pytest.mark.django_db


def test_status_change_records_who_when_from_to_and_why(registratie, reviewer):
    wijziging = review.registratie_change_status(registratie=registratie,
                                                 status=RegistratieStatus.IN_BEHANDELING, door=reviewer,
                                                 reden="Brusselse werking nagaan")
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.IN_BEHANDELING
    assert registratie.status_gewijzigd_door == reviewer
    assert registratie.status_gewijzigd_op == wijziging.op
    assert (wijziging.van, wijziging.naar, wijziging.door, wijziging.reden) == (
        RegistratieStatus.INGEDIEND, RegistratieStatus.IN_BEHANDELING, reviewer, "Brusselse werking nagaan")


def test_status_change_is_in_the_history_with_user_and_reason(registratie, reviewer):
    review.registratie_change_status(registratie=registratie, status=RegistratieStatus.ONTVANKELIJK,
                                     door=reviewer)
    latest = registratie.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == reviewer
    assert latest.status == RegistratieStatus.ONTVANKELIJK
    assert latest.history_change_reason == "Status gewijzigd van ‘ingediend’ naar ‘ontvankelijk’"


def test_not_eligible_without_a_reason_is_refused_and_saves_nothing(registratie, reviewer):
    with pytest.raises(ValidationError) as error:
        review.registratie_change_status(registratie=registratie,
                                         status=RegistratieStatus.NIET_ONTVANKELIJK, door=reviewer,
                                         reden="   ")
    assert error.value.message_dict["reden"] == [
        "Geef een reden op waarom de registratie niet ontvankelijk is. "
        "De organisatie en uw collega's moeten die kunnen nalezen."]
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.INGEDIEND
    assert not StatusWijziging.objects.exists()


def test_a_registration_cannot_go_back_to_submitted(registratie, reviewer):
    review.registratie_change_status(registratie=registratie, status=RegistratieStatus.IN_BEHANDELING,
                                     door=reviewer)
    with pytest.raises(ValidationError) as error:
        review.registratie_change_status(registratie=registratie, status=RegistratieStatus.INGEDIEND,
                                         door=reviewer)
    assert error.value.messages == [
        "Een registratie kan niet terug naar ‘ingediend’. Kies ‘in behandeling’ om ze opnieuw "
        "te bekijken."]


def test_the_same_status_again_records_nothing(registratie, reviewer):
    review.registratie_change_status(registratie=registratie, status=RegistratieStatus.ONTVANKELIJK,
                                     door=reviewer)
    again = review.registratie_change_status(registratie=registratie,
                                             status=RegistratieStatus.ONTVANKELIJK, door=reviewer)
    assert again is None
    assert StatusWijziging.objects.count() == 1


def test_the_organisation_is_told_the_outcome_only_when_staff_choose_so(registratie, reviewer):
    mail.outbox.clear()
    review.registratie_change_status(registratie=registratie, status=RegistratieStatus.IN_BEHANDELING,
                                     door=reviewer)
    assert mail.outbox == []
    wijziging = review.registratie_change_status(
        registratie=registratie, status=RegistratieStatus.NIET_ONTVANKELIJK, door=reviewer,
        reden="Geen netwerkorganisatie.", notify=True)
    assert wijziging.organisatie_verwittigd
    [message] = mail.outbox
    assert message.to == [registratie.contact_email]
    assert message.subject == f"Uw registratie {registratie.referentie}: niet ontvankelijk"
    assert "Reden: Geen netwerkorganisatie." in message.body


def test_a_note_is_appended_with_author_and_time(registratie, reviewer):
    notitie = review.notitie_add(registratie=registratie, auteur=reviewer,
                                 tekst="  Gebeld: werking is Vlaams.  ")
    assert notitie.tekst == "Gebeld: werking is Vlaams."
    assert notitie.auteur == reviewer and notitie.aangemaakt_op is not None
    assert list(registratie.notities.all()) == [notitie]


def test_an_empty_note_is_refused(registratie, reviewer):
    with pytest.raises(ValidationError) as error:
        review.notitie_add(registratie=registratie, auteur=reviewer, tekst=" ")
    assert error.value.message_dict["tekst"] == ["Schrijf eerst de tekst van de notitie."]
    assert not Notitie.objects.exists()


def test_a_batch_changes_every_row_or_none(open_ronde, reviewer):
    from tests.factories import make_registraties

    first, second, third = make_registraties(open_ronde, 3, seed=9)
    review.registratie_change_status(registratie=second, status=RegistratieStatus.IN_BEHANDELING,
                                     door=reviewer)
    # Back to 'ingediend' is refused for the second row only: the first must not change either.
    with pytest.raises(ValidationError):
        review.registraties_change_status(registraties=[first, second, third],
                                          status=RegistratieStatus.INGEDIEND, door=reviewer)
    assert StatusWijziging.objects.count() == 1
    first.refresh_from_db()
    assert first.status == RegistratieStatus.INGEDIEND and first.status_gewijzigd_door is None


def test_a_batch_mails_each_changed_organisation_after_storing_all(open_ronde, reviewer):
    from tests.factories import make_registraties

    rows = make_registraties(open_ronde, 3, seed=10)
    mail.outbox.clear()
    changed, unchanged = review.registraties_change_status(
        registraties=rows, status=RegistratieStatus.NIET_ONTVANKELIJK, door=reviewer,
        reden="Geen netwerkorganisatie", notify=True)
    assert (len(changed), unchanged) == (3, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.contact_email for r in rows)
    assert all("Geen netwerkorganisatie" in m.body for m in mail.outbox)
    assert all(m.alternatives for m in mail.outbox)  # an HTML part, like every portal mail
    assert StatusWijziging.objects.filter(organisatie_verwittigd=True).count() == 3
