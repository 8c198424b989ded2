"""Belgian postcodes: the province and region each one lies in, for every app that needs it.

The call's conditions (registraties/eligibility.py) and the enterprise register (kbo) both
place an address by its postcode; the split lives here once.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gewest(models.TextChoices):
    VLAANDEREN = "vlaanderen", _("Vlaams Gewest")
    BRUSSEL = "brussel", _("Brussels Hoofdstedelijk Gewest")
    WALLONIE = "wallonie", _("Waals Gewest")


class Provincie(models.TextChoices):
    """Codes of django-localflavor's Belgian provinces, labelled in Dutch."""

    ANTWERPEN = "VAN", _("Antwerpen")
    BRUSSEL = "BRU", _("Brussel")
    OOST_VLAANDEREN = "VOV", _("Oost-Vlaanderen")
    VLAAMS_BRABANT = "VBR", _("Vlaams-Brabant")
    HENEGOUWEN = "WHT", _("Henegouwen")
    LUIK = "WLG", _("Luik")
    LIMBURG = "VLI", _("Limburg")
    LUXEMBURG = "WLX", _("Luxemburg")
    NAMEN = "WNA", _("Namen")
    WAALS_BRABANT = "WBR", _("Waals-Brabant")
    WEST_VLAANDEREN = "VWV", _("West-Vlaanderen")


# (first, last, province) — Belgian postcode ranges per province.
PROVINCE_RANGES: tuple[tuple[int, int, str], ...] = (
    (1000, 1299, Provincie.BRUSSEL),
    (1300, 1499, Provincie.WAALS_BRABANT),
    (1500, 1999, Provincie.VLAAMS_BRABANT),
    (2000, 2999, Provincie.ANTWERPEN),
    (3000, 3499, Provincie.VLAAMS_BRABANT),
    (3500, 3999, Provincie.LIMBURG),
    (4000, 4999, Provincie.LUIK),
    (5000, 5999, Provincie.NAMEN),
    (6000, 6599, Provincie.HENEGOUWEN),
    (6600, 6999, Provincie.LUXEMBURG),
    (7000, 7999, Provincie.HENEGOUWEN),
    (8000, 8999, Provincie.WEST_VLAANDEREN),
    (9000, 9999, Provincie.OOST_VLAANDEREN),
)

BRUSSELS_POSTCODES: tuple[int, int] = next(
    (first, last) for first, last, province in PROVINCE_RANGES if province == Provincie.BRUSSEL)


def province_for_postcode(postcode: int) -> str:
    for first, last, province in PROVINCE_RANGES:
        if first <= postcode <= last:
            return str(province)
    raise ValueError(f"Geen Belgische postcode: {postcode}")


def region_for_postcode(postcode: int) -> str:
    province = province_for_postcode(postcode)
    if province == Provincie.BRUSSEL:
        return Gewest.BRUSSEL
    # The province codes start with the region: V(laanderen), W(allonië), BRU(ssel).
    return Gewest.VLAANDEREN if province.startswith("V") else Gewest.WALLONIE


def region_for_text(postcode: str) -> str:
    """The region of a postcode as written in an address; "" when it is no Belgian one."""
    text = (postcode or "").strip()
    if len(text) != 4 or not (text.isascii() and text.isdigit()) or int(text) < 1000:
        return ""
    return str(region_for_postcode(int(text)))
