"""In a real browser: the self-hosted proof of work solves itself under the strict CSP, the
submit button disables itself, and a double click ends on the confirmation."""
import pytest

from registraties.constants import Vlag
from registraties.models import Registratie
from tests.e2e import test_browser
from tests.e2e.test_browser import LOCAL_HOSTS, fill_form

# The open round of the other browser tests, as a fixture here too.
ronde = test_browser.ronde

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
SOLVED = ("() => { const input = document.querySelector('input[name=altcha]');"
          " return input !== null && input.value.length > 0; }")


def open_form(recording, live_server):
    visit = recording()
    page = visit.page
    page.add_init_script(RECORD_VIOLATIONS)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(live_server.url + "/interesse/")
    return visit, page, errors


def test_the_widget_solves_its_challenge_without_csp_violations(recording, live_server, ronde):
    visit, page, errors = open_form(recording, live_server)
    page.wait_for_function(SOLVED, timeout=20_000)
    assert page.locator("altcha-widget").is_visible()
    assert page.get_by_text("Geverifieerd").is_visible()
    assert page.evaluate("window.__cspViolations") == []
    assert errors == []
    # Bootstrap and the portal's styles still apply without 'unsafe-inline'.
    button = page.get_by_role("button", name="Interesse indienen")
    assert button.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(13, 110, 253)"
    assert visit.hosts <= LOCAL_HOSTS, visit.hosts


def test_the_button_disables_itself_after_the_first_click(recording, live_server, ronde):
    visit, page, _ = open_form(recording, live_server)
    page.wait_for_function(SOLVED, timeout=20_000)
    fill_form(page)
    # The page notes what the button looked like while the server answered; the note
    # survives the navigation (same origin) and is read on the confirmation page.
    page.evaluate("""() => {
      const button = document.querySelector("button[type=submit]");
      new MutationObserver(() => sessionStorage.setItem("knop",
        (button.disabled ? "uit" : "aan") + ":" + button.textContent)
      ).observe(button, {attributes: true, childList: true, subtree: true, characterData: true});
    }""")
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + "/interesse/bevestiging/")
    assert page.evaluate("sessionStorage.getItem('knop')") == "uit:Bezig met versturen…"
    assert Registratie.objects.count() == 1


def test_a_double_click_registers_once_and_shows_the_confirmation(recording, live_server, ronde):
    visit, page, _ = open_form(recording, live_server)
    page.wait_for_function(SOLVED, timeout=20_000)
    fill_form(page)
    page.locator("button[type=submit]").dblclick()
    page.wait_for_url(live_server.url + "/interesse/bevestiging/")
    assert page.locator(".referentie").inner_text() == "E2E-0001"
    registratie = Registratie.objects.get()
    # The browser did the proof of work: no flag for staff.
    assert Vlag.ZONDER_SPAMCONTROLE not in registratie.vlaggen
