"""One row per outgoing e-mail: what to send, and how the sending went."""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .constants import BerichtStatus


class Bericht(models.Model):
    aan = models.CharField(_("aan"), max_length=254)
    onderwerp = models.TextField(_("onderwerp"))
    tekst = models.TextField(_("tekst"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    # What the worker renders the body from when it sends (berichten/rendering.py), for a mail
    # queued without one; emptied once sent, like the body (it may hold a private link).
    gegevens = models.JSONField(_("gegevens"), null=True, blank=True)
    # One text attachment (e.g. a calendar entry): its file name, its full content type with
    # parameters (``text/calendar; method=REQUEST``) and its text, wiped like the body once sent.
    bijlage_naam = models.CharField(_("naam van de bijlage"), max_length=100, blank=True)
    bijlage_type = models.CharField(_("soort bijlage"), max_length=100, blank=True)
    bijlage = models.TextField(_("bijlage"), blank=True)
    soort = models.CharField(_("soort"), max_length=50, db_index=True,
                             help_text=_("Het sjabloon van het bericht, bv. bevestiging."))
    status = models.CharField(_("status"), max_length=20, choices=BerichtStatus.choices,
                              default=BerichtStatus.WACHTEND, db_index=True)
    pogingen = models.PositiveIntegerField(_("pogingen"), default=0)
    laatste_fout = models.TextField(_("laatste fout"), blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True, db_index=True)
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    volgende_poging_op = models.DateTimeField(_("volgende poging op"), null=True, blank=True)
    # A worker that sends holds the mail until this moment and renews it while it is busy
    # (berichten/worker.py); a second worker leaves it alone, and once a worker that died
    # mid-send stops renewing, a running worker takes the mail up again.
    bezig_tot = models.DateTimeField(_("bezig tot"), null=True, blank=True)
    # Which claim holds it (worker and a random part): only that claim renews or releases it.
    bezig_door = models.CharField(_("bezig door"), max_length=100, blank=True, default="")
    # When the last attempt gave up: the monitoring check counts the failures of the last day.
    mislukt_op = models.DateTimeField(_("mislukt op"), null=True, blank=True)

    class Meta:
        verbose_name = _("bericht")
        verbose_name_plural = _("berichten")
        ordering = ["-aangemaakt_op", "-pk"]

    def __str__(self) -> str:
        return f"{self.onderwerp} → {self.aan}"


class Werker(models.Model):
    """A running ``db_worker`` process: when it was last seen (its heartbeat)."""

    werker_id = models.CharField(_("werker"), max_length=100, unique=True)
    host = models.CharField(_("machine"), max_length=255, blank=True, default="")
    pid = models.PositiveIntegerField(_("proces"), null=True, blank=True)
    gestart_op = models.DateTimeField(_("gestart op"))
    gezien_op = models.DateTimeField(_("laatst gezien op"), db_index=True)

    class Meta:
        verbose_name = _("werker")
        verbose_name_plural = _("werkers")
        ordering = ["-gezien_op"]

    def __str__(self) -> str:
        return self.werker_id


class ClaimedJob(models.Model):
    """The columns of a job a worker runs under a claim (berichten/worker.py): queued at, when
    it started and ended, and the claim: held until, held by. A job no worker took up a claim's
    length after ``in_wachtrij_op``, or whose claim ran out (its worker died), is taken up again
    by a sweep (``worker.jobs_to_retake``). Used by registraties.Importbestand and
    partnerschappen.Bouwstenendocument; each adds its own ``status``."""

    gestart_op = models.DateTimeField(_("gestart op"), null=True, blank=True)
    klaar_op = models.DateTimeField(_("klaar op"), null=True, blank=True)
    in_wachtrij_op = models.DateTimeField(_("in de wachtrij sinds"), default=timezone.now)
    bezig_tot = models.DateTimeField(_("bezig tot"), null=True, blank=True)
    bezig_door = models.CharField(_("bezig door"), max_length=100, blank=True, default="")

    class Meta:
        abstract = True
