"""Candidate partnerships of registrations of one round, their members and conversations."""
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registraties.constants import Actie, Thema
from registraties.fields import ChoiceListField

from .constants import (
    Antwoord,
    Basis,
    Deelname,
    GesprekStatus,
    LidRol,
    PartnerschapStatus,
    Werkgebied,
)


class PartnerschapQuerySet(models.QuerySet):
    def active(self) -> "PartnerschapQuerySet":
        """The partnerships that did not drop out."""
        return self.exclude(status=PartnerschapStatus.AFGEHAAKT)


class Partnerschap(models.Model):
    naam = models.CharField(_("naam"), max_length=200)
    ronde = models.ForeignKey("verkenning.Ronde", on_delete=models.PROTECT,
                              related_name="partnerschappen", verbose_name=_("ronde"))
    basis = models.CharField(_("basis van de bundeling"), max_length=30, choices=Basis.choices,
                             default=Basis.GELIJKAARDIGE_UITDAGINGEN)
    basis_andere = models.CharField(_("andere basis"), max_length=300, blank=True, default="")
    themas = ChoiceListField(_("thema's"), choices_enum=Thema)
    status = models.CharField(_("status"), max_length=20, choices=PartnerschapStatus.choices,
                              default=PartnerschapStatus.VOORSTEL, db_index=True)
    # Why it was formed or dropped (internal, like the notes: never shown to the members).
    status_reden = models.TextField(_("reden van de status"), blank=True, default="")
    notities = models.TextField(_("notities"), blank=True, default="")
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("aangemaakt door"),
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    history = HistoricalRecords()
    objects = PartnerschapQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnerschap")
        verbose_name_plural = _("partnerschappen")
        ordering = ["-aangemaakt_op", "-pk"]

    def __str__(self) -> str:
        return self.naam

    @property
    def is_active(self) -> bool:
        return self.status != PartnerschapStatus.AFGEHAAKT


class LidmaatschapQuerySet(models.QuerySet):
    def in_active_partnership(self) -> "LidmaatschapQuerySet":
        """Memberships of a partnership that did not drop out (PartnerschapQuerySet.active)."""
        return self.exclude(partnerschap__status=PartnerschapStatus.AFGEHAAKT)


class Lidmaatschap(models.Model):
    partnerschap = models.ForeignKey(Partnerschap, on_delete=models.CASCADE,
                                     related_name="lidmaatschappen",
                                     verbose_name=_("partnerschap"))
    registratie = models.ForeignKey("registraties.Registratie", on_delete=models.PROTECT,
                                    related_name="lidmaatschappen",
                                    verbose_name=_("registratie"))
    rol = models.CharField(_("rol in het partnerschap"), max_length=20, choices=LidRol.choices,
                           default=LidRol.PARTNER)
    acties = ChoiceListField(_("acties"), choices_enum=Actie)
    deelname = models.CharField(_("deelname"), max_length=20, choices=Deelname.choices,
                                default=Deelname.OPEN)
    # Internal: why this member dropped out (never shown to the members).
    deelname_reden = models.TextField(_("reden van de deelname"), blank=True, default="")
    toegevoegd_op = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)

    history = HistoricalRecords()
    objects = LidmaatschapQuerySet.as_manager()

    class Meta:
        verbose_name = _("lid")
        verbose_name_plural = _("leden")
        ordering = ["partnerschap", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnerschap", "registratie"],
                                    name="lidmaatschap_uniek_per_partnerschap"),
            models.UniqueConstraint(fields=["partnerschap"],
                                    condition=Q(rol=LidRol.REGISSEUR),
                                    name="lidmaatschap_een_regisseur_per_partnerschap"),
        ]

    def __str__(self) -> str:
        return f"{self.registratie} – {self.get_rol_display()}"

    @property
    def acties_labels(self) -> list[str]:
        return self._meta.get_field("acties").labels(self.acties)


def new_calendar_uid() -> str:
    """The calendar entry's UID: stable for a conversation, so updates replace the entry."""
    return f"{uuid.uuid4()}@competentiechecks"


class GesprekQuerySet(models.QuerySet):
    def upcoming(self, now: datetime | None = None) -> "GesprekQuerySet":
        """Planned and not begun yet: it can still change, invite, remind and be answered.

        ``Gesprek.is_upcoming`` asks the same of one conversation already loaded.
        """
        return self.filter(status=GesprekStatus.GEPLAND, begint_op__gt=now or timezone.now())


class Gesprek(models.Model):
    """A conversation ESF&DO plans with the members of one partnership."""

    partnerschap = models.ForeignKey(Partnerschap, on_delete=models.CASCADE,
                                     related_name="gesprekken", verbose_name=_("partnerschap"))
    begint_op = models.DateTimeField(_("begint op"))
    duur_minuten = models.PositiveSmallIntegerField(
        _("duur (minuten)"), default=90, validators=[MinValueValidator(15), MaxValueValidator(480)])
    plaats = models.CharField(_("plaats"), max_length=300, blank=True, default="")
    online_link = models.URLField(_("link voor online deelname"), max_length=500, blank=True,
                                  default="")
    agenda = models.TextField(_("agenda"))
    status = models.CharField(_("status"), max_length=20, choices=GesprekStatus.choices,
                              default=GesprekStatus.GEPLAND)
    # Internal report after the conversation: never shown to the members.
    verslag = models.TextField(_("verslag"), blank=True, default="")
    agenda_uid = models.CharField(max_length=100, unique=True, default=new_calendar_uid,
                                  editable=False)
    # The calendar entry's SEQUENCE: raised by every change the members are told about.
    volgnummer = models.PositiveIntegerField(_("versie van de uitnodiging"), default=0,
                                             editable=False)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("gepland door"),
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    history = HistoricalRecords()
    objects = GesprekQuerySet.as_manager()

    class Meta:
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        ordering = ["begint_op", "pk"]
        permissions = [("plan_gesprek", _("Gesprekken plannen en leden uitnodigen"))]
        constraints = [
            models.CheckConstraint(condition=~Q(plaats="") | ~Q(online_link=""),
                                   name="gesprek_plaats_of_link"),
            models.CheckConstraint(condition=Q(duur_minuten__gte=15, duur_minuten__lte=480),
                                   name="gesprek_duur_redelijk"),
        ]

    def __str__(self) -> str:
        return f"{self.partnerschap} – {timezone.localtime(self.begint_op):%d/%m/%Y %H:%M}"

    @property
    def eindigt_op(self):
        return self.begint_op + timedelta(minutes=self.duur_minuten)

    def is_upcoming(self, now: datetime | None = None) -> bool:
        """GesprekQuerySet.upcoming for this one conversation."""
        return self.status == GesprekStatus.GEPLAND and (now or timezone.now()) < self.begint_op

    @property
    def is_cancelled(self) -> bool:
        return self.status == GesprekStatus.GEANNULEERD


class Uitnodiging(models.Model):
    """One member's invitation to one conversation, and its answer."""

    gesprek = models.ForeignKey(Gesprek, on_delete=models.CASCADE, related_name="uitnodigingen",
                                verbose_name=_("gesprek"))
    registratie = models.ForeignKey("registraties.Registratie", on_delete=models.PROTECT,
                                    related_name="uitnodigingen", verbose_name=_("registratie"))
    # The answer link's token (256 bits) is never stored, only its SHA-256.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                  editable=False)
    antwoord = models.CharField(_("antwoord"), max_length=20, choices=Antwoord.choices,
                                blank=True, default="")
    opmerking = models.TextField(_("opmerking bij het antwoord"), blank=True, default="")
    beantwoord_op = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    uitgenodigd_op = models.DateTimeField(_("uitgenodigd op"))
    laatste_herinnering_op = models.DateTimeField(_("laatste herinnering op"), null=True,
                                                  blank=True)
    ingetrokken = models.BooleanField(_("ingetrokken"), default=False)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("uitnodiging")
        verbose_name_plural = _("uitnodigingen")
        ordering = ["gesprek", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["gesprek", "registratie"],
                                    name="uitnodiging_uniek_per_gesprek"),
        ]

    def __str__(self) -> str:
        return f"{self.registratie} – {self.gesprek}"


# ----- the agreement (afspraken) -------------------------------------------------------------

class Afspraak(models.Model):
    """One version of a partnership's agreement, recorded by a coordinator after a conversation.

    A version never changes once written (only when it was put to the members): every change
    is a new version with the next ``nummer``, so the versions are the history. The
    services are in ``partnerschappen/afspraken.py``.
    """

    partnerschap = models.ForeignKey(Partnerschap, on_delete=models.CASCADE,
                                     related_name="afspraken", verbose_name=_("partnerschap"))
    nummer = models.PositiveIntegerField(_("versie"))
    themas = ChoiceListField(_("thema's"), choices_enum=Thema)
    thema_andere = models.CharField(_("ander thema"), max_length=300, blank=True, default="")
    doelgroep = models.TextField(_("doelgroep"))
    open_vragen = models.TextField(_("open vragen voor ESF&DO"), blank=True, default="")
    volgende_stap = models.TextField(_("volgende stap"))
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("vastgelegd door"),
    )
    aangemaakt_op = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    # When it was put to the members for confirmation ("ter bevestiging voorgelegd").
    voorgelegd_op = models.DateTimeField(_("ter bevestiging voorgelegd op"), null=True,
                                         blank=True)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["partnerschap", "-nummer"]
        permissions = [("leg_afspraak_vast",
                        _("Afspraken vastleggen en ter bevestiging voorleggen"))]
        constraints = [
            models.UniqueConstraint(fields=["partnerschap", "nummer"],
                                    name="afspraak_versie_uniek"),
            models.CheckConstraint(condition=Q(nummer__gte=1), name="afspraak_versie_vanaf_1"),
        ]

    def __str__(self) -> str:
        return f"{self.partnerschap} – versie {self.nummer}"

    @property
    def themas_labels(self) -> list[str]:
        return self._meta.get_field("themas").labels(self.themas)


class AfspraakLid(models.Model):
    """What one member takes on in one version of the agreement."""

    afspraak = models.ForeignKey(Afspraak, on_delete=models.CASCADE, related_name="leden",
                                 verbose_name=_("afspraak"))
    # The registration, not the membership: a version stays readable after a member left.
    registratie = models.ForeignKey("registraties.Registratie", on_delete=models.PROTECT,
                                    related_name="afspraakleden", verbose_name=_("organisatie"))
    acties = ChoiceListField(_("acties"), choices_enum=Actie)
    sectoren = models.TextField(_("sectoren"))
    paritaire_comites = models.CharField(_("paritaire comités"), max_length=300, blank=True,
                                         default="")
    provincies = ChoiceListField(_("provincies"), choices_enum=Werkgebied)
    bereik_ondernemingen = models.PositiveIntegerField(
        _("te bereiken ondernemingen met hoogstens 50 werknemers"), default=0)
    bereik_werknemers = models.PositiveIntegerField(
        _("werknemers van wie de competenties in kaart gebracht worden"), default=0)
    bijdrage = models.TextField(_("bijdrage"))

    class Meta:
        verbose_name = _("lid van een afspraak")
        verbose_name_plural = _("leden van een afspraak")
        ordering = ["afspraak", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["afspraak", "registratie"],
                                    name="afspraaklid_uniek_per_versie"),
        ]

    def __str__(self) -> str:
        return f"{self.registratie} – {self.afspraak}"

    @property
    def acties_labels(self) -> list[str]:
        return self._meta.get_field("acties").labels(self.acties)

    @property
    def provincies_labels(self) -> list[str]:
        return self._meta.get_field("provincies").labels(self.provincies)

    @property
    def has_regierol(self) -> bool:
        return Actie.REGIE in (self.acties or [])


class Bevestiging(models.Model):
    """A member's answer to one version of the agreement: confirmed, or a comment.

    One per member and version; answering again replaces it (the history keeps the earlier
    answer) until a new version asks again.
    """

    afspraak = models.ForeignKey(Afspraak, on_delete=models.CASCADE,
                                 related_name="bevestigingen", verbose_name=_("afspraak"))
    registratie = models.ForeignKey("registraties.Registratie", on_delete=models.PROTECT,
                                    related_name="bevestigingen", verbose_name=_("organisatie"))
    akkoord = models.BooleanField(_("bevestigd"))
    opmerking = models.TextField(_("opmerking"), blank=True, default="")
    # The contact person's name as on the registration when it answered.
    door = models.CharField(_("door"), max_length=200)
    op = models.DateTimeField(_("op"))

    # A comment replaced by a later confirmation stays readable for staff.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bevestiging")
        verbose_name_plural = _("bevestigingen")
        ordering = ["afspraak", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["afspraak", "registratie"],
                                    name="bevestiging_uniek_per_versie"),
            models.CheckConstraint(condition=Q(akkoord=True) | ~Q(opmerking=""),
                                   name="bevestiging_akkoord_of_opmerking"),
        ]

    def __str__(self) -> str:
        return f"{self.registratie} – {self.afspraak}"


class AfspraakLink(models.Model):
    """The link of one agreement mail to one member: it opens that registration's dossier
    (read-only, with the agreements to confirm) and never touches the edit link.

    Each "Ter bevestiging voorleggen" mails a new one; an earlier one keeps working (it shows
    the dossier as it is now, the current version to confirm). The token (256 bits) is never
    stored, only its SHA-256; the link dies with the contact person (retention, erasure).
    """

    registratie = models.ForeignKey("registraties.Registratie", on_delete=models.CASCADE,
                                    related_name="afspraaklinks", verbose_name=_("organisatie"))
    # The version whose mail carried the link (what it shows is always the current one).
    afspraak = models.ForeignKey(Afspraak, on_delete=models.CASCADE, related_name="links",
                                 verbose_name=_("afspraak"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    aangemaakt_op = models.DateTimeField(_("verstuurd op"), default=timezone.now)

    class Meta:
        verbose_name = _("link naar de afspraken")
        verbose_name_plural = _("links naar de afspraken")
        ordering = ["afspraak", "pk"]

    def __str__(self) -> str:
        return f"{self.registratie} – {self.afspraak}"


# The building blocks' generated documents live with their package (partnerschappen/bouwstenen/).
from .bouwstenen.models import Bouwstenendocument  # noqa: E402, F401
