"""The building blocks' staff page in a real Chromium: a coordinator presses "Bouwstenen maken",
the page shows the job's progress and, without reloading, offers both files; axe finds nothing serious or critical
in either state, at phone and desk width, and the page does not scroll sideways."""
import pytest
from django.test import override_settings
from playwright.sync_api import expect

from medewerkers.roles import COORDINATOR, REVIEWER, staff_user_save
from partnerschappen.bouwstenen.models import Bouwstenendocument, DocumentStatus
from tests.berichten.helpers import DATABASE_TASKS, run_worker
from tests.bouwstenen.conftest import build_round

from .test_accessibility import check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=10_000)


def test_a_coordinator_makes_the_building_blocks_and_the_page_passes_axe(signed_in, live_server,
                                                                          open_ronde):
    build_round(open_ronde, count=12)
    coordinator, _created, _password = staff_user_save(username="cora", role=COORDINATOR,
                                                       first_name="Cora")
    page = signed_in(coordinator)
    url = f"{live_server.url}/beheer/bouwstenen/?ronde={open_ronde.pk}"
    found = check_page(page, url, "beheer-bouwstenen-leeg")

    with override_settings(TASKS=DATABASE_TASKS):
        page.goto(f"{live_server.url}/beheer/overzicht/?ronde={open_ronde.pk}")
        page.get_by_role("link", name="Bouwstenen voor de subsidieoproep").click()
        page.get_by_role("button", name="Bouwstenen maken").click()
        expect(page.locator("#bouwstenen-documenten")).to_contain_text("Wacht op de werker")
        expect(page.get_by_role("button", name="Bouwstenen maken")).to_be_disabled()
        found += check_page(page, url, "beheer-bouwstenen-bezig")
        run_worker()
    assert Bouwstenendocument.objects.get().status == DocumentStatus.KLAAR
    # The page's script fetches the progress again and shows the files in place.
    expect(page.get_by_role("status")).to_contain_text("is klaar")
    expect(page.get_by_role("link", name="PDF downloaden")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Word-bestand downloaden").click()
    assert download.value.suggested_filename.endswith(".docx")
    found += check_page(page, url, "beheer-bouwstenen-klaar")

    reviewer, _created, _password = staff_user_save(username="bert", role=REVIEWER,
                                                    first_name="Bert")
    reviewer_page = signed_in(reviewer)
    found += check_page(reviewer_page, url, "beheer-bouwstenen-beoordelaar")
    expect(reviewer_page.get_by_role("button", name="Bouwstenen maken")).to_have_count(0)
    assert found == [], "\n".join(found)
