"""The whole form with the keyboard alone: Tab, type, Space, Enter; no mouse, no page.fill()."""
import pytest

from registraties.models import Registratie
from tests.e2e.test_browser import ronde  # noqa: F401 - the open round of the browser tests

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = {"naam": "Toetsenbord Fonds vzw", "ondernemingsnummer": "0417.497.106",
         "straat": "Markt 1", "postcode": "9000", "gemeente": "Gent",
         "contact_naam": "An Peeters", "contact_email": "an@toetsenbord.be",
         "sectoren": "bouw", "aandeel_kleine_ondernemingen": "80",
         "competentie_uitdagingen": "Digitale bouwplannen lezen."}
# A select changes with the first letters of an option, as a keyboard user picks one.
SELECTED = {"rechtsvorm": ("vzw", "vzw"), "type_organisatie": ("sectorfo", "sectorfonds")}
CHECKED = {"bereid_tot_partnerschap", "werking_vlaanderen", "privacy_akkoord",
           "themas=behoeftedetectie", "rollen=regie"}

FOCUSED = """() => { const e = document.activeElement;
  return {tag: e.tagName, name: e.name || "", type: e.type || "", value: e.value || "",
          checked: !!e.checked, text: (e.textContent || "").trim(), id: e.id || ""}; }"""


def tab_through(page, *, skip=(), max_steps=200) -> None:
    """Tab from where the focus is to the send button, answering every question on the way
    with keys, and press Enter on the button."""
    for _ in range(max_steps):
        page.keyboard.press("Tab")
        element = page.evaluate(FOCUSED)
        name = element["name"]
        if element["tag"] == "BUTTON" and element["text"] == "Interesse indienen":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        if name in skip:
            continue
        if element["tag"] in ("INPUT", "TEXTAREA") and element["type"] != "checkbox":
            if name in TYPED and not element["value"]:
                page.keyboard.type(TYPED[name])
        elif element["type"] == "checkbox":
            wanted = name in CHECKED or f"{name}={element['value']}" in CHECKED
            if wanted and not element["checked"]:
                page.keyboard.press("Space")
        elif element["tag"] == "SELECT" and name in SELECTED:
            letters, value = SELECTED[name]
            page.keyboard.type(letters)
            assert page.evaluate("document.activeElement.value") == value
    raise AssertionError("Met Tab niet bij de knop 'Interesse indienen' geraakt")


def test_the_form_is_filled_in_and_sent_with_the_keyboard_alone(page, live_server, ronde):  # noqa: F811
    page.goto(live_server.url + "/interesse/")
    # First without the sectors: refused, and the focus lands on the error summary.
    tab_through(page, skip={"sectoren"})
    assert page.url == live_server.url + "/interesse/"
    assert page.evaluate(FOCUSED)["id"] == "foutoverzicht"
    # Each error is tied to its field: the field's aria-describedby names the message.
    described = page.evaluate("""() => [...document.querySelectorAll('.is-invalid')].map(f => ({
        name: f.name, text: (f.getAttribute('aria-describedby') || '').split(/\\s+/)
            .map(id => document.getElementById(id)).filter(Boolean)
            .map(e => e.textContent.trim()).join(' ')}))""")
    assert [d["name"] for d in described] == ["sectoren"]
    assert "Vul in voor welke sectoren uw organisatie werkt." in described[0]["text"]
    # The summary's link takes the focus to the field; then on to the button.
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["tag"] == "A"
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["name"] == "sectoren"
    page.keyboard.type(TYPED["sectoren"])
    tab_through(page)
    assert page.url == live_server.url + "/interesse/bevestiging/"
    registratie = Registratie.objects.get()
    assert (registratie.naam, registratie.sectoren, registratie.rechtsvorm,
            registratie.type_organisatie, registratie.themas, registratie.rollen) == (
        "Toetsenbord Fonds vzw", "bouw", "vzw", "sectorfonds", ["behoeftedetectie"], ["regie"])
