"""One generated building-blocks document: who asked, its progress in the worker, its two files.

Kept in the database (app processes keep no files), so that any worker builds it and any web
process serves it. It holds organisation names and figures only, no personal data; the newest
documents of a round are kept (``KEEP_PER_ROUND``), older ones are removed when a new one is asked.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from berichten.models import ClaimedJob


class DocumentStatus(models.TextChoices):
    WACHTEND = "wachtend", _("wacht op de werker")
    BEZIG = "bezig", _("wordt gemaakt")
    KLAAR = "klaar", _("klaar")
    MISLUKT = "mislukt", _("mislukt")


class Bouwstenendocument(ClaimedJob):
    ronde = models.ForeignKey("verkenning.Ronde", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("ronde"))
    door = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name=_("gevraagd door"))
    status = models.CharField(_("status"), max_length=20, choices=DocumentStatus.choices,
                              default=DocumentStatus.WACHTEND)
    voortgang = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    stap = models.CharField(_("stap"), max_length=100, blank=True, default="")
    pdf = models.BinaryField(_("PDF"), editable=False, default=b"")
    docx = models.BinaryField(_("Word-bestand"), editable=False, default=b"")
    fout = models.TextField(_("fout"), blank=True, default="")
    aangemaakt_op = models.DateTimeField(_("gevraagd op"), auto_now_add=True)

    class Meta:
        app_label = "partnerschappen"
        verbose_name = _("bouwstenendocument")
        verbose_name_plural = _("bouwstenendocumenten")
        ordering = ["-aangemaakt_op", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(voortgang__lte=100),
                                   name="bouwstenendocument_voortgang_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.ronde} – {self.get_status_display()}"

    @property
    def busy(self) -> bool:
        return self.status in (DocumentStatus.WACHTEND, DocumentStatus.BEZIG)
