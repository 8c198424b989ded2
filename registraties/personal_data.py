"""Which stored text is about a person, and how erasure and retention wipe it: one declaration.

Every text field of a model that holds personal data is declared here (``Coverage``): contact
details (blanked by ``retention.contact_person_blank``), a person's own words (replaced as a
whole), staff's text that may name a person (their names and address replaced), or not
personal (the organisations' answers, codes, our own wording). Erasure on a person's request
(privacy.py) and retention five years after a round (retention.py) both call ``wipe`` for
what is declared, so a field is covered by both or by neither; a test fails when a model
gets a text field nobody declared. Apps declare their own models in AppConfig.ready().
"""
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import CharField, Model, QuerySet, Value
from django.db.models.functions import Cast, Concat

CONTACT = "contactgegevens"  # blanked where the person is the contact (contact_person_blank)
OWN_WORDS = "eigen woorden"  # what the person wrote: replaced as a whole
MAY_NAME = "kan iemand noemen"  # staff's text: the person's names and address replaced
NOT_PERSONAL = "geen persoonsgegevens"
LINK_HASH = "geheime link"  # a private link's hash: made unusable, so the link dies with the data
KINDS = (CONTACT, OWN_WORDS, MAY_NAME, NOT_PERSONAL, LINK_HASH)
ANONYMISED_TEXT = "[geanonimiseerd]"
ANONYMISED_EMAIL = "geanonimiseerd@invalid"
MSG_MAIL_CANCELLED = "Geannuleerd: de gegevens van de ontvanger werden gewist (AVG-verzoek)."
# berichten.constants.BerichtStatus, by value: the outbox is an app of its own.
BERICHT_WACHTEND, BERICHT_MISLUKT = "wachtend", "mislukt"

# The text fields a declaration must name (a new one of these on a declared model that is
# not declared fails the test).
TEXT_FIELD_TYPES = ("CharField", "TextField", "JSONField", "EmailField", "URLField",
                    "SlugField")


@dataclass(frozen=True)
class Coverage:
    """One model's text fields by kind; ``about(ids)`` are its rows about these registrations
    (None: a rule of its own wipes them, named in ``rule``)."""

    model: type[Model]
    fields: Mapping[str, str]
    about: Callable[[Collection[int]], QuerySet] | None
    rule: str = ""

    def of_kind(self, kind: str) -> list[str]:
        return [name for name, declared in self.fields.items() if declared == kind]


_declared: dict[str, Coverage] = {}


def declare(coverage: Coverage) -> None:
    unknown = {kind for kind in coverage.fields.values() if kind not in KINDS}
    if unknown:
        raise ValueError(f"{coverage.model._meta.label}: onbekende soort {unknown}")
    _declared[coverage.model._meta.label] = coverage


def declared() -> list[Coverage]:
    return list(_declared.values())


def person_patterns(*, emails: Iterable[str], names: Iterable[str]) -> list[re.Pattern]:
    """What names a person in free text: the e-mail address, and each name as a whole word."""
    patterns = [re.compile(re.escape(email), re.IGNORECASE)
                for email in sorted({e.strip() for e in emails if e and e.strip()})]
    patterns += [re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
                 for name in sorted({n.strip() for n in names if len(n.strip()) > 2})]
    return patterns


def scrub(text: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        text = pattern.sub(ANONYMISED_TEXT, text)
    return text


def scrub_rows(rows: Iterable[Model], patterns: list[re.Pattern], fields: list[str]) -> int:
    """Replace the person's names and address in these rows' ``fields``; rows changed."""
    count = 0
    for row in rows:
        before = {name: getattr(row, name) for name in fields}
        after = {name: scrub(value, patterns) if isinstance(value, str) else value
                 for name, value in before.items()}
        if after != before:
            type(row)._default_manager.filter(pk=row.pk).update(**after)
            count += 1
    return count


def wipe(*, registratie_ids: Collection[int], patterns: list[re.Pattern]) -> dict[str, int]:
    """Every declared row about these registrations: own words replaced, names scrubbed.

    Returns the rows changed per model label. ``update()`` throughout: no new history rows
    that would copy the data once more (their history rows are declared models too).
    """
    changed = {}
    for coverage in declared():
        if coverage.about is None:
            continue
        rows = coverage.about(registratie_ids)
        count = 0
        for name in coverage.of_kind(OWN_WORDS):
            count += rows.exclude(**{name: ""}).exclude(**{name: ANONYMISED_TEXT}).update(
                **{name: ANONYMISED_TEXT})
        for name in coverage.of_kind(LINK_HASH):
            count += rows.update(**{name: _dead_secret(coverage.model, name)})
        may_name = coverage.of_kind(MAY_NAME)
        if may_name and patterns:
            count += scrub_rows(rows.only("pk", *may_name), patterns, may_name)
        changed[coverage.model._meta.label] = count
    return changed


def _dead_secret(model: type[Model], name: str):
    """What a link's hash becomes: NULL, or where it may not be, a value no token hashes to
    (a SHA-256 is hexadecimal; unique per row)."""
    if model._meta.get_field(name).null:
        return None
    return Concat(Value("gewist:"), Cast("pk", CharField()))


def berichten_anonymise(berichten: Iterable[Model], *, emails: Iterable[str],
                        patterns: list[re.Pattern]) -> int:
    """The outbox's rule: a mail to the person loses its recipient (a waiting one is cancelled,
    nobody is left to send it to); names and address leave every text, the calendar entry
    (it names its attendee) and the last error (a mail server quotes the address)."""
    emails = [email.lower() for email in emails if email]
    count = 0
    for bericht in berichten:
        fields = ["aan", "tekst", "html", "onderwerp", "bijlage", "laatste_fout"]
        if any(email in bericht.aan.lower() for email in emails):
            bericht.aan = ANONYMISED_EMAIL
            if bericht.status == BERICHT_WACHTEND:
                bericht.status, bericht.gegevens = BERICHT_MISLUKT, None
                bericht.laatste_fout = MSG_MAIL_CANCELLED
                bericht.volgende_poging_op = None
                fields += ["status", "gegevens", "volgende_poging_op"]
        for name in ("tekst", "html", "onderwerp", "bijlage", "laatste_fout"):
            setattr(bericht, name, scrub(getattr(bericht, name), patterns))
        bericht.save(update_fields=fields)
        count += 1
    return count


def by_kind(**kinds: Iterable[str]) -> dict[str, str]:
    """{field: kind} from lists per kind: contact=…, own_words=…, may_name=…, not_personal=…,
    link_hash=…"""
    names = {"contact": CONTACT, "own_words": OWN_WORDS, "may_name": MAY_NAME,
             "not_personal": NOT_PERSONAL, "link_hash": LINK_HASH}
    return {field: names[kind] for kind, fields in kinds.items() for field in fields}


# The organisation's own answers: no personal data (they stay, for the round's figures).
ORGANISATION_ANSWERS = (
    "referentie", "naam", "ondernemingsnummer", "rechtsvorm", "rechtsvorm_andere",
    "type_organisatie", "type_andere", "website", "straat", "postcode", "gemeente", "gewest",
    "provincie", "toelichting_werking", "themas", "thema_andere", "vaardigheden", "rollen",
    "sectoren", "paritaire_comites", "competentie_uitdagingen", "keten", "gewenste_partners",
    "opmerkingen", "status", "vlaggen", "kbo_controle", "kbo_bevindingen")
# Our own wording of a history row ("Status gewijzigd van …") and its kind.
HISTORY_FIELDS = ("history_change_reason", "history_type")
# The outbox: a rule of its own (berichten_anonymise), by recipient and by the data a waiting
# mail is rendered from.
OUTBOX_RULE = "berichten: ontvanger gewist, wachtende berichten geannuleerd, teksten geschrapt"


def declare_registraties() -> None:
    """The registrations' own models (registraties.apps.ready)."""
    from django.apps import apps

    from .models import CONTACT_FIELDS, Notitie, Registratie, StatusWijziging

    registratie = by_kind(contact=CONTACT_FIELDS, may_name=["status_reden"],
                           # a secret, killed with the contact fields
                           not_personal=[*ORGANISATION_ANSWERS, "wijzig_token_hash"])
    declare(Coverage(Registratie, registratie,
                     about=lambda ids: Registratie.objects.filter(pk__in=ids)))
    history = {**registratie, **by_kind(not_personal=HISTORY_FIELDS)}
    del history["wijzig_token_hash"]  # not kept in history
    declare(Coverage(Registratie.history.model, history,
                     about=lambda ids: Registratie.history.filter(id__in=ids)))
    declare(Coverage(Notitie, by_kind(may_name=["tekst"]),
                     about=lambda ids: Notitie.objects.filter(registratie__in=ids)))
    declare(Coverage(StatusWijziging, by_kind(may_name=["reden"], not_personal=["van", "naar"]),
                     about=lambda ids: StatusWijziging.objects.filter(registratie__in=ids)))
    if apps.is_installed("berichten"):
        declare(Coverage(apps.get_model("berichten", "Bericht"), by_kind(
            contact=["aan"],
            may_name=["onderwerp", "tekst", "html", "bijlage", "gegevens", "laatste_fout"],
            not_personal=["soort", "status", "bijlage_naam", "bijlage_type", "bezig_door"]),
            about=None, rule=OUTBOX_RULE))
