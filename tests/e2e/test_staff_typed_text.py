"""Issue 16: what staff type is saved by whichever button they press, or the page says it was
not saved and keeps it. In Chromium, on a phone's width, with axe on every page visited."""
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from medewerkers.roles import COORDINATOR, REVIEWER, staff_user_save
from partnerschappen import services as partnerschap_services
from partnerschappen.models import Partnerschap
from registraties.constants import RegistratieStatus
from registraties.models import Notitie, Registratie, StatusWijziging
from tests.factories import make_registraties
from verkenning.models import Ronde

from .checks import assert_axe_clean, assert_no_sideways_scroll, at_phone_width

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=10_000)
NOT_SAVED = "Nog niet bewaard: u typte iets bij ‘Notities’."


@pytest.fixture
def ronde(live_server):
    now = timezone.now()
    ronde = Ronde.objects.create(titel="Getypte tekst (e2e)", slug="getypt",
                                 opent_op=now - timedelta(days=5), sluit_op=now + timedelta(days=20),
                                 referentie_prefix="TYP")
    registraties = make_registraties(ronde, 4, seed=16)
    Registratie.objects.filter(pk__in=[r.pk for r in registraties]).update(
        status=RegistratieStatus.ONTVANKELIJK)
    partnerschap_services.partnerschap_create(ronde=ronde, naam="Bouw en installatie",
                                              registraties=registraties[:3],
                                              regisseur=registraties[0])
    return ronde


def _staff(role: str, username: str):
    user, _created, _password = staff_user_save(username=username, role=role,
                                                password="Proef-wachtwoord-2021!",
                                                first_name=username.capitalize())
    return user


def test_a_coordinator_s_note_is_saved_by_the_big_save_button(signed_in, live_server, ronde):
    coordinator = _staff(COORDINATOR, "cora")
    page = signed_in(coordinator)
    at_phone_width(page)
    registratie = ronde.registraties.order_by("pk").first()
    history_before = registratie.history.count()
    page.goto(f"{live_server.url}/beheer/registraties/registratie/{registratie.pk}/change/")
    assert_axe_clean(page)
    assert_no_sideways_scroll(page)
    # The current status is the one shown in the select: saving leaves it alone.
    expect(page.locator("select[name=status]")).to_have_value(RegistratieStatus.ONTVANKELIJK)

    page.get_by_label("Nieuwe notitie").fill("Gebeld met de contactpersoon: akkoord.")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_contain_text("De notitie is toegevoegd.")
    assert list(Notitie.objects.values_list("tekst", "auteur")) == [
        ("Gebeld met de contactpersoon: akkoord.", coordinator.pk)]
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.ONTVANKELIJK
    assert not StatusWijziging.objects.exists()
    assert registratie.history.count() == history_before  # no empty history row


def test_a_reviewer_s_status_button_also_saves_the_note_typed_below_it(signed_in, live_server,
                                                                       ronde):
    reviewer = _staff(REVIEWER, "bea")
    page = signed_in(reviewer)
    registratie = ronde.registraties.order_by("pk").last()
    page.goto(f"{live_server.url}/beheer/registraties/registratie/{registratie.pk}/change/")
    page.locator("select[name=status]").select_option(RegistratieStatus.IN_BEHANDELING)
    page.get_by_label("Nieuwe notitie").fill("Nog één vraag over de zetel.")
    page.get_by_role("button", name="Status opslaan").click()

    expect(page.locator(".messagelist")).to_contain_text("heeft nu de status ‘in behandeling’")
    expect(page.locator(".messagelist")).to_contain_text("De notitie is toegevoegd.")
    expect(page.locator("#notities")).to_contain_text("Nog één vraag over de zetel.")
    assert_axe_clean(page)
    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.IN_BEHANDELING


def test_the_partnership_page_stops_a_button_that_would_drop_typed_notes(signed_in, live_server,
                                                                         ronde):
    coordinator = _staff(COORDINATOR, "cora")
    page = signed_in(coordinator)
    at_phone_width(page)
    partnerschap = Partnerschap.objects.get()
    url = f"{live_server.url}/beheer/partnerschappen/partnerschap/{partnerschap.pk}/change/"
    page.goto(url)
    assert_axe_clean(page)
    assert_no_sideways_scroll(page)

    page.locator("#id_notities").fill("Eerst de regisseur bellen.")
    page.get_by_role("link", name="Gesprek plannen").click()

    # Stopped once, with a message that names the field; the text is still there.
    warning = page.get_by_role("alert").filter(has_text=NOT_SAVED)
    expect(warning).to_be_visible()
    expect(page).to_have_url(url)
    expect(page.locator("#id_notities")).to_have_value("Eerst de regisseur bellen.")
    assert_axe_clean(page)

    # Saved with the page's own button, the notes are kept; then the link goes ahead at once.
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    partnerschap.refresh_from_db()
    assert partnerschap.notities == "Eerst de regisseur bellen."
    page.get_by_role("link", name="Gesprek plannen").click()
    expect(page).to_have_url(url.replace("change/", "gesprek/plannen/"))


def test_pressed_again_the_link_goes_on_without_the_typed_text(signed_in, live_server, ronde):
    coordinator = _staff(COORDINATOR, "cora")
    page = signed_in(coordinator)
    partnerschap = Partnerschap.objects.get()
    page.goto(f"{live_server.url}/beheer/partnerschappen/partnerschap/{partnerschap.pk}/change/")
    page.locator("#id_notities").fill("Dit laat ik vallen.")
    link = page.get_by_role("link", name="Gesprek plannen")
    link.click()
    expect(page.get_by_role("alert").filter(has_text=NOT_SAVED)).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", name="Gesprek plannen")).to_be_visible()
    partnerschap.refresh_from_db()
    assert partnerschap.notities == ""


def test_a_member_row_is_removed_from_the_partnership_not_deleted(signed_in, live_server, ronde):
    coordinator = _staff(COORDINATOR, "cora")
    page = signed_in(coordinator)
    partnerschap = Partnerschap.objects.get()
    leaving = partnerschap.lidmaatschappen.order_by("pk").last()
    page.goto(f"{live_server.url}/beheer/partnerschappen/partnerschap/{partnerschap.pk}/change/")
    # No related-object icon anywhere; the row's own control names what it does.
    expect(page.locator(".related-widget-wrapper-link")).to_have_count(0)
    page.get_by_role("checkbox", name="Dit lid uit het partnerschap halen").last.check()
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert not partnerschap.lidmaatschappen.filter(pk=leaving.pk).exists()
    assert Registratie.objects.filter(pk=leaving.registratie_id).exists()
