"""Issue 16: each role followed through the jobs that cross features, in Chromium.

The round is the demo's (``manage.py demo_data``: a made-up register of 2,000 enterprises,
registrations verified by it, differing from it and refused by it, Brussels seats with their
explanation, seats the register puts in Wallonia), plus one organisation the register now
knows as stopped. Every page a journey visits is checked with axe (no serious or critical
finding) and at 390 px (no sideways scrolling): ``Journey.visit`` for an address, ``check``
for a page reached by a click.
"""
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from berichten import rendering
from berichten.models import Bericht
from kbo.synthetic import synthetic_enterprises
from partnerschappen import services as partnerschap_services
from partnerschappen.models import Uitnodiging
from registraties import services
from registraties.constants import KboControle, RegistratieStatus, Vlag
from registraties.management.commands.demo_data import KBO_DEMO_AANTAL, KBO_DEMO_SEED, Command
from registraties.models import Registratie
from tests.factories import make_registratie
from verkenning.models import Ronde

from .checks import assert_page_clean, visit_clean

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=10_000)
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
EDIT_LINK = re.compile(r"(/interesse/wijzigen/[A-Za-z0-9_:-]+/)")
ANSWER_LINK = re.compile(r"(/gesprek/[A-Za-z0-9_-]+/)")
KBO_NOTICE = "ESF&DO bekijkt deze opmerking van de Kruispuntbank van Ondernemingen (KBO)"


# ----- the data: the demo round, as `make run` builds it ------------------------------------


@pytest.fixture
def demo(live_server):
    """The demo round with its register, and one registration of an enterprise the register
    now knows as stopped (the demo's organisations are all active)."""
    call_command("demo_data", "--force", stdout=StringIO())
    ronde = Ronde.objects.get(slug="demo")
    stopped = next(e for e in synthetic_enterprises(KBO_DEMO_AANTAL, seed=KBO_DEMO_SEED)
                   if e.rechtspersoon and not e.actief and e.heeft_adres and not e.land_nl
                   and e.postcode[0] in "2389")
    make_registratie(ronde, ondernemingsnummer=stopped.nummer, naam=stopped.naam,
                     postcode=stopped.postcode, gemeente=stopped.gemeente,
                     contact_email="info@gestopt.example.be")
    services.registraties_recheck_register(registraties=Registratie.objects.filter(ronde=ronde))
    return ronde


def staff(username: str):
    """One of the demo's staff accounts ("coordinator", "beoordelaar")."""
    return get_user_model().objects.get(username=username)


def mail_text(to: str, soort: str) -> str:
    """The text of the last mail of this kind queued to ``to``: as the worker will write it, or
    as it went out (a sent mail's text is not kept)."""
    bericht = Bericht.objects.filter(aan=to, soort=soort).latest("pk")
    if bericht.gegevens is not None:
        return rendering.render(bericht.soort, bericht.gegevens).tekst
    return [m for m in mail.outbox if m.to == [to] and m.subject == bericht.onderwerp][-1].body


class Journey:
    """One person's browser: every page checked, every server error and foreign host kept."""

    def __init__(self, page, live_server):
        self.page = page
        self.base = live_server.url
        self.server_errors: list[str] = []
        self.pages = 0
        page.on("response", self._remember)

    def _remember(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def visit(self, path: str, *, status: int = 200):
        self.pages += 1
        return visit_clean(self.page, self.base + path, status=status)

    def check(self):
        """The page a click or a form led to."""
        self.page.wait_for_load_state()
        self.pages += 1
        assert_page_clean(self.page)

    def done(self, hosts: set[str]):
        assert self.server_errors == []
        assert hosts <= LOCAL_HOSTS, hosts


@pytest.fixture
def journey(recording, signed_in, live_server):
    """``journey()`` for a visitor, ``journey(user)`` for a signed-in staff member."""
    made = []

    def start(user=None, **context_options) -> Journey:
        if user is None:
            recorded = recording(**context_options)
            page, hosts = recorded.page, recorded.hosts
        else:
            page, hosts = signed_in(user), None
        trip = Journey(page, live_server)
        made.append((trip, hosts))
        return trip

    yield start
    for trip, hosts in made:
        trip.done(hosts if hosts is not None else LOCAL_HOSTS)


# ----- the organisation ---------------------------------------------------------------------


def fill_the_rest(page, *, email: str):
    """The answers the register cannot fill in."""
    page.check('[name="bereid_tot_partnerschap"]')
    page.select_option('[name="rechtsvorm"]', "vzw")
    page.select_option('[name="type_organisatie"]', "sectorfonds")
    page.check('[name="werking_vlaanderen"]')
    page.fill('[name="contact_naam"]', "An Peeters")
    page.fill('[name="contact_email"]', email)
    page.fill('[name="contact_telefoon"]', "09 111 22 33")
    page.check('input[name="themas"][value="behoeftedetectie"]')
    page.check('input[name="rollen"][value="regie"]')
    page.fill('[name="sectoren"]', "bouw")
    page.fill('[name="aandeel_kleine_ondernemingen"]', "80")
    page.fill('[name="competentie_uitdagingen"]', "Digitale bouwplannen lezen.")
    page.check('[name="privacy_akkoord"]')


def edit_only_the_phone(trip: Journey, path: str, phone: str, *, notice: bool):
    """Open an edit link, change the phone number alone, save; the page says what happened."""
    page = trip.page
    trip.visit(path)
    notices = page.get_by_text(KBO_NOTICE)
    if notice:
        expect(notices.first).to_be_visible()
    else:
        expect(notices).to_have_count(0)
    page.fill('[name="contact_telefoon"]', phone)
    page.get_by_role("button", name="Wijzigingen bewaren").click()
    expect(page).to_have_url(trip.base + "/interesse/bevestiging/")
    expect(page.locator("h1")).to_have_text("Uw registratie is bijgewerkt")
    expect(page.locator("main")).to_contain_text("Uw wijzigingen zijn bewaard.")
    expect(page.locator("main")).not_to_contain_text("We stuurden een bevestiging")
    if notice:
        expect(page.locator("main")).to_contain_text(KBO_NOTICE)
    trip.check()


def test_an_organisation_registers_edits_gets_a_new_link_and_answers_an_invitation(
        journey, demo):
    trip = journey()
    page = trip.page

    # The call, then the form; the register offers name and address for a known number.
    trip.visit("/")
    page.get_by_role("link", name="Interesse indienen").last.click()
    expect(page).to_have_url(trip.base + "/interesse/")
    trip.check()
    known = Command._example(demo)
    page.fill('[name="ondernemingsnummer"]', f"{known.nummer[:4]}.{known.nummer[4:7]}.{known.nummer[7:]}")
    offer = page.locator("#kbo-aanbod")
    expect(offer).to_contain_text(known.naam)
    page.get_by_role("button", name="Ja, vul naam en adres in").click()
    expect(page.locator('[name="naam"]')).to_have_value(known.naam)
    trip.check()
    fill_the_rest(page, email="an@nieuw.example.be")
    page.get_by_role("button", name="Interesse indienen").click()
    expect(page).to_have_url(trip.base + "/interesse/bevestiging/")
    expect(page.locator("h1")).to_have_text("Bedankt, uw interesse is geregistreerd")
    trip.check()
    new = Registratie.objects.get(ronde=demo, ondernemingsnummer=known.nummer)
    assert (new.naam, new.postcode, new.kbo_controle) == (known.naam, known.postcode,
                                                         KboControle.GEVERIFIEERD)

    # The edit link of the confirmation mail: only the phone changes, no word of the register.
    path = EDIT_LINK.search(mail_text("an@nieuw.example.be", "bevestiging")).group(1)
    edit_only_the_phone(trip, path, "09 999 88 77", notice=False)
    new.refresh_from_db()
    assert new.contact_telefoon == "09 999 88 77"

    # Organisations the register flags: the mail is lost, "link kwijt" sends a new link, and
    # editing only the phone works and says the register's remark stays with ESF&DO.
    flagged = [
        Registratie.objects.filter(ronde=demo, kbo_controle=KboControle.NIET_GEVONDEN)
        .order_by("pk").first(),
        Registratie.objects.get(ronde=demo, contact_email="info@gestopt.example.be"),
        Registratie.objects.filter(ronde=demo, kbo_bevindingen__icontains='"zetel_wallonie"')
        .order_by("pk").first(),
    ]
    # ... and a Brussels seat with its explanation (the register may remark on it too).
    brussels = Registratie.objects.filter(ronde=demo, gewest="brussel") \
        .exclude(pk__in=[r.pk for r in flagged]).order_by("pk").first()
    assert brussels.toelichting_werking
    for index, registratie in enumerate([*flagged, brussels]):
        assert registratie is not None
        flags_before = set(registratie.vlaggen)
        remarked = any(flag.startswith("kbo_") for flag in flags_before)
        assert remarked or registratie == brussels
        trip.visit("/interesse/link-kwijt/")
        page.fill('[name="ondernemingsnummer"]', registratie.ondernemingsnummer_opgemaakt)
        page.fill('[name="contact_email"]', registratie.contact_email)
        page.get_by_role("button", name="Nieuwe link aanvragen").click()
        expect(page.locator("h1")).to_have_text("Link aangevraagd")
        trip.check()
        path = EDIT_LINK.search(mail_text(registratie.contact_email, "nieuwe_link")).group(1)
        phone = f"02 555 00 0{index}"
        edit_only_the_phone(trip, path, phone, notice=remarked)
        registratie.refresh_from_db()
        assert registratie.contact_telefoon == phone
        assert set(registratie.vlaggen) == flags_before
    assert Vlag.KBO_NIET_GEVONDEN in flagged[0].vlaggen and Vlag.KBO_NIET_GEVONDEN in flagged[1].vlaggen

    # ESF&DO invites the new organisation to a conversation; it answers through its mail's link.
    Registratie.objects.filter(pk=new.pk).update(status=RegistratieStatus.ONTVANKELIJK)
    others = list(Registratie.objects.filter(ronde=demo, status=RegistratieStatus.ONTVANKELIJK)
                  .exclude(pk=new.pk).order_by("pk")[:2])
    partnerschap = partnerschap_services.partnerschap_create(
        ronde=demo, naam="Bouw en digitale plannen", registraties=[new, *others])
    gesprek = partnerschap_services.gesprek_plan(
        partnerschap=partnerschap, begint_op=timezone.now() + timedelta(days=10),
        duur_minuten=90, plaats="Koning Albert II-laan 35, Brussel")
    partnerschap_services.gesprek_invite(gesprek=gesprek)
    path = ANSWER_LINK.search(mail_text(new.contact_email, "gesprek_uitnodiging")).group(1)
    trip.visit(path)
    expect(page.locator("h1")).to_have_text("Komt u naar het gesprek?")
    expect(page.locator("main")).to_contain_text("Bouw en digitale plannen")
    page.get_by_role("button", name="Ik kom", exact=True).click()
    expect(page.locator("main")).to_contain_text("Bedankt, uw antwoord is bewaard.")
    trip.check()
    assert Uitnodiging.objects.get(gesprek=gesprek, registratie=new).antwoord == "komt"
    # ... and its edit page shows that answer beside its own.
    path = EDIT_LINK.search(mail_text("an@nieuw.example.be", "bevestiging")).group(1)
    trip.visit(path)
    expect(page.locator("#gesprekken")).to_contain_text("uw antwoord: komt")
