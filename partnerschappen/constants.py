"""Choices of candidate partnerships and their members."""
from django.db import models
from django.utils.translation import gettext_lazy as _

# A partnership brings organisations around one table: one alone is no partnership.
MIN_MEMBERS = 2


class Basis(models.TextChoices):
    """Why these organisations sit around one table (the call's three bases)."""

    GELIJKAARDIGE_UITDAGINGEN = "gelijkaardige_uitdagingen", _("gelijkaardige competentie-uitdagingen")
    KETEN = "keten", _("een keten die gevormd wordt")
    GENERIEKE_VAARDIGHEDEN = "generieke_vaardigheden", _("specifieke generieke vaardigheden")
    ANDERE = "andere", _("andere basis")


class PartnerschapStatus(models.TextChoices):
    VOORSTEL = "voorstel", _("voorstel")
    IN_GESPREK = "in_gesprek", _("in gesprek")
    GEVORMD = "gevormd", _("gevormd")
    AFGEHAAKT = "afgehaakt", _("afgehaakt")


class LidRol(models.TextChoices):
    REGISSEUR = "regisseur", _("regisseur (regierol)")
    PARTNER = "partner", _("partner")


class Deelname(models.TextChoices):
    """Where one member stands in the partnership after the conversations."""

    OPEN = "open", _("nog niet bevestigd")
    BEVESTIGD = "bevestigd", _("bevestigd")
    AFGEHAAKT = "afgehaakt", _("afgehaakt")


class GesprekStatus(models.TextChoices):
    GEPLAND = "gepland", _("gepland")
    GEANNULEERD = "geannuleerd", _("geannuleerd")


class Antwoord(models.TextChoices):
    """A member's answer to an invitation (the three buttons of the answer page)."""

    KOMT = "komt", _("komt")
    KOMT_NIET = "komt_niet", _("komt niet")
    ANDER_MOMENT = "ander_moment", _("stelt een ander moment voor")


class Werkgebied(models.TextChoices):
    """Where a member of an agreement will work: Flanders's five provinces and Brussels.

    The codes are registraties' Provincie codes, so figures per province line up.
    """

    ANTWERPEN = "VAN", _("Antwerpen")
    LIMBURG = "VLI", _("Limburg")
    OOST_VLAANDEREN = "VOV", _("Oost-Vlaanderen")
    VLAAMS_BRABANT = "VBR", _("Vlaams-Brabant")
    WEST_VLAANDEREN = "VWV", _("West-Vlaanderen")
    BRUSSEL = "BRU", _("Brussel")
