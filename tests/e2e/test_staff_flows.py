"""ESF&DO staff in a real browser: review, partnerships and Excel, as a new user would try them.

Each test logs in through the real login form of /beheer/ as a user created with
``medewerkers.roles.staff_user_save``, clicks through the pages a coordinator or a reviewer
would use, reads what the pages show and checks the database afterwards.
"""
import re
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from medewerkers.roles import COORDINATOR, REVIEWER, staff_user_save
from partnerschappen import services as partnerschap_services
from partnerschappen.models import Lidmaatschap, Partnerschap
from partnerschappen.suggestions import suggest_partnerships
from registraties import review
from registraties.admin.registratie import RegistratieAdmin
from registraties.constants import Gewest, RegistratieStatus
from registraties.models import Notitie, Registratie, StatusWijziging
from tests.factories import make_registraties
from verkenning.models import Ronde

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Proef-wachtwoord-2021!"
REGISTRATION_COUNT = 40
REASON_REQUIRED = "Geef een reden op waarom de registratie niet ontvankelijk is."
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

expect.set_options(timeout=10_000)


# ----- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def ronde(live_server):
    """An open round with 40 demo registrations in varied review states."""
    now = timezone.now()
    ronde = Ronde.objects.create(titel="Verkenningsronde competentiechecks (e2e)", slug="e2e-beheer",
                                 opent_op=now - timedelta(days=10), sluit_op=now + timedelta(days=20),
                                 referentie_prefix="BEH")
    registraties = make_registraties(ronde, REGISTRATION_COUNT, seed=2021)
    # Some registrations are already reviewed, so "still to review" leaves rows out.
    by_status = {RegistratieStatus.IN_BEHANDELING: [], RegistratieStatus.ONTVANKELIJK: [],
                 RegistratieStatus.NIET_ONTVANKELIJK: []}
    for index, registratie in enumerate(registraties):
        if index % 5 == 1:
            by_status[RegistratieStatus.IN_BEHANDELING].append(registratie.pk)
        elif index % 5 == 2:
            by_status[RegistratieStatus.ONTVANKELIJK].append(registratie.pk)
        elif index % 9 == 8:
            by_status[RegistratieStatus.NIET_ONTVANKELIJK].append(registratie.pk)
    for status, pks in by_status.items():
        Registratie.objects.filter(pk__in=pks).update(
            status=status, status_reden="Geen werking in Vlaanderen."
            if status == RegistratieStatus.NIET_ONTVANKELIJK else "")
    brussels = Registratie.objects.filter(ronde=ronde, gewest=Gewest.BRUSSEL)
    # The flows below need Brussels rows both still to review and already reviewed.
    assert review.to_review(brussels).count() >= 2
    assert brussels.exclude(status__in=[RegistratieStatus.INGEDIEND, RegistratieStatus.IN_BEHANDELING]).exists()
    return ronde


@pytest.fixture
def coordinator(db):
    user, _created, _password = staff_user_save(username="cora", role=COORDINATOR,
                                                password=PASSWORD, first_name="Cora",
                                                last_name="Coördinator",
                                                email="cora@esfdo.example")
    return user


@pytest.fixture
def reviewer(db):
    user, _created, _password = staff_user_save(username="bert", role=REVIEWER,
                                                password=PASSWORD, first_name="Bert",
                                                last_name="Beoordelaar",
                                                email="bert@esfdo.example")
    return user


class StaffBrowser:
    """A fresh browser context that remembers every server error and every host it asked."""

    def __init__(self, recorded, live_server):
        self.page = recorded.page
        self.base = live_server.url
        self.hosts = recorded.hosts
        self.server_errors: list[str] = []
        self.page.on("response", self._remember_errors)

    def _remember_errors(self, response):
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def url(self, path: str) -> str:
        return self.base + path

    def login(self, user):
        page = self.page
        page.goto(self.url("/beheer/login/"))
        expect(page.locator("html")).to_have_attribute("lang", re.compile(r"^nl"))
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.locator('#login-form input[type="submit"]').click()
        expect(page).to_have_url(self.url("/beheer/"))
        expect(page.locator("#user-tools")).to_contain_text(user.first_name)

    def check_clean(self):
        assert self.server_errors == []
        assert self.hosts <= LOCAL_HOSTS, self.hosts


@pytest.fixture
def staff_browser(recording, live_server):
    def open_browser() -> StaffBrowser:
        return StaffBrowser(recording(accept_downloads=True), live_server)

    return open_browser


# ----- helpers -----------------------------------------------------------------------------


def status_label(code: str) -> str:
    return str(RegistratieStatus(code).label)


def filter_group(page, title: str):
    return page.locator(f'#changelist-filter details[data-filter-title="{title}"]')


def click_filter(page, title: str, choice: str):
    """Click a choice of a list filter and wait for the list it opens."""
    group = filter_group(page, title)
    link = group.get_by_role("link", name=choice, exact=True)
    query = link.get_attribute("href")
    link.click()
    page.wait_for_url(re.compile(re.escape(query) + "$"))
    expect(group.locator("li.selected")).to_have_text(choice)


def listed_references(page) -> list[str]:
    return [text.strip() for text in
            page.locator("#result_list tbody tr .field-referentie").all_inner_texts()]


def chart_numbers(page, key: str) -> dict[str, int]:
    """{label: count} of an overview chart, read from its table for screen readers."""
    figure = page.locator(f"#grafiek-{key}")
    figure.locator("summary", has_text="Cijfers als tabel").click()
    rows = figure.locator("table.portaal-chart-table tbody tr")
    expect(rows.first).to_be_visible()
    numbers = {}
    for row in rows.all():
        numbers[row.locator("th").inner_text().strip()] = int(row.locator("td").inner_text())
    return numbers


def kpi(page, label: str) -> int:
    box = page.locator(".portaal-kpi").filter(
        has=page.locator("span", has_text=re.compile(rf"^{label}$")))
    return int(box.locator(".portaal-kpi-getal").inner_text())


# ----- issue 3: the review workflow ---------------------------------------------------------


def test_coordinator_reviews_every_brussels_registration_still_to_review(
        staff_browser, ronde, coordinator):
    staff = staff_browser()
    page = staff.page
    staff.login(coordinator)

    # The overview before any review.
    page.locator(".portaal-tile", has_text="Overzicht").click()
    expect(page).to_have_url(staff.url("/beheer/overzicht/"))
    to_review_before = kpi(page, "te beoordelen")
    ontvankelijk_before = chart_numbers(page, "status")["ontvankelijk"]
    page.goto(staff.url("/beheer/"))

    # The index tile opens the list on its default view: what is still to review.
    page.locator(".portaal-tile", has_text="Te beoordelen").click()
    expect(page).to_have_url(re.compile(r"/beheer/registraties/registratie/"))
    expect(filter_group(page, "status").locator("li.selected")).to_have_text(
        "Te beoordelen (ingediend of in behandeling)")
    all_to_review = review.to_review(Registratie.objects.filter(ronde=ronde))
    expect(page.locator("#result_list tbody tr")).to_have_count(all_to_review.count())

    click_filter(page, "gewest", "Brussels Hoofdstedelijk Gewest")
    click_filter(page, "status", "Te beoordelen (ingediend of in behandeling)")
    expect(filter_group(page, "gewest").locator("li.selected")).to_have_text(
        "Brussels Hoofdstedelijk Gewest")

    expected = Registratie.objects.filter(
        ronde=ronde, gewest=Gewest.BRUSSEL,
        status__in=[RegistratieStatus.INGEDIEND, RegistratieStatus.IN_BEHANDELING])
    expected_refs = sorted(expected.values_list("referentie", flat=True))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(len(expected_refs))
    assert sorted(listed_references(page)) == expected_refs
    statuses = {text.strip() for text in
                page.locator("#result_list tbody tr .field-status_badge").all_inner_texts()}
    assert statuses <= {"ingediend", "in behandeling"}
    # Brussels rows carry the flag staff must check (Flemish focus of a Brussels seat).
    for row in rows.all():
        expect(row.locator(".field-vlaggen_kort")).to_contain_text("Brussel")

    # Open one, read it.
    chosen = expected.order_by("referentie").first()
    old_status = chosen.status
    page.locator("#result_list").get_by_role("link", name=chosen.referentie, exact=True).click()
    expect(page).to_have_url(re.compile(
        re.escape(staff.url(f"/beheer/registraties/registratie/{chosen.pk}/change/"))))
    answers = page.locator("section[aria-labelledby='antwoorden-titel']")
    expect(answers).to_contain_text(chosen.naam)
    expect(answers).to_contain_text(chosen.competentie_uitdagingen)
    expect(answers).to_contain_text(chosen.toelichting_werking)
    expect(page.locator(".portaal-flags")).to_contain_text("Zetel in Brussel")
    expect(page.locator(".portaal-beoordeling .portaal-status")).to_have_text(
        status_label(old_status))

    # Note something.
    note = "Gebeld met de contactpersoon: 80% van de leden zijn Vlaamse kmo's."
    page.locator("#notities textarea[name='tekst']").fill(note)
    page.get_by_role("button", name="Notitie toevoegen").click()
    expect(page.locator("ul.messagelist")).to_contain_text("De notitie is toegevoegd.")
    expect(page.locator("#notities .portaal-notitie")).to_contain_text(note)
    expect(page.locator("#notities .portaal-notitie")).to_contain_text("Cora Coördinator")

    # Mark it ontvankelijk.
    page.locator(".portaal-beoordeling select[name='status']").select_option("ontvankelijk")
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        f"{chosen.referentie} heeft nu de status ‘ontvankelijk’.")
    expect(page.locator(".portaal-beoordeling .portaal-status-regel")).to_contain_text(
        "ontvankelijk")
    expect(page.locator(".portaal-beoordeling .portaal-status-regel")).to_contain_text(
        "door Cora Coördinator")
    review_log = page.locator(".portaal-beoordeling table tbody tr")
    expect(review_log).to_have_count(1)
    expect(review_log).to_contain_text(f"{status_label(old_status)} → ontvankelijk")
    expect(review_log).to_contain_text("Cora Coördinator")

    # ... and in its history on the page.
    history = page.locator("section[aria-labelledby='geschiedenis-titel'] tbody tr")
    expect(history.first).to_contain_text(
        f"Status gewijzigd van ‘{status_label(old_status)}’ naar ‘ontvankelijk’")
    expect(history.first).to_contain_text("Cora Coördinator")
    expect(history.first.locator(".portaal-changes")).to_contain_text(
        f"{status_label(old_status)} → ontvankelijk")
    expect(history.last).to_contain_text("de organisatie (via het formulier)")

    chosen.refresh_from_db()
    assert chosen.status == RegistratieStatus.ONTVANKELIJK
    assert chosen.status_gewijzigd_door == coordinator
    wijziging = StatusWijziging.objects.get(registratie=chosen)
    assert (wijziging.van, wijziging.naar, wijziging.door) == (old_status, RegistratieStatus.ONTVANKELIJK,
                                                               coordinator)
    assert list(Notitie.objects.filter(registratie=chosen).values_list("tekst", "auteur")) == [
        (note, coordinator.pk)]
    assert chosen.history.filter(history_user=coordinator).count() == 1

    # ... and in the overview's numbers.
    page.locator("#user-tools").get_by_role("link", name="Overzicht", exact=True).click()
    expect(page).to_have_url(staff.url("/beheer/overzicht/"))
    expect(page.locator("#content h2").first).to_have_text(ronde.titel)
    in_round = Registratie.objects.filter(ronde=ronde)
    assert kpi(page, "registraties") == REGISTRATION_COUNT
    assert kpi(page, "te beoordelen") == to_review_before - 1 == review.to_review(in_round).count()
    by_status = chart_numbers(page, "status")
    assert by_status["ontvankelijk"] == ontvankelijk_before + 1
    assert by_status == {str(label): in_round.filter(status=code).count()
                         for code, label in RegistratieStatus.choices}
    assert chart_numbers(page, "gewest")["Brussels Hoofdstedelijk Gewest"] == \
        in_round.filter(gewest=Gewest.BRUSSEL).count()

    # A bar of the chart opens the list behind its number: every Brussels registration.
    brussels_bar = page.locator("#grafiek-gewest svg a.portaal-bar").filter(
        has=page.locator("title", has_text="Brussels Hoofdstedelijk Gewest"))
    brussels_bar.click()
    expect(page).to_have_url(re.compile(r"/beheer/registraties/registratie/\?.*gewest__exact=brussel"))
    brussels_all = in_round.filter(gewest=Gewest.BRUSSEL)
    expect(rows).to_have_count(brussels_all.count())
    assert sorted(listed_references(page)) == sorted(brussels_all.values_list("referentie",
                                                                              flat=True))
    # Back to what is still to review there: the reviewed one is gone from it.
    click_filter(page, "status", "Te beoordelen (ingediend of in behandeling)")
    expect(rows).to_have_count(len(expected_refs) - 1)
    assert chosen.referentie not in listed_references(page)

    # "Niet ontvankelijk" without a reason: a Dutch message on the field, nothing changed.
    other = expected.exclude(pk=chosen.pk).order_by("referentie").first()
    history_before = other.history.count()
    page.locator("#result_list").get_by_role("link", name=other.referentie, exact=True).click()
    page.locator(".portaal-beoordeling select[name='status']").select_option("niet_ontvankelijk")
    page.locator(".portaal-beoordeling textarea[name='reden']").fill("   ")
    # A coordinator's page is one form (issue 16): the status goes with the answers, to the
    # page's own address, which shows the refusal again with everything typed.
    with page.expect_response(lambda r: r.request.method == "POST"
                              and f"/{other.pk}/change/" in r.url) as answer:
        page.get_by_role("button", name="Status opslaan").click()
    assert answer.value.status == 200
    expect(page.locator("#id_reden_fout")).to_contain_text(REASON_REQUIRED)
    expect(page.locator(".portaal-beoordeling select[name='status']")).to_have_value(
        "niet_ontvankelijk")
    expect(page.locator(".portaal-beoordeling .portaal-status")).to_have_text(
        status_label(other.status))
    old = other.status
    other.refresh_from_db()
    assert other.status == old
    assert other.status_reden == ""
    assert not StatusWijziging.objects.filter(registratie=other).exists()
    assert other.history.count() == history_before

    staff.check_clean()


# ----- issue 4: partnerships and Excel -------------------------------------------------------


def test_coordinator_turns_a_suggestion_into_a_partnership_and_exports_a_filtered_list(
        staff_browser, ronde, coordinator, tmp_path):
    staff = staff_browser()
    page = staff.page
    staff.login(coordinator)

    # Index → Partnerschappen → Voorgestelde partnerschappen.
    page.locator(".portaal-tile", has_text="Partnerschappen").click()
    expect(page).to_have_url(staff.url("/beheer/partnerschappen/partnerschap/"))
    page.get_by_role("link", name="Voorgestelde partnerschappen").click()
    expect(page).to_have_url(re.compile(r"/beheer/partnerschappen/partnerschap/suggesties/"))

    computed = suggest_partnerships(ronde=ronde)
    assert computed, "the demo data should contain natural groups"
    sections = page.locator("section.suggestie")
    expect(sections).to_have_count(len(computed))
    first = sections.first
    expect(first.locator("h3")).to_have_text("Waarom deze groep?")
    explanation = [line.strip() for line in first.locator("ul.uitleg li").all_inner_texts()]
    assert explanation and all(explanation)
    suggestion = computed[0]
    assert explanation == [str(line) for line in suggestion.explanation]
    expect(first.locator("h2")).to_have_text(suggestion.naam)
    shown = [text.split()[0] for text in first.locator("tbody td:first-child a").all_inner_texts()]
    members = {r.pk: r for r in suggestion.registraties}
    assert shown == [members[pk].referentie for pk in suggestion.members]

    # One click.
    first.get_by_role("button", name="Maak hiervan een partnerschap").click()
    expect(page).to_have_url(re.compile(r"/beheer/partnerschappen/partnerschap/\d+/change/"))
    expect(page.locator("ul.messagelist")).to_contain_text(
        f"Partnerschap ‘{suggestion.naam}’ aangemaakt met {suggestion.size} leden.")
    partnerschap = Partnerschap.objects.get()
    assert partnerschap.naam == suggestion.naam
    assert partnerschap.ronde == ronde
    assert partnerschap.aangemaakt_door == coordinator
    assert set(partnerschap.lidmaatschappen.values_list("registratie_id", flat=True)) == \
        set(suggestion.members)

    # Open it from the list of partnerships.
    page.locator(".breadcrumbs").get_by_role("link", name="Partnerschappen").last.click()
    expect(page).to_have_url(staff.url("/beheer/partnerschappen/partnerschap/"))
    page.locator("#result_list").get_by_role("link", name=partnerschap.naam).click()
    expect(page).to_have_url(re.compile(
        re.escape(staff.url(f"/beheer/partnerschappen/partnerschap/{partnerschap.pk}/change/"))))
    expect(page.locator("#id_naam")).to_have_value(partnerschap.naam)

    # Add a member by hand through the autocomplete of the members inline.
    newcomer = (Registratie.objects.filter(ronde=ronde, status=RegistratieStatus.INGEDIEND)
                .exclude(pk__in=suggestion.members).order_by("referentie").first())
    count = len(suggestion.members)
    empty_row = page.locator(f"#lidmaatschappen-{count}")
    expect(empty_row).to_be_visible()
    empty_row.locator(".select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.fill(newcomer.referentie)
    option = page.locator(".select2-results__option", has_text=newcomer.referentie)
    expect(option).to_have_count(1)
    option.click()
    expect(empty_row.locator(".select2-selection__rendered")).to_contain_text(newcomer.naam)
    page.locator(f"#id_lidmaatschappen-{count}-rol").select_option("partner")
    page.locator(f"#id_lidmaatschappen-{count}-acties input[value='communicatie']").check()
    page.locator("input[name='_continue']").click()
    expect(page.locator("ul.messagelist")).to_contain_text("gewijzigd")
    expect(page.locator(".errornote")).to_have_count(0)

    lid = Lidmaatschap.objects.get(partnerschap=partnerschap, registratie=newcomer)
    assert lid.rol == "partner"
    assert lid.acties == ["communicatie"]
    assert partnerschap.lidmaatschappen.count() == count + 1

    # The warnings, as the rules compute them, on the page.
    warnings = [str(w) for w in partnerschap_services.partnerschap_warnings(
        partnerschap=partnerschap)]
    assert any(newcomer.naam in w and "Nog te beoordelen" in w for w in warnings)
    shown_warnings = page.locator(".field-waarschuwingen li")
    expect(shown_warnings).to_have_count(len(warnings))
    assert [w.strip() for w in shown_warnings.all_inner_texts()] == warnings

    # Excel of a filtered and searched registration list: the partnership's sector in Flanders.
    term = members[suggestion.members[0]].sectoren.split(",")[0].strip()
    page.goto(staff.url("/beheer/registraties/registratie/"))
    click_filter(page, "status", "Alle statussen")
    click_filter(page, "gewest", "Vlaams Gewest")
    page.locator("#searchbar").fill(term)
    page.locator("#searchbar").press("Enter")
    expect(page).to_have_url(re.compile(rf"[?&]q={re.escape(term)}"))
    matches = Q()
    for name in RegistratieAdmin.search_fields:
        matches |= Q(**{f"{name}__icontains": term})
    wanted = Registratie.objects.filter(matches, ronde=ronde, gewest=Gewest.VLAANDEREN)
    wanted_refs = sorted(wanted.values_list("referentie", flat=True))
    assert 0 < len(wanted_refs) < REGISTRATION_COUNT
    assert wanted.filter(lidmaatschappen__partnerschap=partnerschap).exists()
    expect(page.locator("#result_list tbody tr")).to_have_count(len(wanted_refs))
    assert sorted(listed_references(page)) == wanted_refs

    page.get_by_role("link", name="Exporteren naar Excel").click()
    expect(page).to_have_url(re.compile(r"/beheer/registraties/registratie/excel/export/\?"))
    expect(page.locator("#content")).to_contain_text("Dit bestand bevat persoonsgegevens")
    expect(page.locator("#content")).to_contain_text(
        f"Het bestand bevat {len(wanted_refs)} registraties.")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Excel-bestand downloaden").click()
    download = download_info.value
    assert download.failure() is None
    assert re.fullmatch(r"registraties-\d{8}-\d{4}\.xlsx", download.suggested_filename)
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    workbook = load_workbook(target)  # opens cleanly
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    headers = list(values[0])
    rows = [dict(zip(headers, row, strict=True)) for row in values[1:]]
    assert sorted(row["Referentie"] for row in rows) == wanted_refs
    by_ref = {r.referentie: r for r in wanted}
    member_pks = set(partnerschap.lidmaatschappen.values_list("registratie_id", flat=True))
    for row in rows:
        registratie = by_ref[row["Referentie"]]
        assert row["Naam organisatie"] == registratie.naam
        assert row["Status"] == registratie.get_status_display()
        assert (row["Partnerschappen"] or "") == (
            partnerschap.naam if registratie.pk in member_pks else "")

    staff.check_clean()


# ----- roles: what a reviewer may and may not do ----------------------------------------------


def test_reviewer_changes_a_status_reads_partnerships_but_neither_exports_nor_composes(
        staff_browser, ronde, reviewer):
    staff = staff_browser()
    page = staff.page
    staff.login(reviewer)

    # No way in from the index or the list. Partnerships they may read (issue 11), not compose.
    expect(page.locator(".portaal-tile", has_text="Te beoordelen")).to_be_visible()
    expect(page.locator(".portaal-tile", has_text="Partnerschappen")).to_be_visible()
    page.locator(".portaal-tile", has_text="Te beoordelen").click()
    expect(page.locator("#result_list")).to_be_visible()
    expect(page.get_by_role("link", name="Exporteren naar Excel")).to_have_count(0)
    expect(page.get_by_role("link", name="Importeren uit Excel")).to_have_count(0)
    action_options = [text.strip() for text in
                      page.locator("select[name='action'] option").all_inner_texts()]
    assert "Status wijzigen van de geselecteerde registraties…" in action_options
    assert not any("Excel" in text or "partnerschap" in text for text in action_options)

    # Typing the addresses does not help either.
    for path in ("/beheer/registraties/registratie/excel/export/?status=alle",
                 "/beheer/partnerschappen/partnerschap/add/"):
        response = page.goto(staff.url(path))
        assert response.status == 403, path
    response = page.goto(staff.url("/beheer/partnerschappen/partnerschap/suggesties/"))
    assert response.status == 200
    expect(page.get_by_role("button", name="Maak hiervan een partnerschap")).to_have_count(0)
    # A POST to the export refuses too (the form would need a CSRF token from a page it
    # cannot see: use the one of the list).
    page.goto(staff.url("/beheer/registraties/registratie/"))
    token = page.locator("input[name='csrfmiddlewaretoken']").first.get_attribute("value")
    response = page.request.post(staff.url("/beheer/registraties/registratie/excel/export/"),
                                 form={"csrfmiddlewaretoken": token},
                                 headers={"Referer": staff.url("/beheer/registraties/registratie/")})
    assert response.status == 403
    assert "spreadsheetml" not in response.headers.get("content-type", "")

    # But the reviewer can move a registration through the workflow.
    registratie = Registratie.objects.filter(ronde=ronde, status=RegistratieStatus.INGEDIEND) \
        .order_by("referentie").first()
    page.locator("#result_list").get_by_role("link", name=registratie.referentie,
                                             exact=True).click()
    expect(page.locator("#notities")).to_be_visible()
    status_select = page.locator(".portaal-beoordeling select[name='status']")
    # The current status is preselected (issue 16): a click on "Status opslaan" alone
    # changes nothing; the reviewer picks the next step.
    expect(status_select).to_have_value("ingediend")
    status_select.select_option("in_behandeling")
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.locator("ul.messagelist")).to_contain_text(
        f"{registratie.referentie} heeft nu de status ‘in behandeling’.")
    expect(page.locator(".portaal-beoordeling .portaal-status-regel")).to_contain_text(
        "door Bert Beoordelaar")
    # Read-only for the answers: no save buttons of the change form.
    expect(page.locator("input[name='_save']")).to_have_count(0)

    registratie.refresh_from_db()
    assert registratie.status == RegistratieStatus.IN_BEHANDELING
    assert registratie.status_gewijzigd_door == reviewer
    assert StatusWijziging.objects.get(registratie=registratie).door == reviewer
    staff.check_clean()


def test_coordinator_bundles_selected_registrations_with_the_batch_action(
        staff_browser, ronde, coordinator, tmp_path):
    in_round = Registratie.objects.filter(ronde=ronde).order_by("referentie")
    already, other_member = list(in_round.filter(status=RegistratieStatus.INGEDIEND)[:2])
    bestaand = partnerschap_services.partnerschap_create(
        ronde=ronde, naam="Bestaande tafel", registraties=[already, other_member], user=coordinator)
    refused = in_round.filter(status=RegistratieStatus.NIET_ONTVANKELIJK).first()
    fresh = in_round.filter(status=RegistratieStatus.ONTVANKELIJK).first()
    later = in_round.filter(status=RegistratieStatus.IN_BEHANDELING).first()

    staff = staff_browser()
    page = staff.page
    staff.login(coordinator)
    page.goto(staff.url("/beheer/registraties/registratie/"))
    click_filter(page, "status", "Alle statussen")
    expect(page.locator("#result_list tbody tr")).to_have_count(REGISTRATION_COUNT)

    def run_action_on(*registraties):
        for registratie in registraties:
            page.locator(f"#result_list input.action-select[value='{registratie.pk}']").check()
        page.locator("select[name='action']").select_option(label="Toevoegen aan partnerschap…")
        page.locator("button[name='index']").click()
        expect(page.locator("#content h1")).to_have_text("Toevoegen aan partnerschap")
        listed = page.locator("#content ul li")
        for registratie in registraties:
            expect(listed.filter(has_text=registratie.referentie)).to_have_count(1)

    # A new partnership from three selected rows: the ineligible one is refused, with the reason.
    run_action_on(already, refused, fresh)
    page.locator("#id_naam").fill("Proefgroep voedingsketen")
    page.locator("#id_basis").select_option("keten")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page).to_have_url(re.compile(r"/beheer/partnerschappen/partnerschap/\d+/change/"))
    messages = page.locator("ul.messagelist")
    expect(messages).to_contain_text("2 registraties toegevoegd aan ‘Proefgroep voedingsketen’.")
    expect(messages.locator("li.error")).to_contain_text(
        f"{refused.naam} niet toegevoegd: {refused.naam} is niet ontvankelijk")

    nieuw = Partnerschap.objects.get(naam="Proefgroep voedingsketen")
    assert nieuw.basis == "keten"
    assert set(nieuw.lidmaatschappen.values_list("registratie_id", flat=True)) == {
        already.pk, fresh.pk}
    warnings = page.locator(".field-waarschuwingen li")
    expect(warnings.filter(has_text="Nog geen regisseur")).to_have_count(1)
    expect(warnings.filter(has_text=f"{already.naam} is ook lid van een ander actief "
                                    f"partnerschap: {bestaand.naam}.")).to_have_count(1)
    assert [w.strip() for w in warnings.all_inner_texts()] == [
        str(w) for w in partnerschap_services.partnerschap_warnings(partnerschap=nieuw)]

    # One more row into that existing partnership.
    page.goto(staff.url("/beheer/registraties/registratie/?status=alle"))
    run_action_on(later)
    page.locator("#id_partnerschap").select_option(label="Proefgroep voedingsketen")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page).to_have_url(
        re.compile(re.escape(staff.url(f"/beheer/partnerschappen/partnerschap/{nieuw.pk}/change/"))))
    expect(page.locator("ul.messagelist")).to_contain_text(
        "1 registratie toegevoegd aan ‘Proefgroep voedingsketen’.")
    expect(page.locator(".field-waarschuwingen li").filter(has_text=later.naam)).not_to_have_count(0)
    assert nieuw.lidmaatschappen.filter(registratie=later).exists()
    assert bestaand.lidmaatschappen.count() == 2

    # The partnerships to Excel: one row per member, with its role.
    page.locator(".breadcrumbs").get_by_role("link", name="Partnerschappen").last.click()
    page.locator(f"#result_list input.action-select[value='{nieuw.pk}']").check()
    page.locator("select[name='action']").select_option(
        label="Geselecteerde partnerschappen exporteren naar Excel (een rij per lid)")
    page.locator("button[name='index']").click()
    expect(page.locator("#content")).to_contain_text("Dit bestand bevat persoonsgegevens")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Excel-bestand downloaden").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    values = list(load_workbook(target).worksheets[0].iter_rows(values_only=True))
    rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    assert {row["Partnerschap"] for row in rows} == {"Proefgroep voedingsketen"}
    assert sorted(row["Referentie"] for row in rows) == sorted(
        r.referentie for r in (already, fresh, later))
    assert {row["Rol"] for row in rows} == {"partner"}
    staff.check_clean()


# ----- known defects, found by these flows (see the report); remove the marker once fixed ----




def test_full_history_page_is_in_dutch_with_readable_values(staff_browser, ronde, coordinator):
    registratie = Registratie.objects.filter(ronde=ronde, status=RegistratieStatus.INGEDIEND) \
        .order_by("referentie").first()
    staff = staff_browser()
    page = staff.page
    staff.login(coordinator)
    page.goto(staff.url(f"/beheer/registraties/registratie/{registratie.pk}/change/"))
    page.locator(".portaal-beoordeling select[name='status']").select_option("in_behandeling")
    page.get_by_role("button", name="Status opslaan").click()
    expect(page.locator("ul.messagelist")).to_contain_text("heeft nu de status ‘in behandeling’")
    page.get_by_role("link", name="Volledige geschiedenis in het beheer").click()
    expect(page.locator("#change-history")).to_be_visible()
    staff.check_clean()
    heading = page.locator("#content h1").inner_text()
    changes = page.locator("#change-history tbody tr").first.locator(
        ".portaal-changes").inner_text()
    assert "View history" not in heading
    assert "ingediend → in behandeling" in changes
    for raw in ("in_behandeling", "Deleted", "None", "+00:00"):
        assert raw not in changes


def test_partnership_export_notice_counts_what_the_file_holds(staff_browser, ronde, coordinator):
    leden = list(Registratie.objects.filter(ronde=ronde, status=RegistratieStatus.INGEDIEND)
                 .order_by("referentie")[:3])
    partnerschap = partnerschap_services.partnerschap_create(ronde=ronde, naam="Drie leden",
                                                             registraties=leden)
    staff = staff_browser()
    page = staff.page
    staff.login(coordinator)
    page.goto(staff.url("/beheer/partnerschappen/partnerschap/"))
    page.locator(f"#result_list input.action-select[value='{partnerschap.pk}']").check()
    page.locator("select[name='action']").select_option(
        label="Geselecteerde partnerschappen exporteren naar Excel (een rij per lid)")
    page.locator("button[name='index']").click()
    notice = page.locator("#content")
    expect(notice).to_contain_text("Dit bestand bevat persoonsgegevens")
    staff.check_clean()
    assert "Het bestand bevat 1 registratie." not in notice.inner_text()
    expect(notice).to_contain_text("Het bestand bevat 3 rijen: één per lid van de 1 gekozen")
