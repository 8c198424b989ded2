"""What every fuzz example must leave true: nothing saved that breaks the rules, all output escaped."""
import unicodedata
from contextlib import contextmanager
from html.parser import HTMLParser

from django.db import models, transaction
from hypothesis import settings
from stdnum.be import vat

from registraties import eligibility
from registraties.constants import Gewest, Rechtsvorm, RegistratieStatus, Vlag
from registraties.eligibility import Path
from registraties.forms import RegistratieForm
from registraties.models import Registratie
from registraties.questions import ANSWER_FIELDS

MARKER = "fz"


def examples(count: int) -> settings:
    """``count`` examples under the CI profile ("fuzz", 60 by default); longer profiles scale it."""
    return settings(max_examples=max(1, count * settings.default.max_examples // 60))


@contextmanager
def rolled_back():
    """Run one example in a savepoint that is rolled back: the next example starts clean."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def answers(registratie: Registratie) -> dict:
    """The stored answers as form data (as the Excel import reads an existing registration)."""
    data = {}
    for name in ANSWER_FIELDS:
        value = getattr(registratie, name)
        data[name] = "" if value is None else value
    return data


def assert_rules_hold(registratie: Registratie) -> None:
    """A stored registration passes the form again and meets the call's conditions."""
    # Judged as a new registration would be: every rule, whatever the path that stored it.
    form = RegistratieForm(data=answers(registratie), instance=registratie,
                           ronde=registratie.ronde, path=Path.FORM)
    assert form.is_valid(), (registratie.referentie, form.errors.as_data())
    registratie = Registratie.objects.get(pk=registratie.pk)  # the form wrote onto the instance
    assert registratie.rechtsvorm != Rechtsvorm.FEITELIJKE_VERENIGING
    postcode = eligibility.parse_postcode(registratie.postcode)
    assert postcode is not None, registratie.postcode
    assert registratie.postcode == str(postcode)
    region = eligibility.region_for_postcode(postcode)
    assert region != Gewest.WALLONIE
    assert registratie.gewest == region
    assert registratie.provincie == eligibility.province_for_postcode(postcode)
    assert registratie.werking_vlaanderen is True
    assert registratie.bereid_tot_partnerschap is True
    assert registratie.privacy_akkoord is True
    if region == Gewest.BRUSSEL:
        assert registratie.toelichting_werking.strip(), "Brusselse zetel zonder toelichting"
    assert len(registratie.ondernemingsnummer) == 10
    assert vat.is_valid(registratie.ondernemingsnummer), registratie.ondernemingsnummer
    assert registratie.themas and registratie.rollen
    assert set(registratie.vlaggen) <= set(Vlag.values)
    assert registratie.status in RegistratieStatus.values
    assert registratie.referentie == registratie.ronde.format_referentie(registratie.volgnummer)


def assert_all_registraties_valid() -> None:
    for registratie in Registratie.objects.select_related("ronde"):
        assert_rules_hold(registratie)


SINGLE_LINE_FIELDS = tuple(
    name for name in ANSWER_FIELDS
    if isinstance(Registratie._meta.get_field(name), models.CharField))


def control_characters(text: str) -> list[str]:
    return [f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cc"]


def assert_no_control_characters(registratie: Registratie) -> None:
    """One-line answers end up in mail subjects, Excel cells and CSV: no control characters."""
    found = {name: control_characters(getattr(registratie, name))
             for name in SINGLE_LINE_FIELDS}
    found = {name: chars for name, chars in found.items() if chars}
    assert not found, f"{registratie.referentie}: controletekens opgeslagen in {found}"


class _InjectionFinder(HTMLParser):
    """Collects markup that came from a fuzz payload instead of the page's own templates."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if MARKER in tag:
            self.found.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if MARKER in name:
                self.found.append(f"attribute {name} on <{tag}>")
            elif name.startswith("on") and MARKER in value:
                self.found.append(f"event handler {name}={value!r} on <{tag}>")
            elif name in self.URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                self.found.append(f"{name}={value!r} on <{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data):
        if self.open and self.open[-1] in ("script", "style") and MARKER in data:
            self.found.append(f"<{self.open[-1]}> with {data[:80]!r}")

    def handle_comment(self, data):
        if MARKER in data:
            self.found.append(f"comment {data[:80]!r}")


def assert_escaped(html: str) -> None:
    """No payload became markup: no injected tag, attribute, handler, script or comment, and
    no template tag of a payload was evaluated."""
    finder = _InjectionFinder()
    finder.feed(html)
    finder.close()
    assert not finder.found, finder.found
    assert "<script>fz()" not in html
    assert "42fz" not in html and "{%fz" not in html
