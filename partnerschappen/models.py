"""Candidate partnerships of registrations of one round, and their members."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registraties.constants import Actie, Thema
from registraties.fields import ChoiceListField

from .constants import Basis, LidRol, PartnerschapStatus


class PartnerschapQuerySet(models.QuerySet):
    def active(self) -> "PartnerschapQuerySet":
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
    toegevoegd_op = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)

    history = HistoricalRecords()

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
