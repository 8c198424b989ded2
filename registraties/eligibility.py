"""The call's three conditions and the review flags: the one place the form, import and admin use."""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portaal.postcodes import (  # noqa: F401 - the rules' own vocabulary, used by form and model
    BRUSSELS_POSTCODES,
    PROVINCE_RANGES,
    province_for_postcode,
    region_for_postcode,
)

from .constants import Gewest, Rechtsvorm, TypeOrganisatie, Vlag

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
) -> list[str]:
    """What an eligible registration still needs a human to judge, as `Vlag` codes."""
    flags = []
    if postcode is not None and region_for_postcode(postcode) == Gewest.BRUSSEL:
        flags.append(Vlag.BRUSSEL_WERKING.value)
    if rechtsvorm == Rechtsvorm.ANDERE:
        flags.append(Vlag.RECHTSVORM_ANDERE.value)
    if type_organisatie == TypeOrganisatie.ANDERE:
        flags.append(Vlag.TYPE_ANDERE.value)
    if aandeel_kleine_ondernemingen is not None and (
        aandeel_kleine_ondernemingen < SMALL_COMPANY_SHARE_THRESHOLD
    ):
        flags.append(Vlag.GROTE_ONDERNEMINGEN.value)
    return flags
