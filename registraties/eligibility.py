"""The call's three conditions, the register's word and the review flags: the one place the
form, the edit link, the staff's edits, the import, the re-check and the detail page ask.

A rule judges what is new. ``TABLE`` says per path (a new registration, an edit of an
existing one, an import row, the re-check) what each rule does there: refuse, refuse only
when the change itself introduces it, flag for staff, or ignore. ``judge`` applies it.
"""
import enum
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kbo.selectors import KboCheck
from portaal.postcodes import (  # noqa: F401 - the rules' own vocabulary, used by form and model
    BRUSSELS_POSTCODES,
    PROVINCE_RANGES,
    province_for_postcode,
    region_for_postcode,
)

from .constants import Gewest, KboBevinding, KboControle, Rechtsvorm, TypeOrganisatie, Vlag
from .names import names_match

# Below this share of small companies (≤ 50 employees) the member base is flagged.
SMALL_COMPANY_SHARE_THRESHOLD = 50


@dataclass(frozen=True)
class Refusal:
    """Why a registration cannot be accepted, attached to the field the user should change."""

    field: str
    code: str
    message: str


def parse_postcode(value) -> int | None:
    """The postcode as a number 1000–9999, or None when it is not a Belgian postcode."""
    text = str(value if value is not None else "").strip()
    # isascii(): str.isdigit() also accepts superscripts and other scripts' digits.
    if len(text) != 4 or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1000 <= number <= 9999 else None


MSG_FEITELIJKE_VERENIGING = _(
    "Een feitelijke vereniging heeft geen rechtspersoonlijkheid en kan niet deelnemen. "
    "Registreer via de rechtspersoon die uw organisatie vertegenwoordigt "
    "(bijvoorbeeld de vzw achter een vakbond of federatie)."
)
MSG_WALLONIE = _(
    "Uw zetel ligt in het Waals Gewest. Deelnemen kan alleen met een zetel in het Vlaams "
    "Gewest, of in het Brussels Hoofdstedelijk Gewest met een werking die vooral op de "
    "Vlaamse arbeidsmarkt gericht is."
)
MSG_WERKING_VLAANDEREN = _(
    "Bevestig dat uw organisatie werkt in het Vlaams Gewest of zich richt op de Vlaamse "
    "arbeidsmarkt. Zonder die werking kan uw organisatie niet deelnemen."
)
MSG_TOELICHTING_BRUSSEL = _(
    "Uw zetel ligt in Brussel: licht toe in welke mate uw activiteiten op de Vlaamse "
    "arbeidsmarkt gericht zijn."
)
MSG_PARTNERSCHAP = _(
    "Deelnemen kan alleen als uw organisatie bereid is in partnerschap samen te werken. "
    "Vink dit aan als dat zo is."
)


def check_eligibility(
    *,
    rechtsvorm: str | None,
    postcode: int | None,
    werking_vlaanderen: bool,
    toelichting_werking: str,
    bereid_tot_partnerschap: bool,
) -> list[Refusal]:
    """Every reason the call's three conditions refuse this organisation (empty: eligible)."""
    refusals: list[Refusal] = []
    if rechtsvorm == Rechtsvorm.FEITELIJKE_VERENIGING:
        refusals.append(Refusal("rechtsvorm", "geen_rechtspersoonlijkheid",
                                str(MSG_FEITELIJKE_VERENIGING)))
    if postcode is not None:
        region = region_for_postcode(postcode)
        if region == Gewest.WALLONIE:
            refusals.append(Refusal("postcode", "zetel_wallonie", str(MSG_WALLONIE)))
        else:
            if not werking_vlaanderen:
                refusals.append(Refusal("werking_vlaanderen", "geen_werking_vlaanderen",
                                        str(MSG_WERKING_VLAANDEREN)))
            if region == Gewest.BRUSSEL and not (toelichting_werking or "").strip():
                refusals.append(Refusal("toelichting_werking", "toelichting_brussel_ontbreekt",
                                        str(MSG_TOELICHTING_BRUSSEL)))
    if not bereid_tot_partnerschap:
        refusals.append(Refusal("bereid_tot_partnerschap", "niet_bereid", str(MSG_PARTNERSCHAP)))
    return refusals


# Flags about how a registration came in, not about its answers: set once when it is
# submitted (registratie_submit), kept whenever the answers and their flags are derived again.
SUBMISSION_FLAGS = (Vlag.ZONDER_SPAMCONTROLE.value,)
# Flags a judgement sets for a rule it did not refuse on an existing registration (``judge``):
# kept until the next judgement, which sets them again or not.
JUDGEMENT_FLAGS = (Vlag.VOORWAARDE.value,)


# The key under which a judgement's flags travel with the answers to the services.
JUDGEMENT_FLAGS_KEY = "vlaggen_oordeel"


def submission_flags(flags) -> list[str]:
    """The submission flags among ``flags`` (anything else is derived from the answers)."""
    return [flag for flag in flags or () if flag in SUBMISSION_FLAGS]


def kept_flags(flags) -> list[str]:
    """The flags among ``flags`` that deriving the answers' flags again keeps."""
    return [flag for flag in flags or () if flag in SUBMISSION_FLAGS or flag in JUDGEMENT_FLAGS]


def review_flags(
    *,
    postcode: int | None,
    rechtsvorm: str | None,
    type_organisatie: str | None,
    aandeel_kleine_ondernemingen: int | None,
    kbo_controle: str = KboControle.NIET_GEVERIFIEERD,
    kbo_bevindingen=(),
) -> list[str]:
    """What an eligible registration still needs a human to judge, as `Vlag` codes."""
    flags = []
    if postcode is not None and region_for_postcode(postcode) == Gewest.BRUSSEL:
        flags.append(Vlag.BRUSSEL_WERKING.value)
    # An active legal person in the register has legal personality, whatever its form.
    if rechtsvorm == Rechtsvorm.ANDERE and kbo_controle not in REGISTER_CONFIRMS_LEGAL_PERSON:
        flags.append(Vlag.RECHTSVORM_ANDERE.value)
    if type_organisatie == TypeOrganisatie.ANDERE:
        flags.append(Vlag.TYPE_ANDERE.value)
    if aandeel_kleine_ondernemingen is not None and (
        aandeel_kleine_ondernemingen < SMALL_COMPANY_SHARE_THRESHOLD
    ):
        flags.append(Vlag.GROTE_ONDERNEMINGEN.value)
    flags.extend(_register_flags(kbo_controle, kbo_bevindingen))
    return flags


# --- the enterprise register (KBO) ------------------------------------------------------------
# With register data loaded, the rules take its word over the organisation's for legal
# personality and the registered office; without, they run on what was typed, and staff see
# that nothing was verified.

MSG_KBO_ONBEKEND = _(
    "Dit ondernemingsnummer staat niet in de Kruispuntbank van Ondernemingen (KBO). Kijk het "
    "nummer na, bijvoorbeeld op uw statuten of op kbopub.economie.fgov.be. Is uw organisatie "
    "pas opgericht en nog niet in de KBO opgenomen? Mail dan naar %(contact)s."
)
MSG_KBO_GESTOPT = _(
    "Volgens de Kruispuntbank van Ondernemingen (KBO) is de onderneming met dit nummer "
    "stopgezet. Kijk het nummer na; heeft uw organisatie een nieuw nummer, gebruik dat. Klopt "
    "dit niet, mail dan naar %(contact)s."
)
MSG_KBO_NATUURLIJK_PERSOON = _(
    "Volgens de Kruispuntbank van Ondernemingen (KBO) hoort dit nummer bij een natuurlijk "
    "persoon (bijvoorbeeld een eenmanszaak), niet bij een organisatie met "
    "rechtspersoonlijkheid. Registreer met het ondernemingsnummer van de rechtspersoon, "
    "bijvoorbeeld de vzw of de vennootschap achter uw organisatie."
)
MSG_KBO_WALLONIE = _(
    "Volgens de Kruispuntbank van Ondernemingen (KBO) ligt de maatschappelijke zetel van uw "
    "organisatie in het Waals Gewest (%(postcode)s %(gemeente)s). Deelnemen kan alleen met een "
    "zetel in het Vlaams Gewest, of in het Brussels Hoofdstedelijk Gewest met een werking die "
    "vooral op de Vlaamse arbeidsmarkt gericht is. Klopt de KBO niet meer, mail dan naar "
    "%(contact)s."
)
MSG_KBO_FEITELIJKE_VERENIGING = _(
    "Volgens de Kruispuntbank van Ondernemingen (KBO) is dit nummer van een %(rechtsvorm)s, "
    "dus een organisatie met rechtspersoonlijkheid. Kies de rechtsvorm die bij dit "
    "ondernemingsnummer hoort."
)

REGISTER_CONFIRMS_LEGAL_PERSON = (KboControle.GEVERIFIEERD, KboControle.VERSCHILT)
NOT_FOUND_FINDINGS = (KboBevinding.ONBEKEND, KboBevinding.GESTOPT,
                      KboBevinding.NATUURLIJK_PERSOON)

# The register's Dutch description of a legal form (code.csv) → the form's choice. Matched on
# words rather than codes: the register has about a hundred codes, old and new, and their
# descriptions name the form. The first match wins (IVZW before VZW).
_REGISTER_FORMS = (
    ("internationale vereniging zonder winstoogmerk", Rechtsvorm.IVZW),
    ("vereniging zonder winstoogmerk", Rechtsvorm.VZW),
    ("beroepsvereniging", Rechtsvorm.BEROEPSVERENIGING),
    ("fonds voor bestaanszekerheid", Rechtsvorm.FONDS_BESTAANSZEKERHEID),
    ("stichting", Rechtsvorm.STICHTING),
    ("vennootschap", Rechtsvorm.VENNOOTSCHAP),
    ("openbare instelling", Rechtsvorm.PUBLIEKRECHTELIJK),
    ("publiekrechtelijk", Rechtsvorm.PUBLIEKRECHTELIJK),
)


def rechtsvorm_in_register(description: str) -> str | None:
    """Our legal form for the register's description; None when it names none of ours."""
    text = (description or "").lower()
    return next((str(form) for words, form in _REGISTER_FORMS if words in text), None)


@dataclass(frozen=True)
class RegisterVerdict:
    """The register's word on one registration: what staff see, and what the rules use."""

    controle: str
    bevindingen: list[str] = field(default_factory=list)
    snapshot_datum: date | None = None
    # What the register refuses on a new registration (``judge`` decides per path).
    refusals: list[Refusal] = field(default_factory=list)
    # The legal form and seat the call's conditions are judged on.
    rechtsvorm: str | None = None
    postcode: int | None = None


def register_verdict(*, check: KboCheck, postcode: int | None, rechtsvorm: str | None,
                     naam: str = "") -> RegisterVerdict:
    """Hold the typed name, legal form and seat against the register's entry for the number."""
    if not check.loaded:
        return RegisterVerdict(controle=KboControle.NIET_GEVERIFIEERD, rechtsvorm=rechtsvorm,
                               postcode=postcode)
    entry, params = check.entry, {"contact": settings.CONTACT_EMAIL}
    refused = None
    if entry is None:
        refused = (KboBevinding.ONBEKEND, MSG_KBO_ONBEKEND)
    elif not entry.actief:
        refused = (KboBevinding.GESTOPT, MSG_KBO_GESTOPT)
    elif not entry.rechtspersoon:
        refused = (KboBevinding.NATUURLIJK_PERSOON, MSG_KBO_NATUURLIJK_PERSOON)
    if refused is not None:
        finding, message = refused
        return RegisterVerdict(
            controle=KboControle.NIET_GEVONDEN, bevindingen=[finding.value],
            snapshot_datum=check.snapshot_datum, rechtsvorm=rechtsvorm, postcode=postcode,
            refusals=[Refusal("ondernemingsnummer", f"kbo_{finding.value}", str(message) % params)])

    findings, refusals = [], []
    seat = parse_postcode(entry.postcode) if not entry.land else None
    if entry.gewest == Gewest.WALLONIE:
        findings.append(KboBevinding.ZETEL_WALLONIE.value)
        refusals.append(Refusal("postcode", "kbo_zetel_wallonie", str(MSG_KBO_WALLONIE) % {
            **params, "postcode": entry.postcode, "gemeente": entry.gemeente}))
    elif seat != postcode:
        findings.append(KboBevinding.ZETEL_VERSCHILT.value)
    registered_form = rechtsvorm_in_register(entry.rechtsvorm)
    if registered_form is not None and registered_form != rechtsvorm:
        findings.append(KboBevinding.RECHTSVORM_VERSCHILT.value)
    if naam and not names_match(naam, entry.namen or (entry.naam,)):
        findings.append(KboBevinding.NAAM_VERSCHILT.value)
    if rechtsvorm == Rechtsvorm.FEITELIJKE_VERENIGING:
        # The register knows better, but the answer cannot be stored as typed: ask for it.
        refusals.append(Refusal("rechtsvorm", "kbo_rechtspersoon", str(
            MSG_KBO_FEITELIJKE_VERENIGING) % {"rechtsvorm": entry.rechtsvorm or _("rechtspersoon")}))
    return RegisterVerdict(
        controle=KboControle.VERSCHILT if findings else KboControle.GEVERIFIEERD,
        bevindingen=findings, snapshot_datum=check.snapshot_datum, refusals=refusals,
        # A legal person in the register: judged on its form (or as "another legal form").
        rechtsvorm=registered_form or (rechtsvorm if rechtsvorm != Rechtsvorm.FEITELIJKE_VERENIGING
                                       else Rechtsvorm.ANDERE),
        postcode=seat if seat is not None else postcode)


# --- what a rule does on each path ------------------------------------------------------------

class Path(enum.Enum):
    """Where answers reach the rules. A new registration is judged on everything; an
    existing one only on what its change introduces."""

    FORM = "public form (new)"
    EDIT_LINK = "edit link"
    STAFF_EDIT = "staff edit"
    IMPORT_NEW = "import: new row"
    IMPORT_CHANGED = "import: changed row"
    IMPORT_UNCHANGED = "import: unchanged row"
    RECHECK = "re-check"

    @property
    def existing(self) -> bool:
        """The path changes a registration that is already there."""
        return self in EXISTING_PATHS


EXISTING_PATHS = frozenset({Path.EDIT_LINK, Path.STAFF_EDIT, Path.IMPORT_CHANGED,
                            Path.IMPORT_UNCHANGED, Path.RECHECK})


class Outcome(enum.Enum):
    REFUSE = "refuse"
    # Refused when this change touches an answer the rule depends on (the change introduces
    # it); otherwise kept as a flag for staff and a calm sentence for the organisation.
    REFUSE_IF_CHANGED = "refuse if changed"
    FLAG = "flag"
    IGNORE = "ignore"


@dataclass(frozen=True)
class Rule:
    """One rule: the answers it depends on and what it says when it does not refuse."""

    code: str
    depends_on: frozenset[str]
    # For staff (the import preview, the flag's detail): what the rule found.
    label: str
    # For the organisation (edit page, confirmation) when it is kept rather than refused.
    notice: str = ""
    # The stored flag when it is kept; None when the register's verdict already flags it.
    flag: str | None = None


MSG_NOTICE_KBO = _(
    "ESF&DO bekijkt deze opmerking van de Kruispuntbank van Ondernemingen (KBO) en neemt contact "
    "met u op als er iets moet gebeuren. Uw registratie blijft staan."
)
MSG_NOTICE_CONDITION = _(
    "ESF&DO kijkt na of uw registratie aan de voorwaarden van de oproep voldoet en neemt "
    "contact met u op als er iets moet gebeuren. Uw registratie blijft staan."
)
NUMBER = "ondernemingsnummer"
_SEAT = frozenset({"postcode", NUMBER})  # the register's seat replaces the typed postcode
RULES: dict[str, Rule] = {rule.code: rule for rule in (
    Rule("kbo_onbekend", frozenset({NUMBER}), KboBevinding.ONBEKEND.label, _(
        "Uw ondernemingsnummer staat niet in de gegevens van de Kruispuntbank van "
        "Ondernemingen (KBO) die ESF&DO gebruikt.")),
    Rule("kbo_gestopt", frozenset({NUMBER}), KboBevinding.GESTOPT.label, _(
        "Volgens de Kruispuntbank van Ondernemingen (KBO) is de onderneming met uw "
        "ondernemingsnummer stopgezet.")),
    Rule("kbo_natuurlijk_persoon", frozenset({NUMBER}), KboBevinding.NATUURLIJK_PERSOON.label, _(
        "Volgens de Kruispuntbank van Ondernemingen (KBO) hoort uw ondernemingsnummer bij een "
        "natuurlijk persoon.")),
    Rule("kbo_zetel_wallonie", frozenset({NUMBER}), KboBevinding.ZETEL_WALLONIE.label, _(
        "Volgens de Kruispuntbank van Ondernemingen (KBO) ligt de maatschappelijke zetel van "
        "uw organisatie in het Waals Gewest.")),
    Rule("kbo_rechtspersoon", frozenset({"rechtsvorm", NUMBER}),
         _("feitelijke vereniging opgegeven, maar de KBO kent een rechtspersoon"), _(
             "Volgens de Kruispuntbank van Ondernemingen (KBO) heeft uw organisatie een andere "
             "rechtsvorm dan u opgaf."), Vlag.VOORWAARDE.value),
    Rule("geen_rechtspersoonlijkheid", frozenset({"rechtsvorm", NUMBER}),
         _("feitelijke vereniging: geen rechtspersoonlijkheid"), _(
             "Uw registratie vermeldt een feitelijke vereniging, zonder rechtspersoonlijkheid."),
         Vlag.VOORWAARDE.value),
    Rule("zetel_wallonie", _SEAT, _("opgegeven postcode in het Waals Gewest"), _(
        "Volgens de postcode in uw registratie ligt uw zetel in het Waals Gewest."),
         Vlag.VOORWAARDE.value),
    Rule("geen_werking_vlaanderen", frozenset({"werking_vlaanderen", *_SEAT}),
         _("geen werking in Vlaanderen bevestigd"), _(
             "Uw registratie bevestigt niet dat uw organisatie in het Vlaams Gewest werkt of "
             "zich op de Vlaamse arbeidsmarkt richt. U kunt dat hieronder aanvinken."),
         Vlag.VOORWAARDE.value),
    Rule("toelichting_brussel_ontbreekt", frozenset({"toelichting_werking", *_SEAT}),
         _("zetel in Brussel zonder toelichting bij de werking in Vlaanderen"), _(
             "Uw zetel ligt in Brussel en uw registratie licht nog niet toe in welke mate uw "
             "werking op de Vlaamse arbeidsmarkt gericht is. U kunt dat hieronder aanvullen."),
         Vlag.VOORWAARDE.value),
    Rule("niet_bereid", frozenset({"bereid_tot_partnerschap"}),
         _("niet bereid tot partnerschap"), _(
             "Uw registratie bevestigt niet dat uw organisatie bereid is in partnerschap samen "
             "te werken. U kunt dat hieronder aanvinken."), Vlag.VOORWAARDE.value),
    # One registration per enterprise number and round: the database holds it on every path.
    Rule("dubbel", frozenset({NUMBER}), _("ondernemingsnummer al geregistreerd in deze ronde")),
    # What the register says differently: never a refusal.
    Rule("kbo_zetel_verschilt", frozenset({"postcode", NUMBER}),
         KboBevinding.ZETEL_VERSCHILT.label),
    Rule("kbo_rechtsvorm_verschilt", frozenset({"rechtsvorm", NUMBER}),
         KboBevinding.RECHTSVORM_VERSCHILT.label),
    Rule("kbo_naam_verschilt", frozenset({"naam", NUMBER}), KboBevinding.NAAM_VERSCHILT.label),
)}

_R, _C, _F, _I = Outcome.REFUSE, Outcome.REFUSE_IF_CHANGED, Outcome.FLAG, Outcome.IGNORE
_COLUMNS = (Path.FORM, Path.EDIT_LINK, Path.STAFF_EDIT, Path.IMPORT_NEW, Path.IMPORT_CHANGED,
            Path.IMPORT_UNCHANGED, Path.RECHECK)
_CONDITION = (_R, _C, _C, _R, _C, _I, _F)  # a new registration is refused, an old one flagged
_DIFFERENCE = (_F, _F, _F, _F, _F, _I, _F)
# The path × rule table; README.md ("The rules per path") shows the same, and a test holds
# the two together. An unchanged import row is not judged at all: nothing is written.
TABLE: dict[str, dict[Path, Outcome]] = {code: dict(zip(_COLUMNS, row, strict=True)) for code, row in {
    "kbo_onbekend": _CONDITION,
    "kbo_gestopt": _CONDITION,
    "kbo_natuurlijk_persoon": _CONDITION,
    "kbo_zetel_wallonie": _CONDITION,
    "kbo_rechtspersoon": _CONDITION,
    "geen_rechtspersoonlijkheid": _CONDITION,
    "zetel_wallonie": _CONDITION,
    "geen_werking_vlaanderen": _CONDITION,
    "toelichting_brussel_ontbreekt": _CONDITION,
    "niet_bereid": _CONDITION,
    # The re-check changes no numbers; within an import file a number twice is refused too.
    "dubbel": (_R, _R, _R, _R, _R, _R, _I),
    "kbo_zetel_verschilt": _DIFFERENCE,
    "kbo_rechtsvorm_verschilt": _DIFFERENCE,
    "kbo_naam_verschilt": _DIFFERENCE,
}.items()}
# The register's findings that are differences (flags), by their rule.
_DIFFERENCE_RULES = {KboBevinding.ZETEL_VERSCHILT.value: "kbo_zetel_verschilt",
                     KboBevinding.RECHTSVORM_VERSCHILT.value: "kbo_rechtsvorm_verschilt",
                     KboBevinding.NAAM_VERSCHILT.value: "kbo_naam_verschilt"}


def outcome(code: str, path: Path, changed_fields: Collection[str] = ()) -> Outcome:
    """What rule ``code`` does on ``path`` for a change of ``changed_fields``: REFUSE, FLAG
    or IGNORE (a conditional cell resolved)."""
    cell = TABLE[code][path]
    if cell is Outcome.REFUSE_IF_CHANGED:
        return Outcome.REFUSE if RULES[code].depends_on & set(changed_fields) else Outcome.FLAG
    return cell


@dataclass(frozen=True)
class Notice:
    """A rule that did not refuse this path: a flag for staff, a calm sentence for the user."""

    rule: Rule
    refusal: Refusal  # what it would have said to a new registration

    @property
    def sentence(self) -> str:
        """What the organisation reads about this rule."""
        return str(self.rule.notice)

    @property
    def closing(self) -> str:
        """What happens next: ESF&DO looks at it (the register's remark or the condition)."""
        return str(MSG_NOTICE_KBO if self.rule.code.startswith("kbo_") else MSG_NOTICE_CONDITION)

    @property
    def label(self) -> str:
        """What staff read about it (the import preview)."""
        return str(self.rule.label)


def notice_text(notices: list[Notice]) -> list[str]:
    """The sentences for the organisation: each rule's, then what happens next, once."""
    return list(dict.fromkeys([*(n.sentence for n in notices), *(n.closing for n in notices)]))


@dataclass(frozen=True)
class Judgement:
    """The register's verdict, what refuses this path, and what is kept as a flag."""

    verdict: RegisterVerdict
    refusals: list[Refusal]
    notices: list[Notice] = field(default_factory=list)

    @property
    def flags(self) -> list[str]:
        """The flags to store for the notices (besides those the verdict itself implies)."""
        return list(dict.fromkeys(n.rule.flag for n in self.notices if n.rule.flag))


def judge(*, path: Path, check: KboCheck, rechtsvorm: str | None, postcode: int | None,
          werking_vlaanderen: bool, toelichting_werking: str, bereid_tot_partnerschap: bool,
          naam: str = "", changed_fields: Collection[str] = ()) -> Judgement:
    """The one judgement of a registration's answers, as ``path`` asks it (``TABLE``).

    ``changed_fields``: the answers this change touches (an existing registration's paths);
    a rule that depends on none of them keeps a registration that is already there.
    """
    verdict = register_verdict(check=check, postcode=postcode, rechtsvorm=rechtsvorm, naam=naam)
    failures = list(verdict.refusals)
    taken = {refusal.field for refusal in failures}
    failures += [refusal for refusal in check_eligibility(
        rechtsvorm=verdict.rechtsvorm, postcode=verdict.postcode,
        werking_vlaanderen=werking_vlaanderen, toelichting_werking=toelichting_werking,
        bereid_tot_partnerschap=bereid_tot_partnerschap) if refusal.field not in taken]
    refusals, notices = [], []
    for failure in failures:
        result = outcome(failure.code, path, changed_fields)
        if result is Outcome.REFUSE:
            refusals.append(failure)
        elif result is Outcome.FLAG:
            notices.append(Notice(RULES[failure.code], failure))
    kept = [finding for finding in verdict.bevindingen if finding not in _DIFFERENCE_RULES
            or TABLE[_DIFFERENCE_RULES[finding]][path] is not Outcome.IGNORE]
    if kept != verdict.bevindingen:
        verdict = RegisterVerdict(**{**verdict.__dict__, "bevindingen": kept})
    return Judgement(verdict=verdict, refusals=refusals, notices=notices)


def judge_stored(registratie, *, path: Path, check: KboCheck) -> Judgement:
    """``judge`` of a stored registration's own answers (nothing changed): what a re-check,
    the detail page and the edit page hold against it now."""
    return judge(path=path, check=check, rechtsvorm=registratie.rechtsvorm,
                 postcode=parse_postcode(registratie.postcode), naam=registratie.naam,
                 werking_vlaanderen=registratie.werking_vlaanderen,
                 toelichting_werking=registratie.toelichting_werking,
                 bereid_tot_partnerschap=registratie.bereid_tot_partnerschap)


def _register_flags(kbo_controle: str, kbo_bevindingen) -> list[str]:
    flags = []
    if kbo_controle == KboControle.NIET_GEVERIFIEERD:
        flags.append(Vlag.KBO_NIET_GEVERIFIEERD.value)
    elif kbo_controle == KboControle.NIET_GEVONDEN:
        flags.append(Vlag.KBO_NIET_GEVONDEN.value)
    findings = set(kbo_bevindingen or ())
    if findings & {KboBevinding.ZETEL_VERSCHILT, KboBevinding.ZETEL_WALLONIE}:
        flags.append(Vlag.KBO_ZETEL.value)
    if KboBevinding.RECHTSVORM_VERSCHILT in findings:
        flags.append(Vlag.KBO_RECHTSVORM.value)
    if KboBevinding.NAAM_VERSCHILT in findings:
        flags.append(Vlag.KBO_NAAM.value)
    return flags
