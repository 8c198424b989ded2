"""The call's three conditions and the review flags: the one place the form, import and admin use."""
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy as _

from kbo.selectors import KboCheck
from portaal.postcodes import (  # noqa: F401 - the rules' own vocabulary, used by form and model
    BRUSSELS_POSTCODES,
    PROVINCE_RANGES,
    province_for_postcode,
    region_for_postcode,
)

from .constants import Gewest, KboBevinding, KboControle, Rechtsvorm, TypeOrganisatie, Vlag

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


def submission_flags(flags) -> list[str]:
    """The submission flags among ``flags`` (anything else is derived from the answers)."""
    return [flag for flag in flags or () if flag in SUBMISSION_FLAGS]


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

CONTACT = "competentiechecks@esf-agentschap.be"
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
    # Reasons to refuse a submission (the form); a re-check only records the findings.
    refusals: list[Refusal] = field(default_factory=list)
    # The legal form and seat the call's conditions are judged on.
    rechtsvorm: str | None = None
    postcode: int | None = None


def register_verdict(*, check: KboCheck, postcode: int | None,
                     rechtsvorm: str | None) -> RegisterVerdict:
    """Hold the typed legal form and seat against the register's entry for the number."""
    if not check.loaded:
        return RegisterVerdict(controle=KboControle.NIET_GEVERIFIEERD, rechtsvorm=rechtsvorm,
                               postcode=postcode)
    entry, params = check.entry, {"contact": CONTACT}
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


def judge(*, check: KboCheck, rechtsvorm: str | None, postcode: int | None,
          werking_vlaanderen: bool, toelichting_werking: str,
          bereid_tot_partnerschap: bool) -> tuple[RegisterVerdict, list[Refusal]]:
    """The register's verdict and every reason to refuse: the one judgement the form, the
    import and the staff's detail page make of a registration."""
    verdict = register_verdict(check=check, postcode=postcode, rechtsvorm=rechtsvorm)
    refusals = list(verdict.refusals)
    taken = {refusal.field for refusal in refusals}
    refusals += [refusal for refusal in check_eligibility(
        rechtsvorm=verdict.rechtsvorm, postcode=verdict.postcode,
        werking_vlaanderen=werking_vlaanderen, toelichting_werking=toelichting_werking,
        bereid_tot_partnerschap=bereid_tot_partnerschap) if refusal.field not in taken]
    return verdict, refusals


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
    return flags
