"""Hostile and valid-looking values for the fuzz tests.

Every markup payload carries the marker ``fz`` so that tests/fuzz/checks.py can tell a tag or
attribute the visitor injected from the page's own markup.
"""
from hypothesis import strategies as st
from stdnum.be import vat

from registraties.constants import Actie, Rechtsvorm, Thema, TypeOrganisatie, Vaardigheid
from registraties.questions import ANSWER_FIELDS

MARKUP_PAYLOADS = (
    "<script>fz()</script>",
    "<img src=x onerror=fz()>",
    '"><svg onload=fz()>',
    "'><b data-fz>",
    "</textarea><fz-tag>",
    "</title><script>fz()</script>",
    "<!--fz-->",
    "javascript:fz()",
    '<a href="javascript:fz()">fz</a>',
    "<style>fz{}</style>",
)
TEMPLATE_PAYLOADS = (
    "{{ 6|add:36 }}fz",
    "{% templatetag openblock %}fz",
    "{% debug %}",
    "{{ request.META }}",
    "%(waarde)s%s%n",
)
FORMULA_PAYLOADS = (
    "=1+1", "+1", "-1", "@SUM(A1)", "＝1+1", '=HYPERLINK("http://x.test","fz")', "\t=1",
    "\r=1", "'=1+1", "=cmd|' /C calc'!A0",
)
CONTROL_PAYLOADS = (
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\x9f", "\u2028",
    "\u2029", "\ufeff", "\r\n", "\t",
)
UNICODE_PAYLOADS = (
    "\u202e", "\u200f", "\u202d", "\u2066", "\u200b", "🙂🙂🙂", "👨‍👩‍👧", "Zoë & Ça", "ﷺ",
    "\U0001f3f3\ufe0f\u200d\U0001f308", "ß" * 3, "İ", "ﬁ",
)
OTHER_PAYLOADS = (
    "'; DROP TABLE registraties_registratie; --", "../../etc/passwd", "\\", "%00", "%",
    "0417.497.106", "BE0417497106", "417497106", "0417497107", "1000", "1299", "1300",
    "4000", "9999", "0", "-0", "1e5", "٣٤٥٦", "１０００", "²³⁴⁵", "vzw", "andere",
    "feitelijke_vereniging", "on", "true", "False", "", " ", "null", "None", "[]", "{}",
)
PAYLOADS = (MARKUP_PAYLOADS + TEMPLATE_PAYLOADS + FORMULA_PAYLOADS + CONTROL_PAYLOADS
            + UNICODE_PAYLOADS + OTHER_PAYLOADS)

payloads = st.sampled_from(PAYLOADS)
random_text = st.text(max_size=40)
control_text = st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), min_size=1,
                       max_size=8)


@st.composite
def huge_text(draw, max_len: int = 100_000) -> str:
    """A long string made by repeating a payload: up to ``max_len`` characters."""
    unit = draw(st.sampled_from(("a", "🙂", "<script>fz()</script>", "\u202e", "é ", "=1+1")))
    length = draw(st.sampled_from((201, 301, 501, 4001, 20_000, max_len)))
    return (unit * (length // len(unit) + 1))[:length]


@st.composite
def mixed_text(draw) -> str:
    """A payload glued to random text and control characters."""
    parts = draw(st.lists(st.one_of(payloads, random_text, control_text), min_size=1,
                          max_size=4))
    return "".join(parts)


hostile_text = st.one_of(payloads, payloads, random_text, mixed_text(), huge_text())


@st.composite
def enterprise_numbers(draw) -> str:
    """A valid Belgian enterprise number (10 digits, right checksum) in a usual notation."""
    first = draw(st.sampled_from("01"))
    body = draw(st.integers(1_000_000, 9_999_999))
    base = int(f"{first}{body}")
    number = f"{first}{body}{97 - base % 97:02d}"
    assert vat.is_valid(number)
    notation = draw(st.sampled_from(("plain", "dots", "be", "spaces")))
    return {"plain": number,
            "dots": f"{number[:4]}.{number[4:7]}.{number[7:]}",
            "be": f"BE{number}",
            "spaces": f"BE {number[:4]} {number[4:7]} {number[7:]}"}[notation]


def _subset(choices) -> st.SearchStrategy:
    return st.lists(st.sampled_from([code for code, _label in choices]), unique=True,
                    max_size=len(choices))


# Values that stay within each answer's own domain, chosen to cross the rules' borders: every
# legal form, Brussels/Walloon/Flemish postcodes, ticked and unticked conditions, 'andere'
# without its text, whitespace-only follow-ups, limits of the numbers.
DOMAIN_VALUES: dict[str, st.SearchStrategy] = {
    "rechtsvorm": st.sampled_from([c for c, _ in Rechtsvorm.choices]),
    "rechtsvorm_andere": st.sampled_from(("", " ", "coöperatie", "\u200b", "\x01")),
    "type_organisatie": st.sampled_from([c for c, _ in TypeOrganisatie.choices]),
    "type_andere": st.sampled_from(("", " ", "koepel", "\u200b")),
    "postcode": st.one_of(st.integers(1000, 9999).map(str),
                          st.sampled_from(("1000", "1299", "1300", "1499", "1500", "3999",
                                           "4000", "7999", "8000", " 1000 ", "01000", "999",
                                           "10000", "１０００", "1 000", "B-1000"))),
    "werking_vlaanderen": st.sampled_from(("on", "", "off", "false", "0", None)),
    "bereid_tot_partnerschap": st.sampled_from(("on", "", "false", "0", None)),
    "toelichting_werking": st.sampled_from(("", " ", "\n\t ", "Wij werken voor Vlaanderen.",
                                            "\u200b", "\x01", "<b>Vlaams</b>")),
    "privacy_akkoord": st.sampled_from(("on", "", "false", None)),
    "toestemming_delen": st.sampled_from(("on", "", None)),
    "themas": _subset(Thema.choices),
    "thema_andere": st.sampled_from(("", " ", "duurzaamheid")),
    "vaardigheden": _subset(Vaardigheid.choices),
    "rollen": _subset(Actie.choices),
    "aantal_ondernemingen": st.one_of(st.integers(-5, 10_000_005).map(str),
                                      st.sampled_from(("", "1e3", "12.0", "1 000", "٣"))),
    "aandeel_kleine_ondernemingen": st.one_of(st.integers(-2, 102).map(str),
                                              st.sampled_from(("", "49.5", "50%"))),
    "paritaire_comites": st.sampled_from(("", "111, 200, 124.1", "PC 111; 200 en 124.1",
                                          "1111", "abc", "111,,,", "PSC 330")),
    "website": st.sampled_from(("", "www.voorbeeld.be", "https://voorbeeld.be",
                                "javascript:fz()", "http://[::1", "ftp://x.be",
                                "https://" + "a" * 300 + ".be")),
    "contact_email": st.sampled_from(("an@voorbeeld.be", "an@@x", "an@x.be\n", "ÄN@ß.be",
                                      "a" * 250 + "@x.be", "")),
}


def field_value(name: str) -> st.SearchStrategy:
    """A value for one answer: within its domain or hostile; lists for the multiple choices."""
    hostile = hostile_text
    if name in ("themas", "vaardigheden", "rollen"):
        hostile = st.lists(hostile_text, min_size=1, max_size=3)
    if name in DOMAIN_VALUES:
        return st.one_of(DOMAIN_VALUES[name], hostile)
    return hostile


UNKNOWN_FIELDS = ("status", "vlaggen", "ronde", "referentie", "volgnummer", "gewest",
                  "provincie", "wijzig_token_hash", "id", "pk", "ingediend_op",
                  "status_reden", "csrfmiddlewaretoken", "altcha", "faxnummer", "_save", "submit")
unknown_field_names = st.one_of(st.sampled_from(UNKNOWN_FIELDS),
                                st.text(min_size=1, max_size=20))


@st.composite
def mutated_post(draw, base: dict, *, max_changes: int = 5) -> dict:
    """``base`` (a valid POST body) with some answers replaced, dropped, blanked, sent twice,
    and with unknown fields added; values are lists where a key is sent more than once."""
    data = {key: list(value) if isinstance(value, list) else value for key, value in base.items()}
    names = draw(st.lists(st.sampled_from(ANSWER_FIELDS), unique=True, max_size=max_changes))
    for name in names:
        action = draw(st.sampled_from(("replace", "replace", "replace", "drop", "blank",
                                       "repeat")))
        if action == "replace":
            data[name] = draw(field_value(name))
        elif action == "drop":
            data.pop(name, None)
        elif action == "blank":
            data[name] = ""
        else:
            first = data.get(name, "")
            first = first if isinstance(first, list) else [first]
            data[name] = [*first, draw(field_value(name))] if first else [draw(field_value(name))]
    extra = draw(st.dictionaries(unknown_field_names, hostile_text, max_size=3))
    for key, value in extra.items():
        data.setdefault(key, value)
    return {key: value for key, value in data.items() if value is not None}


@st.composite
def valid_looking_post(draw, base: dict) -> dict:
    """A valid POST body with a fresh enterprise number, domain-level changes that cross the
    rules' borders, and at most one hostile value: the fuzz reaches the save path."""
    data = dict(base, ondernemingsnummer=draw(enterprise_numbers()))
    for name in draw(st.lists(st.sampled_from(sorted(DOMAIN_VALUES)), unique=True,
                              max_size=4)):
        data[name] = draw(DOMAIN_VALUES[name])
    if draw(st.booleans()):
        name = draw(st.sampled_from(ANSWER_FIELDS))
        if name != "ondernemingsnummer":
            value = draw(hostile_text)
            data[name] = [value] if isinstance(data.get(name), list) else value
    return {key: value for key, value in data.items() if value is not None}
