"""Choices of the interest form and of the review workflow."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from portaal.postcodes import Gewest, Provincie  # noqa: F401 - choices of Registratie


class Rechtsvorm(models.TextChoices):
    VZW = "vzw", _("vzw (vereniging zonder winstoogmerk)")
    IVZW = "ivzw", _("ivzw (internationale vereniging zonder winstoogmerk)")
    STICHTING = "stichting", _("stichting")
    FONDS_BESTAANSZEKERHEID = "fonds_bestaanszekerheid", _("fonds voor bestaanszekerheid")
    BEROEPSVERENIGING = "beroepsvereniging", _("beroepsvereniging")
    VENNOOTSCHAP = "vennootschap", _("vennootschap")
    PUBLIEKRECHTELIJK = "publiekrechtelijk", _("publiekrechtelijke rechtspersoon")
    FEITELIJKE_VERENIGING = "feitelijke_vereniging", _("feitelijke vereniging (zonder rechtspersoonlijkheid)")
    ANDERE = "andere", _("andere rechtsvorm")


class TypeOrganisatie(models.TextChoices):
    SECTORFONDS = "sectorfonds", _("sectorfonds")
    SECTORFEDERATIE = "sectorfederatie", _("sectorfederatie")
    LEDENORGANISATIE = "ledenorganisatie", _("ledenorganisatie")
    WERKGEVERSORGANISATIE = "werkgeversorganisatie", _("werkgeversorganisatie")
    WERKNEMERSORGANISATIE = "werknemersorganisatie", _("werknemersorganisatie")
    ANDERE = "andere", _("andere netwerkorganisatie")


class Thema(models.TextChoices):
    BEHOEFTEDETECTIE = "behoeftedetectie", _("behoeftedetectie, op weg naar een opleidingsplan")
    DOORGROEI = "doorgroei", _("doorgroei van werknemers naar andere functies")
    THEMATISCHE_SCREENING = "thematische_screening", _("thematische screening (bv. digitale, 21ste-eeuwse of groene vaardigheden)")
    KENNISOVERDRACHT = "kennisoverdracht", _("kennisoverdracht tussen nieuwe en ervaren werknemers")
    ANDERE = "andere", _("ander thema")


class Vaardigheid(models.TextChoices):
    DIGITAAL = "digitaal", _("digitale vaardigheden")
    EEUWS = "21ste_eeuw", _("21ste-eeuwse vaardigheden")
    GROEN = "groen", _("groene vaardigheden")
    ANDERE = "andere", _("andere vaardigheden")


class Actie(models.TextChoices):
    """The four actions of a partnership in the call."""

    REGIE = "regie", _("samenwerking (regierol)")
    LEREN = "leren", _("leren")
    COMMUNICATIE = "communicatie", _("communicatie")
    COMPETENTIECHECKS = "competentiechecks", _("opzetten competentiechecks")


class RegistratieStatus(models.TextChoices):
    INGEDIEND = "ingediend", _("ingediend")
    IN_BEHANDELING = "in_behandeling", _("in behandeling")
    ONTVANKELIJK = "ontvankelijk", _("ontvankelijk")
    NIET_ONTVANKELIJK = "niet_ontvankelijk", _("niet ontvankelijk")


class Vlag(models.TextChoices):
    """What the form cannot judge and staff must look at."""

    BRUSSEL_WERKING = "brussel_werking", _("Zetel in Brussel: nagaan of de werking vooral op de Vlaamse arbeidsmarkt gericht is")
    RECHTSVORM_ANDERE = "rechtsvorm_andere", _("Andere rechtsvorm: rechtspersoonlijkheid nagaan")
    TYPE_ANDERE = "type_andere", _("Ander type organisatie: nagaan of het een netwerkorganisatie is")
    GROTE_ONDERNEMINGEN = "grote_ondernemingen", _("Minder dan de helft van de bereikte ondernemingen is klein (≤ 50 werknemers)")
    # The enterprise register (KBO): what the organisation declared against what it says.
    KBO_NIET_GEVERIFIEERD = "kbo_niet_geverifieerd", _("Niet geverifieerd in de KBO: er waren geen registergegevens geladen")
    KBO_NIET_GEVONDEN = "kbo_niet_gevonden", _("Niet (meer) als actieve rechtspersoon in de KBO: nagaan")
    KBO_ZETEL = "kbo_zetel", _("De opgegeven postcode verschilt van de maatschappelijke zetel in de KBO")
    KBO_RECHTSVORM = "kbo_rechtsvorm", _("De opgegeven rechtsvorm verschilt van die in de KBO")
    KBO_NAAM = "kbo_naam", _("De opgegeven naam komt met geen enkele naam van dit nummer in de KBO overeen")
    # A condition of the call that an existing registration does not (or no longer) meet and
    # that its last change did not introduce: kept, for staff to judge (eligibility.TABLE).
    VOORWAARDE = "voorwaarde", _("Voldoet volgens de laatste toetsing niet (meer) aan een voorwaarde van de oproep: nagaan (zie Beoordeling)")
    # Set when the form came in without the proof of work (no JavaScript); not an answer rule.
    ZONDER_SPAMCONTROLE = "zonder_spamcontrole", _("Verstuurd zonder spamcontrole (geen JavaScript): nagaan of het een echte organisatie is")


class KboControle(models.TextChoices):
    """How a registration fared against the enterprise register (the staff filter)."""

    GEVERIFIEERD = "geverifieerd", _("geverifieerd")
    VERSCHILT = "verschilt", _("verschilt")
    NIET_GEVONDEN = "niet_gevonden", _("niet gevonden")
    NIET_GEVERIFIEERD = "niet_geverifieerd", _("niet geverifieerd")


class KboBevinding(models.TextChoices):
    """What the register says that differs from the registration."""

    ONBEKEND = "onbekend", _("het nummer staat niet in de KBO")
    GESTOPT = "gestopt", _("de onderneming is stopgezet")
    NATUURLIJK_PERSOON = "natuurlijk_persoon", _("het nummer hoort bij een natuurlijk persoon")
    ZETEL_WALLONIE = "zetel_wallonie", _("de maatschappelijke zetel ligt in het Waals Gewest")
    ZETEL_VERSCHILT = "zetel_verschilt", _("de maatschappelijke zetel heeft een andere postcode")
    RECHTSVORM_VERSCHILT = "rechtsvorm_verschilt", _("de KBO vermeldt een andere rechtsvorm")
    NAAM_VERSCHILT = "naam_verschilt", _("de naam komt met geen enkele naam in de KBO overeen")
