"""The private edit link /interesse/wijzigen/<token>/ and the 'link kwijt' flow."""
import base64
import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from berichten.models import Bericht
from registraties import register_check, services
from registraties.models import Registratie
from tests.berichten.helpers import DATABASE_TASKS
from tests.factories import form_data, logged_in, make_registratie, staff_member

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/interesse/wijzigen/[^/\s\"<]+/)")
SAME_ANSWER = ("Als het ondernemingsnummer en het e-mailadres overeenkomen met een registratie in de "
               "huidige ronde, ontvangt u binnen enkele minuten een e-mail met een nieuwe "
               "wijzigingslink (na de sluiting van de ronde: een link naar uw dossier).")


def edit_path(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.fixture
def registered(client, open_ronde):
    """A registration made through the form, and the edit link from its confirmation mail."""
    response = client.post("/interesse/", form_data())
    assert response.status_code == 303
    (confirmation,) = [m for m in mail.outbox if m.to == ["an.peeters@bouwfonds-test.be"]]
    mail.outbox.clear()
    return Registratie.objects.get(), edit_path(confirmation)


def test_emailed_link_opens_the_form_prefilled(client, registered):
    registratie, path = registered
    response = client.get(path)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["naam"].value() == "Bouwfonds Test vzw"
    assert form["ondernemingsnummer"].value() == "0417.497.106"
    assert form["themas"].value() == ["behoeftedetectie", "doorgroei"]
    html = response.content.decode()
    assert registratie.referentie in html
    assert 'value="Bouwfonds Test vzw"' in html


def test_changes_through_the_link_are_saved_and_recorded_as_made_by_the_organisation(client,
                                                                                     registered):
    registratie, path = registered
    response = client.post(path, form_data(naam="Bouwfonds Vlaanderen vzw", postcode="2000",
                                           gemeente="Antwerpen"))
    assert response.status_code == 303
    assert response["Location"] == "/interesse/bevestiging/"
    registratie.refresh_from_db()
    assert registratie.naam == "Bouwfonds Vlaanderen vzw"
    assert registratie.provincie == "VAN"
    assert Registratie.objects.count() == 1
    latest = registratie.history.first()
    assert latest.history_change_reason == "Gewijzigd door de organisatie via de wijzigingslink"
    assert latest.history_user is None
    assert latest.naam == "Bouwfonds Vlaanderen vzw"


def test_edit_keeps_the_reference_and_the_link(client, registered):
    registratie, path = registered
    client.post(path, form_data(opmerkingen="aangevuld"))
    after = Registratie.objects.get()
    assert after.referentie == registratie.referentie
    assert client.get(path).status_code == 200


def test_edit_is_checked_by_the_same_rules(client, registered):
    registratie, path = registered
    response = client.post(path, form_data(postcode="4000"))
    assert response.status_code == 200
    assert 'id="foutoverzicht"' in response.content.decode()
    registratie.refresh_from_db()
    assert registratie.postcode == "9000"


def test_edit_cannot_take_the_enterprise_number_of_another_registration(client, registered):
    registratie, path = registered
    other = make_registratie(registratie.ronde)
    response = client.post(path, form_data(ondernemingsnummer=other.ondernemingsnummer))
    assert response.status_code == 200
    assert response.context["form"].has_error("ondernemingsnummer", "dubbel")
    registratie.refresh_from_db()
    assert registratie.ondernemingsnummer == "0417497106"


@pytest.mark.parametrize("token", ["x", "0" * 43, "a" * 300, "..%2F..%2Fbeheer", "%00"])
def test_wrong_token_gives_404(client, registered, token):
    assert client.get(f"/interesse/wijzigen/{token}/").status_code == 404
    assert client.post(f"/interesse/wijzigen/{token}/", form_data()).status_code == 404


def test_a_slightly_changed_token_gives_404(client, registered):
    _, path = registered
    token = path.split("/")[-2]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(f"/interesse/wijzigen/{changed}/").status_code == 404


def close(ronde) -> None:
    """The round closed a minute ago (an update: a stale copy must not reset its counters)."""
    ronde.sluit_op = timezone.now() - timedelta(minutes=1)
    type(ronde).objects.filter(pk=ronde.pk).update(sluit_op=ronde.sluit_op)


def test_editing_stops_at_the_close_and_the_link_becomes_a_read_only_dossier(client, registered):
    registratie, path = registered
    close(registratie.ronde)
    response = client.get(path)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "<h1>Uw dossier</h1>" in html
    assert "uw antwoorden kunnen niet meer gewijzigd worden" in html
    # The answers as a summary, no form to change them.
    assert "Bouwfonds Test vzw" in html and "an.peeters@bouwfonds-test.be" in html
    assert 'name="naam"' not in html and "Wijzigingen bewaren" not in html


def test_a_post_to_the_dossier_is_refused_in_dutch_and_changes_nothing(client, registered):
    registratie, path = registered
    close(registratie.ronde)
    before = Registratie.objects.filter(pk=registratie.pk).values().get()
    history = registratie.history.count()
    response = client.post(path, form_data(naam="Te laat vzw"))
    assert response.status_code == 409
    html = response.content.decode()
    assert ("Er werd niets bewaard: deze verkenningsronde is afgesloten en uw antwoorden kunnen "
            "niet meer gewijzigd worden.") in html
    assert Registratie.objects.filter(pk=registratie.pk).values().get() == before
    assert registratie.history.count() == history


def test_retention_still_kills_the_link_after_the_close(client, registered):
    from registraties.retention import personal_data_anonymise

    registratie, path = registered
    ronde = registratie.ronde
    close(ronde)
    assert client.get(path).status_code == 200
    ronde.opent_op = timezone.now() - timedelta(days=6 * 365 + 60)
    ronde.sluit_op = timezone.now() - timedelta(days=6 * 365)
    ronde.save()
    personal_data_anonymise(dry_run=False)
    assert client.get(path).status_code == 404


def test_one_registrations_token_cannot_reach_another(client, open_ronde):
    first = services.registratie_submit(ronde=open_ronde, data=_answers("0417497106", "Eerste vzw"))
    second = services.registratie_submit(ronde=open_ronde, data=_answers("0403170701", "Tweede vzw"))
    response = client.get(f"/interesse/wijzigen/{first.token}/")
    assert response.context["form"]["naam"].value() == "Eerste vzw"
    assert "Tweede vzw" not in response.content.decode()
    client.post(f"/interesse/wijzigen/{first.token}/",
                form_data(ondernemingsnummer="0417497106", naam="Eerste gewijzigd"))
    first.registratie.refresh_from_db()
    second.registratie.refresh_from_db()
    assert first.registratie.naam == "Eerste gewijzigd"
    assert second.registratie.naam == "Tweede vzw"


def test_posting_someone_elses_pk_through_your_link_changes_only_yours(client, open_ronde):
    mine = services.registratie_submit(ronde=open_ronde, data=_answers("0417497106", "Mijn vzw"))
    theirs = services.registratie_submit(ronde=open_ronde, data=_answers("0403170701", "Hun vzw"))
    data = form_data(ondernemingsnummer="0417497106", naam="Gewijzigd", id=theirs.registratie.pk,
                     pk=theirs.registratie.pk, ronde=999, referentie="HACK-0001", status="ontvankelijk")
    client.post(f"/interesse/wijzigen/{mine.token}/", data)
    mine.registratie.refresh_from_db()
    theirs.registratie.refresh_from_db()
    assert mine.registratie.naam == "Gewijzigd"
    assert mine.registratie.status == "ingediend"
    assert mine.registratie.referentie != "HACK-0001"
    assert theirs.registratie.naam == "Hun vzw"


def test_only_a_hash_of_the_token_is_stored(client, registered):
    registratie, path = registered
    token = path.split("/")[-2]
    assert len(token) >= 22  # ≥ 128 bits in URL-safe base64
    registratie.refresh_from_db()
    assert registratie.wijzig_token_hash
    assert registratie.wijzig_token_hash != token
    with connection.cursor() as cursor:
        for table in ("registraties_registratie", "registraties_historicalregistratie"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            for row in cursor.fetchall():
                assert not any(token in str(value) for value in row)


def test_each_registration_gets_its_own_random_token_stored_only_as_its_hash(client, open_ronde):
    numbers = ["0417497106", "0403170701", "0202239951"]
    submissions = [services.registratie_submit(ronde=open_ronde, data=_answers(n, f"Org {i}"))
                   for i, n in enumerate(numbers)]
    tokens = [s.token for s in submissions]
    assert len(set(tokens)) == len(tokens)
    for submission in submissions:
        token = submission.token
        # secrets.token_urlsafe(32): 32 random bytes (256 bits), 43 URL-safe characters.
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token), token
        assert len(base64.urlsafe_b64decode(token + "=")) == 32
        registratie = Registratie.objects.get(pk=submission.registratie.pk)
        assert registratie.wijzig_token_hash == hashlib.sha256(token.encode()).hexdigest()
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM registraties_registratie WHERE id = %s", [registratie.pk])
            (row,) = cursor.fetchall()
        assert not any(token in str(value) for value in row)

    # Each token opens its own registration and no other.
    for i, token in enumerate(tokens):
        response = client.get(f"/interesse/wijzigen/{token}/")
        assert response.status_code == 200
        assert response.context["form"]["naam"].value() == f"Org {i}"
        html = response.content.decode()
        assert not any(f"Org {j}" in html for j in range(len(tokens)) if j != i)

    # Many tokens: all distinct, also in their first characters (no counter or clock in front).
    many = [services.new_token() for _ in range(1000)]
    assert len({token for token, _hash in many}) == 1000
    assert len({token[:8] for token, _hash in many}) == 1000
    assert all(hashed == hashlib.sha256(token.encode()).hexdigest() for token, hashed in many)


# --- link kwijt -----------------------------------------------------------------------------

def test_link_kwijt_page_asks_number_and_email(client, open_ronde):
    html = client.get("/interesse/link-kwijt/").content.decode()
    assert 'name="ondernemingsnummer"' in html
    assert 'name="contact_email"' in html


def test_link_kwijt_mails_a_new_link_when_number_and_email_match(client, registered):
    registratie, old_path = registered
    response = client.post("/interesse/link-kwijt/", {"ondernemingsnummer": "BE0417.497.106",
                                                      "contact_email": "AN.Peeters@bouwfonds-test.be"})
    assert response.status_code == 200
    assert SAME_ANSWER in response.content.decode()
    (message,) = mail.outbox
    assert message.to == ["an.peeters@bouwfonds-test.be"]
    assert registratie.referentie in message.subject
    new_path = edit_path(message)
    assert new_path != old_path
    assert client.get(new_path).status_code == 200
    assert client.get(old_path).status_code == 404


@pytest.mark.parametrize("number, email", [
    ("0417.497.106", "iemand@anders.be"),
    ("0403.170.701", "an.peeters@bouwfonds-test.be"),
])
def test_link_kwijt_answers_the_same_when_nothing_matches_and_mails_nothing(client, registered,
                                                                          number, email):
    _, old_path = registered
    response = client.post("/interesse/link-kwijt/", {"ondernemingsnummer": number,
                                                      "contact_email": email})
    assert response.status_code == 200
    assert SAME_ANSWER in response.content.decode()
    assert mail.outbox == []
    assert client.get(old_path).status_code == 200


def test_link_kwijt_refuses_a_malformed_number_in_dutch(client, open_ronde):
    response = client.post("/interesse/link-kwijt/", {"ondernemingsnummer": "12",
                                                      "contact_email": "a@b.be"})
    assert response.status_code == 200
    assert response.context["form"].errors["ondernemingsnummer"] == [
        "Geef een Belgisch ondernemingsnummer van tien cijfers, bijvoorbeeld 0417.497.106 of "
        "BE0417497106."]


def test_link_kwijt_after_the_close_mails_a_link_to_the_dossier(client, registered):
    registratie, old_path = registered
    close(registratie.ronde)
    response = client.post("/interesse/link-kwijt/", {"ondernemingsnummer": "0417497106",
                                                      "contact_email": "an.peeters@bouwfonds-test.be"})
    assert response.status_code == 200
    (message,) = mail.outbox
    assert "naar het dossier van de registratie" in message.body
    assert "uw antwoorden wijzigen kan niet meer" in message.body
    assert client.get(edit_path(message)).status_code == 200
    assert "<h1>Uw dossier</h1>" in client.get(edit_path(message)).content.decode()
    assert client.get(old_path).status_code == 404


def _answers(ondernemingsnummer: str, naam: str) -> dict:
    from registraties.eligibility import Path
    from registraties.forms import RegistratieForm

    form = RegistratieForm(form_data(ondernemingsnummer=ondernemingsnummer, naam=naam),
                           path=Path.FORM)
    assert form.is_valid(), form.errors
    return form.cleaned_data


def test_link_kwijt_mails_at_most_three_links_an_hour(client, registered):
    _, old_path = registered
    answer = {"ondernemingsnummer": "0417.497.106", "contact_email": "an.peeters@bouwfonds-test.be"}
    for _ in range(4):
        response = client.post("/interesse/link-kwijt/", answer)
        assert SAME_ANSWER in response.content.decode()
    assert len(mail.outbox) == 3
    # The third link still works: the fourth request did not replace it.
    assert client.get(edit_path(mail.outbox[-1])).status_code == 200


def _sql_shapes(queries) -> list[str]:
    """Each statement's verb and first table, without the values it carried."""
    shapes = []
    for query in queries:
        words = query["sql"].replace('"', "").split()
        table = next((words[i + 1] for i, w in enumerate(words[:-1])
                      if w.upper() in {"FROM", "INTO", "UPDATE"}), "")
        shapes.append(f"{words[0].upper()} {table}")
    return shapes


@override_settings(TASKS=DATABASE_TASKS)
def test_link_kwijt_does_the_same_database_work_whether_or_not_anything_matches(client,
                                                                               registered):
    from django_tasks_db.models import DBTaskResult

    Bericht.objects.all().delete()
    shapes = []
    for number, email in [("0417.497.106", "an.peeters@bouwfonds-test.be"),  # matches
                          ("0403.170.701", "an.peeters@bouwfonds-test.be"),  # other number
                          ("0417.497.106", "iemand@anders.be")]:           # other e-mail
        with CaptureQueriesContext(connection) as queries:
            response = client.post("/interesse/link-kwijt/", {"ondernemingsnummer": number,
                                                              "contact_email": email})
        assert SAME_ANSWER in response.content.decode()
        shapes.append(_sql_shapes(queries.captured_queries))
    assert shapes[0] == shapes[1] == shapes[2]
    assert not any("registraties_registratie" in shape for shape in shapes[0])
    # The lookup and the mail are the worker's: the request only queued one task each.
    assert not Bericht.objects.exists()
    assert mail.outbox == []
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        "registraties.services.registratie_mail_new_link_task"] * 3


@pytest.mark.django_db(transaction=True)
def test_the_worker_mails_the_link_only_when_number_and_email_match(client, open_ronde):
    from tests.berichten.helpers import run_worker

    assert client.post("/interesse/", form_data()).status_code == 303
    mail.outbox.clear()
    with override_settings(TASKS=DATABASE_TASKS):
        for email in ("iemand@anders.be", "an.peeters@bouwfonds-test.be"):
            client.post("/interesse/link-kwijt/", {"ondernemingsnummer": "0417497106",
                                                   "contact_email": email})
        assert mail.outbox == []
        run_worker()
    (message,) = mail.outbox
    assert message.to == ["an.peeters@bouwfonds-test.be"]
    assert client.get(edit_path(message)).status_code == 200
    assert Bericht.objects.get(soort="nieuwe_link").status == "verzonden"


def test_edit_after_a_decision_sends_the_registration_back_to_the_reviewers(client, registered,
                                                                            django_user_model):
    from registraties.models import StatusWijziging
    from registraties.review import registratie_change_status

    registratie, path = registered
    reviewer = django_user_model.objects.create_user("els", is_staff=True)
    registratie_change_status(registratie=registratie, status="ontvankelijk", door=reviewer)
    assert client.post(path, form_data(postcode="1000", gemeente="Brussel",
                                       toelichting_werking="Vooral Vlaamse leden.")
                       ).status_code == 303
    registratie.refresh_from_db()
    assert registratie.status == "in_behandeling"
    last = StatusWijziging.objects.filter(registratie=registratie).latest("pk")
    assert (last.van, last.naar, last.door) == ("ontvankelijk", "in_behandeling", None)
    assert last.reden == "De organisatie wijzigde haar antwoorden na de beoordeling."


def test_a_status_set_while_the_organisation_edits_is_not_overwritten(registered, django_user_model):
    from registraties.review import registratie_change_status

    registratie, _ = registered
    stale = Registratie.objects.get(pk=registratie.pk)
    reviewer = django_user_model.objects.create_user("els", is_staff=True)
    registratie_change_status(registratie=registratie, status="in_behandeling", door=reviewer)
    services.registratie_update(registratie=stale, data={"gemeente": "Gentbrugge"})
    fresh = Registratie.objects.get(pk=registratie.pk)
    assert (fresh.status, fresh.gemeente) == ("in_behandeling", "Gentbrugge")
    assert fresh.status_gewijzigd_door == reviewer


# --- an existing registration is judged on what its edit changes (README "The rules per path")

def test_an_organisation_the_register_flags_changes_only_its_phone_and_is_saved_calmly(
        client, registered, kbo_register):
    from kbo.models import Onderneming
    from registraties.constants import KboControle, Vlag

    registratie, path = registered
    # After a new register import the enterprise is no longer active; the re-check flags it.
    Onderneming.objects.filter(pk="0417497106").update(actief=False)
    register_check.registraties_recheck_register(registraties=Registratie.objects.all())
    registratie.refresh_from_db()
    assert registratie.kbo_controle == KboControle.NIET_GEVONDEN
    assert Vlag.KBO_NIET_GEVONDEN in registratie.vlaggen

    page = client.get(path).content.decode()
    assert "ESF&amp;DO bekijkt deze opmerking van de Kruispuntbank van Ondernemingen" in page
    assert "stopgezet" in page

    response = client.post(path, form_data(contact_telefoon="09 999 99 99"), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/interesse/bevestiging/"
    assert "Uw wijzigingen zijn bewaard." in page
    assert "ESF&amp;DO bekijkt deze opmerking van de Kruispuntbank van Ondernemingen" in page
    assert "nog niet verstuurd" not in page
    registratie.refresh_from_db()
    assert registratie.contact_telefoon == "09 999 99 99"
    # The flag stays for staff.
    assert Vlag.KBO_NIET_GEVONDEN in registratie.vlaggen
    assert registratie.kbo_controle == KboControle.NIET_GEVONDEN


def test_changing_the_number_to_one_the_register_does_not_know_is_still_refused(
        client, registered, kbo_register):
    registratie, path = registered
    response = client.post(path, form_data(ondernemingsnummer="0202.239.951"))
    assert response.status_code == 200
    assert response.context["form"].has_error("ondernemingsnummer", "kbo_onbekend")
    assert "staat niet in de Kruispuntbank van Ondernemingen" in response.content.decode()
    registratie.refresh_from_db()
    assert registratie.ondernemingsnummer == "0417497106"


def test_after_an_edit_the_confirmation_says_the_changes_are_saved_and_sends_no_mail(client,
                                                                                   registered):
    registratie, path = registered
    response = client.post(path, form_data(opmerkingen="aangevuld"), follow=True)
    page = response.content.decode()
    assert "Uw registratie is bijgewerkt" in page
    assert "Uw wijzigingen zijn bewaard." in page
    assert "We stuurden een bevestiging" not in page
    assert "hierover sturen we geen e-mail" in page
    assert '<a href="/interesse/link-kwijt/">Link kwijt? Vraag een nieuwe wijzigingslink aan.</a>' \
        in page
    assert mail.outbox == []
    assert registratie.referentie in page


def test_the_confirmation_of_a_new_registration_links_to_link_kwijt(client, open_ronde):
    response = client.post("/interesse/", form_data(), follow=True)
    page = response.content.decode()
    assert "We stuurden een bevestiging naar an.peeters@bouwfonds-test.be" in page
    assert '<a href="/interesse/link-kwijt/">vraag een nieuwe link aan</a>' in page


def test_an_edit_that_changes_nothing_writes_nothing_and_keeps_the_decision(client, registered):
    from registraties import review
    from registraties.constants import RegistratieStatus

    registratie, path = registered
    review.registratie_change_status(registratie=registratie, status=RegistratieStatus.ONTVANKELIJK,
                                     door=None)
    history = registratie.history.count()
    response = client.post(path, form_data(), follow=True)
    assert "U wijzigde niets: uw registratie blijft zoals ze was." in response.content.decode()
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.ONTVANKELIJK
    assert registratie.history.count() == history


def test_a_real_change_after_a_decision_still_goes_back_to_review(client, registered):
    from registraties import review
    from registraties.constants import RegistratieStatus

    registratie, path = registered
    review.registratie_change_status(registratie=registratie, status=RegistratieStatus.ONTVANKELIJK,
                                     door=None)
    client.post(path, form_data(sectoren="bouw, hout"))
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.IN_BEHANDELING


def test_an_answer_wiped_on_request_does_not_block_a_staff_edit_elsewhere(open_ronde):
    """Retention and erasure blank the contact (its e-mail no valid address): an edit of
    another answer keeps them as they are instead of refusing the registration."""
    from medewerkers.roles import COORDINATOR
    from registraties.retention import ANONYMISED_EMAIL, contact_person_blank
    from tests.registraties.test_rules_per_path import post_data

    registratie = make_registratie(open_ronde)
    contact_person_blank(registraties=Registratie.objects.filter(pk=registratie.pk),
                         history=Registratie.history.none())
    registratie.refresh_from_db()
    client = logged_in(staff_member("cor", COORDINATOR))
    url = f"/beheer/registraties/registratie/{registratie.pk}/change/"
    response = client.post(url, {**post_data(registratie, sectoren="zorg"), "_save": "1"})
    assert response.status_code == 302
    registratie.refresh_from_db()
    assert (registratie.sectoren, registratie.contact_naam, registratie.contact_email) == (
        "zorg", "", ANONYMISED_EMAIL)
    # Typing a new, invalid address is still refused: that is what the edit changes.
    response = client.post(url, {**post_data(registratie, contact_email="geen adres"), "_save": "1"})
    assert response.status_code == 200
    assert response.context["adminform"].form.has_error("contact_email")
