"""Regions of a registered office, from its Belgian postcode."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Gewest(models.TextChoices):
    VLAANDEREN = "vlaanderen", _("Vlaams Gewest")
    BRUSSEL = "brussel", _("Brussels Hoofdstedelijk Gewest")
    WALLONIE = "wallonie", _("Waals Gewest")


def gewest_for_postcode(postcode: str) -> str:
    """The region of a Belgian postcode; "" when it is not one (abroad, empty).

    Brussels 1000–1299, Walloon 1300–1499 and 4000–7999, Flemish 1500–3999 and 8000–9999:
    the same split as the call's conditions (registraties/eligibility.py), here for the
    register's own addresses, which may also lie abroad.
    """
    if len(postcode) != 4 or not postcode.isdigit():
        return ""
    number = int(postcode)
    if number < 1000:
        return ""
    if number < 1300:
        return Gewest.BRUSSEL.value
    if number < 1500 or 4000 <= number < 8000:
        return Gewest.WALLONIE.value
    return Gewest.VLAANDEREN.value
