"""An organisation's registration of interest in one round."""
from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from berichten.models import ClaimedJob
from kbo import ondernemingsnummer

from . import eligibility
from .constants import (
    Actie,
    Gewest,
    KboBevinding,
    KboControle,
    Provincie,
    Rechtsvorm,
    RegistratieStatus,
    Thema,
    TypeOrganisatie,
    Vaardigheid,
    Vlag,
)
from .fields import ChoiceListField

postcode_validator = RegexValidator(
    r"^[1-9][0-9]{3}$", _("Geef een Belgische postcode van vier cijfers (1000–9999)."),
    code="ongeldige_postcode",
)
ondernemingsnummer_validator = RegexValidator(
    r"^[01][0-9]{9}$", _("Een ondernemingsnummer heeft tien cijfers."),
    code="ongeldig_ondernemingsnummer",
)


CONTACT_FIELDS = ("contact_naam", "contact_functie", "contact_email", "contact_telefoon")
# What the form found in the enterprise register for the answers (eligibility.register_verdict).
REGISTER_FIELDS = ("kbo_controle", "kbo_bevindingen", "kbo_snapshot_datum")
# What is written together with the answers: the register's verdict and what refresh_derived()
# computes from both.
DERIVED_FIELDS = ("gewest", "provincie", "vlaggen", *REGISTER_FIELDS)


class RegistratieQuerySet(models.QuerySet):
    def with_choice(self, field_name: str, code: str) -> "RegistratieQuerySet":
        return self.filter(self.model._meta.get_field(field_name).has_choice(code))


class Registratie(models.Model):
    ronde = models.ForeignKey("verkenning.Ronde", on_delete=models.PROTECT,
                              related_name="registraties", verbose_name=_("ronde"))
    volgnummer = models.PositiveIntegerField(_("volgnummer"), editable=False)
    referentie = models.CharField(_("referentie"), max_length=24, unique=True, editable=False)

    # Uw organisatie
    naam = models.CharField(_("naam van de organisatie"), max_length=200)
    ondernemingsnummer = models.CharField(_("ondernemingsnummer"), max_length=10,
                                          validators=[ondernemingsnummer_validator])
    rechtsvorm = models.CharField(_("rechtsvorm"), max_length=30, choices=Rechtsvorm.choices)
    rechtsvorm_andere = models.CharField(_("andere rechtsvorm"), max_length=200, blank=True,
                                         default="")
    type_organisatie = models.CharField(_("type organisatie"), max_length=30,
                                        choices=TypeOrganisatie.choices)
    type_andere = models.CharField(_("ander type organisatie"), max_length=200, blank=True,
                                   default="")
    website = models.URLField(_("website"), max_length=300, blank=True, default="")

    # Zetel en werking
    straat = models.CharField(_("straat en nummer"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    gemeente = models.CharField(_("gemeente"), max_length=100)
    gewest = models.CharField(_("gewest"), max_length=12, choices=Gewest.choices,
                              editable=False)
    provincie = models.CharField(_("provincie"), max_length=3, choices=Provincie.choices,
                                 editable=False)
    werking_vlaanderen = models.BooleanField(_("werking in Vlaanderen"), default=False)
    toelichting_werking = models.TextField(_("toelichting bij de werking"), blank=True,
                                           default="")
    bereid_tot_partnerschap = models.BooleanField(_("bereid tot partnerschap"), default=False)

    # Contactpersoon
    contact_naam = models.CharField(_("naam contactpersoon"), max_length=200)
    contact_functie = models.CharField(_("functie"), max_length=200, blank=True, default="")
    contact_email = models.EmailField(_("e-mailadres"), max_length=254)
    contact_telefoon = models.CharField(_("telefoon"), max_length=40, blank=True, default="")

    # Interesse en expertise
    themas = ChoiceListField(_("thema's"), choices_enum=Thema)
    thema_andere = models.CharField(_("ander thema"), max_length=300, blank=True, default="")
    vaardigheden = ChoiceListField(_("generieke vaardigheden"), choices_enum=Vaardigheid)
    rollen = ChoiceListField(_("acties binnen een partnerschap"), choices_enum=Actie)
    sectoren = models.CharField(_("sectoren"), max_length=500)
    paritaire_comites = models.CharField(_("paritaire comités"), max_length=300, blank=True,
                                         default="")
    aantal_ondernemingen = models.PositiveIntegerField(_("aantal bereikte ondernemingen"),
                                                       null=True, blank=True)
    aandeel_kleine_ondernemingen = models.PositiveSmallIntegerField(
        _("aandeel kleine ondernemingen (%)"), null=True, blank=True,
        validators=[MaxValueValidator(100)],
    )
    competentie_uitdagingen = models.TextField(_("competentie-uitdagingen"))
    keten = models.TextField(_("keten"), blank=True, default="")
    gewenste_partners = models.TextField(_("gewenste partners"), blank=True, default="")
    opmerkingen = models.TextField(_("opmerkingen"), blank=True, default="")

    # Privacy
    toestemming_delen = models.BooleanField(_("toestemming om contactgegevens te delen"),
                                            default=False)
    privacy_akkoord = models.BooleanField(_("akkoord met de privacyverklaring"), default=False)

    # Review
    status = models.CharField(_("status"), max_length=20, choices=RegistratieStatus.choices,
                              default=RegistratieStatus.INGEDIEND, db_index=True)
    status_gewijzigd_op = models.DateTimeField(_("status gewijzigd op"), null=True, blank=True)
    status_gewijzigd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("status gewijzigd door"),
    )
    status_reden = models.TextField(_("reden van de status"), blank=True, default="")
    vlaggen = ChoiceListField(_("aandachtspunten"), choices_enum=Vlag)
    # The enterprise register's word at the last check (form, import or re-check).
    kbo_controle = models.CharField(_("KBO-controle"), max_length=20, choices=KboControle.choices,
                                    default=KboControle.NIET_GEVERIFIEERD, db_index=True)
    kbo_bevindingen = ChoiceListField(_("bevindingen in de KBO"), choices_enum=KboBevinding)
    kbo_snapshot_datum = models.DateField(_("KBO-gegevens van"), null=True, blank=True)

    wijzig_token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                         editable=False)
    ingediend_op = models.DateTimeField(_("ingediend op"), auto_now_add=True, db_index=True)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["wijzig_token_hash"])
    objects = RegistratieQuerySet.as_manager()

    class Meta:
        verbose_name = _("registratie")
        verbose_name_plural = _("registraties")
        ordering = ["-ingediend_op", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["ronde", "ondernemingsnummer"],
                                    name="registratie_uniek_ondernemingsnummer_per_ronde"),
            models.UniqueConstraint(fields=["ronde", "volgnummer"],
                                    name="registratie_uniek_volgnummer_per_ronde"),
            models.CheckConstraint(condition=Q(aandeel_kleine_ondernemingen__lte=100),
                                   name="registratie_aandeel_max_100"),
            models.CheckConstraint(condition=~Q(rechtsvorm=Rechtsvorm.FEITELIJKE_VERENIGING),
                                   name="registratie_rechtspersoonlijkheid"),
        ]
        permissions = [
            ("review_registratie", "Status van registraties wijzigen"),
            ("export_registratie", "Registraties exporteren"),
        ]

    def __str__(self) -> str:
        return f"{self.referentie} {self.naam}"

    def save(self, *args, **kwargs):
        # Every way of creating a registration (form, import, shell, tests) gets the round's
        # next number under the round's row lock and the region and flags its answers imply.
        if self.pk is None and self.volgnummer is None:
            with transaction.atomic():
                self.take_next_number()
                self.refresh_derived()
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def take_next_number(self) -> None:
        """Number this new registration within its round: gap-free, never twice (the round's
        row stays locked until the caller's transaction ends; Ronde.objects.take_numbers)."""
        from verkenning.models import Ronde

        [(self.volgnummer, self.referentie)] = Ronde.objects.take_numbers(self.ronde_id)

    def refresh_derived(self) -> None:
        """Region, province and review flags follow from the answers (eligibility.py)."""
        postcode = eligibility.parse_postcode(self.postcode)
        if postcode is None:
            return
        self.gewest = eligibility.region_for_postcode(postcode)
        self.provincie = eligibility.province_for_postcode(postcode)
        self.vlaggen = eligibility.review_flags(
            postcode=postcode, rechtsvorm=self.rechtsvorm,
            type_organisatie=self.type_organisatie,
            aandeel_kleine_ondernemingen=self.aandeel_kleine_ondernemingen,
            kbo_controle=self.kbo_controle, kbo_bevindingen=self.kbo_bevindingen,
        ) + eligibility.kept_flags(self.vlaggen)

    def apply_register_verdict(self, verdict) -> None:
        """Record what the enterprise register said (eligibility.RegisterVerdict)."""
        self.kbo_controle = verdict.controle
        self.kbo_bevindingen = list(verdict.bevindingen)
        self.kbo_snapshot_datum = verdict.snapshot_datum

    def apply_judgement(self, judgement) -> None:
        """Record a judgement of the stored answers (eligibility.Judgement): the register's
        verdict and the flags of the rules it kept rather than refused."""
        self.apply_register_verdict(judgement.verdict)
        self.set_judgement_flags(judgement.flags)

    def set_judgement_flags(self, flags) -> None:
        self.vlaggen = [flag for flag in self.vlaggen or ()
                        if flag not in eligibility.JUDGEMENT_FLAGS] + list(flags)

    @property
    def ondernemingsnummer_opgemaakt(self) -> str:
        """The enterprise number as people write it: 0417.497.106."""
        return ondernemingsnummer.display(self.ondernemingsnummer)

    def contact_for_partners(self) -> dict[str, str] | None:
        """The contact person as prospective partners may see it: only with consent.

        None when the organisation did not agree to share it (``toestemming_delen``);
        every page, mail or file that shows members to each other goes through this.
        """
        if not self.toestemming_delen:
            return None
        return {name: getattr(self, name) for name in CONTACT_FIELDS}

    def labels(self, field_name: str) -> list[str]:
        return self._meta.get_field(field_name).labels(getattr(self, field_name))

    @property
    def vlaggen_labels(self) -> list[str]:
        return self.labels("vlaggen")


class Notitie(models.Model):
    """An internal note of staff on a registration; reviewers can add but not change them."""

    registratie = models.ForeignKey(Registratie, on_delete=models.CASCADE,
                                    related_name="notities", verbose_name=_("registratie"))
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", verbose_name=_("auteur"))
    tekst = models.TextField(_("tekst"))
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        ordering = ["-aangemaakt_op", "-pk"]

    def __str__(self) -> str:
        return f"{self.registratie_id}: {self.tekst[:60]}"


class StatusWijziging(models.Model):
    """One step of the review workflow: who moved a registration from which status to which."""

    registratie = models.ForeignKey(Registratie, on_delete=models.CASCADE,
                                    related_name="statuswijzigingen",
                                    verbose_name=_("registratie"))
    van = models.CharField(_("van"), max_length=20, choices=RegistratieStatus.choices)
    naar = models.CharField(_("naar"), max_length=20, choices=RegistratieStatus.choices)
    reden = models.TextField(_("reden"), blank=True, default="")
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("door"))
    op = models.DateTimeField(_("op"), db_index=True)
    organisatie_verwittigd = models.BooleanField(_("organisatie verwittigd"), default=False)

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        ordering = ["-op", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(naar=RegistratieStatus.NIET_ONTVANKELIJK) | ~Q(reden=""),
                name="statuswijziging_reden_bij_niet_ontvankelijk",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_van_display()} → {self.get_naar_display()}"


class ImportStatus(models.TextChoices):
    WACHTEND = "wachtend", _("wachtend")
    BEZIG = "bezig", _("bezig")
    VOORVERTOOND = "voorvertoond", _("voorvertoning klaar")
    GEIMPORTEERD = "geimporteerd", _("geïmporteerd")
    MISLUKT = "mislukt", _("mislukt")


class Importbestand(ClaimedJob):
    """An uploaded Excel import: kept in the database so that any worker can preview and
    import it (app processes keep no files), with its progress and its result per row."""

    ronde = models.ForeignKey("verkenning.Ronde", on_delete=models.CASCADE,
                              related_name="+", verbose_name=_("ronde"))
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("door"))
    bestandsnaam = models.CharField(_("bestandsnaam"), max_length=255)
    # Emptied once the import ran or failed: the file holds personal data.
    inhoud = models.BinaryField(_("inhoud"), editable=False)
    grootte = models.PositiveIntegerField(_("grootte (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices,
                              default=ImportStatus.WACHTEND)
    # False while previewing, True once staff confirmed: which job the status is about.
    bevestigd = models.BooleanField(_("bevestigd"), default=False)
    verwerkt = models.PositiveIntegerField(_("rijen verwerkt"), default=0)
    totaal = models.PositiveIntegerField(_("rijen in totaal"), default=0)
    # {"file_errors": [...], "rows": [{number, naam, ondernemingsnummer, action, errors}],
    #  "saved": bool}: what the preview page and the confirmation show.
    resultaat = models.JSONField(_("resultaat"), default=dict, blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    class Meta:
        verbose_name = _("importbestand")
        verbose_name_plural = _("importbestanden")
        ordering = ["-aangemaakt_op", "-pk"]

    def __str__(self) -> str:
        return f"{self.bestandsnaam} ({self.get_status_display()})"

    @property
    def busy(self) -> bool:
        return self.status in (ImportStatus.WACHTEND, ImportStatus.BEZIG)

    @property
    def percentage(self) -> int:
        return int(100 * self.verwerkt / self.totaal) if self.totaal else 0
