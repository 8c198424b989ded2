"""A verkenningsronde (round) and its public content; a round is data, not code."""
import math
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The call's conditions and target group hold for every round unless staff change them, so a
# round created with only its title and dates still tells visitors who may take part.
STANDAARD_VOORWAARDEN = (
    "Heeft rechtspersoonlijkheid.\n"
    "Heeft zijn zetel en werking in het Vlaams Gewest of heeft zijn zetel in het Brussels "
    "Hoofdstedelijke Gewest, waarbij zijn activiteiten en werking voor een belangrijk deel zijn "
    "gericht op de Vlaamse arbeidsmarkt.\n"
    "Is bereid om in partnerschap samen te werken om competentiechecks uit te voeren bij "
    "Vlaamse ondernemingen en hun werknemers."
)
STANDAARD_DOELGROEP = (
    "De prioritaire doelgroep zijn Vlaamse ondernemingen tot en met 50 werknemers. Ook iets "
    "grotere ondernemingen (Europese definitie KMO) kunnen gebruik maken van competentiechecks "
    "voor hun werknemers maar de primaire focus ligt bij kleine ondernemingen."
)


class RoundTimes:
    """When a round is open, and what its public pages depend on: for a whole Ronde and for
    the few columns a page reads to find its cached copy (RondeStand)."""

    pk: int
    opent_op: datetime
    sluit_op: datetime
    gewijzigd_op: datetime

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opent_op <= now <= self.sluit_op

    def is_upcoming(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) < self.opent_op

    def days_left(self, now: datetime | None = None) -> int:
        """Whole days until closing, counting a partial day as one; 0 once closed."""
        now = now or timezone.now()
        if now > self.sluit_op:
            return 0
        return math.ceil((self.sluit_op - now).total_seconds() / 86400)

    def render_key(self, now: datetime | None = None) -> tuple:
        """What a public page of this round shows that can change while the portal runs:
        every edit (``gewijzigd_op``, also touched by its contact persons), opening, closing
        and the days left. Pages rendered once are kept under it (portaal/pagecache.py)."""
        now = now or timezone.now()
        return (self.pk, self.gewijzigd_op.isoformat(), self.is_open(now), self.is_upcoming(now),
                self.days_left(now))


@dataclass(frozen=True)
class RondeStand(RoundTimes):
    """The current round as a cached public page needs it: who, since when, until when."""

    pk: int
    gewijzigd_op: datetime
    opent_op: datetime
    sluit_op: datetime


def _as_datetime(value) -> datetime:
    """A datetime column read through a plain cursor: aware on PostgreSQL, ISO text in UTC
    on SQLite (how Django stores it there with USE_TZ)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


class RondeQuerySet(models.QuerySet):
    def open_at(self, moment: datetime) -> "RondeQuerySet":
        return self.filter(opent_op__lte=moment, sluit_op__gte=moment)

    def _current_sql(self, columns: str) -> str:
        table = connections[self.db].ops.quote_name(self.model._meta.db_table)
        # Rounds that opened: the open ones first (latest opening first), then the closed
        # ones (latest closing first). A round's closing is always after its opening.
        return (f"SELECT {columns} FROM {table} WHERE opent_op <= %s "  # noqa: S608 - ours
                "ORDER BY CASE WHEN sluit_op >= %s THEN 1 ELSE 0 END DESC, "
                "CASE WHEN sluit_op >= %s THEN opent_op ELSE sluit_op END DESC, id DESC LIMIT 1")

    def current(self, now: datetime | None = None) -> "Ronde | None":
        """The open round that opened last; with none open, the last one that closed.

        Every public page asks this, so it is one query written out: building the same
        query with the ORM cost about 0.5 ms of the ~1 ms such a page takes in all.
        """
        now = now or timezone.now()
        return next(iter(self.model.objects.raw(self._current_sql("*"), [now, now, now])
                         .using(self.db)), None)

    def current_stand(self, now: datetime | None = None) -> RondeStand | None:
        """The current round's id and times only, through a plain cursor: what a cached page
        needs on every request (a whole Ronde is read only to render the page)."""
        now = now or timezone.now()
        with connections[self.db].cursor() as cursor:
            cursor.execute(self._current_sql("id, gewijzigd_op, opent_op, sluit_op"),
                           [now, now, now])
            row = cursor.fetchone()
        if row is None:
            return None
        return RondeStand(pk=row[0], gewijzigd_op=_as_datetime(row[1]),
                          opent_op=_as_datetime(row[2]), sluit_op=_as_datetime(row[3]))

    def take_numbers(self, pk: int, count: int = 1) -> list[tuple[int, str]]:
        """Reserve the next ``count`` reference numbers of round ``pk``: (number, reference).

        Must run inside the caller's transaction. One ``UPDATE … RETURNING`` raises the
        counter and locks the round's row until that transaction ends, so concurrent
        submissions queue behind it and get distinct, gap-free numbers; if the caller's
        insert fails, the counter rolls back with it. No ``save()``: the counter is no edit
        of the round (no history row, no new ``gewijzigd_op``).
        """
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET laatste_volgnummer = laatste_volgnummer + %s "  # noqa: S608
                           "WHERE id = %s RETURNING laatste_volgnummer, referentie_prefix",
                           [count, pk])
            last, prefix = cursor.fetchone()
        ronde = self.model(pk=pk, referentie_prefix=prefix)
        if not prefix:  # never stored without one (save() fills it in); read its fallback
            ronde = self.get(pk=pk)
        return [(number, ronde.format_referentie(number))
                for number in range(last - count + 1, last + 1)]

    def next_upcoming(self, now: datetime | None = None) -> "Ronde | None":
        """The round that opens next, so a closed page can say when registering starts again."""
        now = now or timezone.now()
        return self.filter(opent_op__gt=now).order_by("opent_op", "pk").first()


class Ronde(RoundTimes, models.Model):
    titel = models.CharField(_("titel"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    opent_op = models.DateTimeField(_("opent op"))
    sluit_op = models.DateTimeField(_("sluit op"))
    referentie_prefix = models.CharField(
        _("prefix referenties"), max_length=12, blank=True, default="",
        help_text=_("Bv. CC2021. Leeg: 'CC' gevolgd door het jaar waarin de ronde opent "
                    "(met een letter erachter als dat jaar al een ronde heeft)."),
    )
    ondertitel = models.CharField(_("ondertitel"), max_length=200, blank=True, default="")
    wat = models.TextField(_("Wat?"), blank=True, default="",
                           help_text=_("Alinea's gescheiden door een lege regel."))
    hoe = models.TextField(_("Hoe?"), blank=True, default="",
                           help_text=_("Eén stap per regel."))
    wie = models.TextField(_("Wie?"), blank=True, default="")
    voorwaarden = models.TextField(_("voorwaarden"), blank=True, default=STANDAARD_VOORWAARDEN,
                                   help_text=_("Eén voorwaarde per regel."))
    doelgroep = models.TextField(_("prioritaire doelgroep"), blank=True,
                                 default=STANDAARD_DOELGROEP)
    acties = models.TextField(_("Acties?"), blank=True, default="")
    themas = models.TextField(_("voorbeeldthema's"), blank=True, default="",
                              help_text=_("Eén thema per regel."))
    partnerschap_acties = models.TextField(
        _("acties binnen het partnerschap"), blank=True, default="",
        help_text=_("Eén actie per regel, als 'Titel: uitleg'."),
    )
    wanneer = models.TextField(_("Wanneer?"), blank=True, default="",
                               help_text=_("Eén mijlpaal per regel."))
    voorbehoud = models.TextField(
        _("voorbehoud"), blank=True,
        default="Deze verkenningsronde garandeert geen effectieve toekenning van middelen.",
    )
    infosessie_op = models.DateField(_("datum infosessie"), null=True, blank=True)
    infosessie_tekst = models.TextField(_("infosessie"), blank=True, default="")
    infosessie_video_url = models.URLField(_("video van de infosessie"), blank=True, default="")
    laatste_volgnummer = models.PositiveIntegerField(
        _("laatste volgnummer"), default=0, editable=False,
        help_text=_("Teller voor de referenties van deze ronde."),
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    history = HistoricalRecords()
    objects = RondeQuerySet.as_manager()

    class Meta:
        verbose_name = _("ronde")
        verbose_name_plural = _("rondes")
        ordering = ["-opent_op"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sluit_op__gt=F("opent_op")), name="ronde_sluit_na_opening",
                violation_error_message=_("Kies een sluitingsmoment na het openingsmoment."),
            ),
            # References are unique over all rounds, so two rounds cannot share a prefix.
            models.UniqueConstraint(
                fields=["referentie_prefix"], condition=~Q(referentie_prefix=""),
                name="ronde_unieke_prefix",
                violation_error_message=_("Deze prefix gebruikt een andere ronde al: kies een "
                                          "andere, bv. met een letter erachter."),
            ),
        ]

    def __str__(self) -> str:
        return self.titel

    def save(self, *args, **kwargs):
        if not self.referentie_prefix and self.opent_op:
            self.referentie_prefix = self._free_prefix()
        super().save(*args, **kwargs)

    @property
    def prefix_is_frozen(self) -> bool:
        """Stored references carry the prefix: once there are any, it can no longer change
        (their uniqueness depends on it)."""
        return self.pk is not None and self.registraties.exists()

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        stored = Ronde.objects.filter(pk=self.pk).values_list("referentie_prefix", flat=True)
        if stored and stored[0] != self.referentie_prefix and self.prefix_is_frozen:
            raise ValidationError({"referentie_prefix": _(
                "Deze ronde heeft al registraties met referenties die met %(prefix)s beginnen; "
                "de prefix kan niet meer veranderen.") % {"prefix": stored[0]}})

    def _opening_year(self) -> int:
        opent_op = self.opent_op
        if timezone.is_aware(opent_op):
            opent_op = timezone.localtime(opent_op)
        return opent_op.year

    def _free_prefix(self) -> str:
        """'CC' and the opening year; a second round in that year gets 'CC2026B', and so on."""
        base = f"CC{self._opening_year()}"
        taken = set(Ronde.objects.exclude(pk=self.pk)
                    .filter(referentie_prefix__startswith=base)
                    .values_list("referentie_prefix", flat=True))
        # References stay unique even if a round's prefix was ever changed afterwards: asked
        # through the relation registraties declares on a round (as prefix_is_frozen does),
        # never by looking its model up by name.
        for suffix in ["", *"BCDEFGHIJKLMNOPQRSTUVWXYZ"]:
            candidate = base + suffix
            if candidate not in taken and not Ronde.objects.filter(
                    registraties__referentie__startswith=f"{candidate}-").exists():
                return candidate
        raise ValueError(f"Geen vrije prefix voor {base}")

    @property
    def prefix(self) -> str:
        if self.referentie_prefix:
            return self.referentie_prefix
        return f"CC{self._opening_year()}"

    def format_referentie(self, volgnummer: int) -> str:
        return f"{self.prefix}-{volgnummer:04d}"


class Contactpersoon(models.Model):
    ronde = models.ForeignKey(Ronde, on_delete=models.CASCADE, related_name="contactpersonen",
                              verbose_name=_("ronde"))
    naam = models.CharField(_("naam"), max_length=200)
    telefoon = models.CharField(_("telefoon"), max_length=40, blank=True, default="")
    email = models.EmailField(_("e-mail"), blank=True, default="")
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["volgorde", "naam"]

    def __str__(self) -> str:
        return self.naam

    @property
    def telefoon_link(self) -> str:
        digits = "".join(ch for ch in self.telefoon if ch.isdigit())
        return f"+32{digits[1:]}" if digits.startswith("0") else digits


@receiver([post_save, post_delete], sender=Contactpersoon)
def _touch_round(sender, instance, **kwargs):
    """A changed contact person changes the round's public pages: move its ``gewijzigd_op``
    (update(): no history row of the round for it)."""
    Ronde.objects.filter(pk=instance.ronde_id).update(gewijzigd_op=timezone.now())
