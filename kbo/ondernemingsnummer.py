"""The Belgian enterprise number, the register's key: read in any usual notation, stored as
10 digits, shown as 0417.497.106. The one reader of it for every app (the import's SQL reads
the dump's own notation in bulk: kbo/importer/checks.py)."""
from django import forms
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

MSG_FORMAT = _(
    "Geef een Belgisch ondernemingsnummer van tien cijfers, bijvoorbeeld 0417.497.106 of "
    "BE0417497106."
)
MSG_CHECKSUM = _(
    "Dit ondernemingsnummer bestaat niet: het controlegetal klopt niet. Kijk het na in de "
    "Kruispuntbank van Ondernemingen (KBO)."
)


def normalise(value: str) -> str:
    """The number as 10 digits, from any usual form; forms.ValidationError if it is none."""
    try:
        return vat.validate(value or "")
    except InvalidChecksum as exc:
        raise forms.ValidationError(MSG_CHECKSUM, code="checksum") from exc
    except StdnumError as exc:
        raise forms.ValidationError(MSG_FORMAT, code="invalid") from exc


def compact(value: str) -> str | None:
    """The number as 10 digits from any usual form; None when it cannot be one."""
    try:
        return normalise(value)
    except forms.ValidationError:
        return None


def display(number: str) -> str:
    """10 stored digits as people (and the register) write them, 0417.497.106; anything else
    unchanged."""
    number = number or ""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}" if len(number) == 10 else number


def from_search(term: str) -> str:
    """A search term as a stored number (10 digits), or '' when it does not look like one."""
    if not any(ch.isdigit() for ch in term or ""):
        return ""
    digits = vat.compact(term)
    return digits if digits.isdigit() and len(digits) == 10 else ""
