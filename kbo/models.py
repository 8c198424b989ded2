"""The portal's own copy of what it needs from the enterprise register."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class NummerField(models.CharField):
    """Ten digits, always: char(10). No pattern index (PostgreSQL) beside the primary key,
    which the import would have to fill for nothing."""

    def db_type(self, connection):
        return f"char({self.max_length})"


class Onderneming(models.Model):
    """One enterprise as the last imported snapshot knows it (filled only by the import)."""

    ondernemingsnummer = NummerField(_("ondernemingsnummer"), max_length=10, primary_key=True)
    actief = models.BooleanField(_("actief"))
    rechtspersoon = models.BooleanField(_("rechtspersoon"))
    rechtsvorm_code = models.CharField(_("code rechtsvorm"), max_length=3, blank=True)
    rechtsvorm = models.TextField(_("rechtsvorm"), blank=True)
    naam = models.TextField(_("naam"), blank=True)
    # denomination.csv Language of the name shown: 2 Dutch, 1 French, 3 German, 4 English,
    # 0 unknown (an update compares it with the language of a new name).
    naam_taal = models.CharField(_("taal van de naam"), max_length=1, blank=True)
    # The enterprise's other names, one a line: official names in other languages than Dutch,
    # abbreviation, trade name (it may repeat ``naam`` when that is not Dutch).
    namen = models.TextField(_("andere namen"), blank=True, default="")
    postcode = models.CharField(_("postcode maatschappelijke zetel"), max_length=20, blank=True)
    gemeente = models.TextField(_("gemeente maatschappelijke zetel"), blank=True)
    straat = models.TextField(_("straat en nummer maatschappelijke zetel"), blank=True)
    land = models.TextField(_("land (leeg: België)"), blank=True)
    startdatum = models.DateField(_("begindatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("onderneming in de KBO")
        verbose_name_plural = _("ondernemingen in de KBO")
        ordering = ["ondernemingsnummer"]

    def __str__(self) -> str:
        return f"{self.ondernemingsnummer} {self.naam}".strip()


class Snapshot(models.Model):
    """One imported file (meta.csv) and what the import did with it."""

    class Type(models.TextChoices):
        FULL = "full", _("volledig bestand")
        UPDATE = "update", _("updatebestand")

    snapshot_datum = models.DateField(_("datum van de gegevens"))
    extract_tijdstip = models.DateTimeField(_("aangemaakt door de KBO op"), null=True, blank=True)
    extract_type = models.CharField(_("soort bestand"), max_length=10, choices=Type.choices)
    extract_nummer = models.PositiveIntegerField(_("volgnummer"), null=True, blank=True)
    versie = models.CharField(_("versie"), max_length=20, blank=True)
    geimporteerd_op = models.DateTimeField(_("ingelezen op"), auto_now_add=True)
    duur_seconden = models.FloatField(_("duur (seconden)"), default=0)
    gelezen_rijen = models.PositiveBigIntegerField(_("gelezen rijen"), default=0)
    overgeslagen_rijen = models.PositiveBigIntegerField(_("overgeslagen rijen (fouten)"), default=0)
    toegevoegd = models.PositiveBigIntegerField(_("ondernemingen toegevoegd of gewijzigd"), default=0)
    verwijderd = models.PositiveBigIntegerField(_("ondernemingen verwijderd"), default=0)
    aantal_ondernemingen = models.PositiveBigIntegerField(_("ondernemingen na import"), default=0)
    # Rows read and skipped per file, and the first malformed rows (file, line, reason).
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("KBO-import")
        verbose_name_plural = _("KBO-imports")
        ordering = ["-geimporteerd_op", "-id"]
        get_latest_by = "geimporteerd_op"

    def __str__(self) -> str:
        return f"{self.get_extract_type_display()} {self.snapshot_datum:%d-%m-%Y}"
