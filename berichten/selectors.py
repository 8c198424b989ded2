"""Reads about the outbox and its workers for people: the monitoring check and the staff banner."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from .constants import BerichtStatus
from .models import Bericht, Werker
from .worker import WORKER_GONE_AFTER

# A mail that waits longer than this is a problem someone must look at (the mail server is
# down, or no worker runs): the monitoring check answers 503 and staff see the banner.
WAITING_TOO_LONG = timedelta(minutes=15)
# The monitoring check counts the failures of the last day.
FAILED_RECENTLY = timedelta(days=1)
# Staff see a failed mail in the banner for a week (a Monday shows the weekend), or until
# it is sent again.
FAILED_SHOWN_TO_STAFF = timedelta(days=7)
BANNER_CACHE_KEY = "berichten:aandacht"
BANNER_CACHE_SECONDS = 30


def needs_attention(now: datetime | None = None) -> Q:
    """Failed in the last week and not sent again, or waiting longer than a quarter of an hour:
    the mails the banner counts and the list's filter "Aandacht nodig" shows."""
    now = now or timezone.now()
    return (Q(status=BerichtStatus.MISLUKT, mislukt_op__gte=now - FAILED_SHOWN_TO_STAFF)
            | Q(status=BerichtStatus.WACHTEND, aangemaakt_op__lte=now - WAITING_TOO_LONG))


@dataclass(frozen=True)
class Attention:
    mislukt: int
    wachtend: int

    @property
    def total(self) -> int:
        return self.mislukt + self.wachtend


def berichten_attention(now: datetime | None = None) -> Attention:
    """How many mails need staff's attention, in one query, kept a moment in the shared cache
    (every staff page asks)."""
    cached = cache.get(BANNER_CACHE_KEY)
    if cached is not None:
        return Attention(*cached)
    now = now or timezone.now()
    attention = needs_attention(now)
    counts = Bericht.objects.filter(attention).aggregate(
        mislukt=Count("pk", filter=Q(status=BerichtStatus.MISLUKT)),
        wachtend=Count("pk", filter=Q(status=BerichtStatus.WACHTEND)))
    result = Attention(mislukt=counts["mislukt"], wachtend=counts["wachtend"])
    cache.set(BANNER_CACHE_KEY, (result.mislukt, result.wachtend), BANNER_CACHE_SECONDS)
    return result


@dataclass(frozen=True)
class WorkerHealth:
    now: datetime
    worker_seen: datetime | None
    workers_alive: int
    oldest_waiting: datetime | None
    failed_last_day: int

    @property
    def seconds_since_worker(self) -> int | None:
        return None if self.worker_seen is None else int((self.now - self.worker_seen).total_seconds())

    @property
    def oldest_waiting_seconds(self) -> int | None:
        return None if self.oldest_waiting is None else int((self.now - self.oldest_waiting)
                                                            .total_seconds())

    @property
    def problems(self) -> list[str]:
        problems = []
        if self.worker_seen is None or self.now - self.worker_seen > WORKER_GONE_AFTER:
            minutes = int(WORKER_GONE_AFTER.total_seconds() // 60)
            problems.append(f"geen werker gezien in de laatste {minutes} minuten")
        if self.oldest_waiting is not None and self.now - self.oldest_waiting > WAITING_TOO_LONG:
            minutes = int(WAITING_TOO_LONG.total_seconds() // 60)
            problems.append(f"een bericht wacht langer dan {minutes} minuten")
        return problems

    @property
    def healthy(self) -> bool:
        return not self.problems


def worker_health(now: datetime | None = None) -> WorkerHealth:
    """What monitoring needs to know about the background work, in three indexed queries."""
    now = now or timezone.now()
    workers = Werker.objects.aggregate(
        seen=Max("gezien_op"),
        alive=Count("pk", filter=Q(gezien_op__gte=now - WORKER_GONE_AFTER)))
    oldest = (Bericht.objects.filter(status=BerichtStatus.WACHTEND)
              .aggregate(oldest=Min("aangemaakt_op"))["oldest"])
    failed = Bericht.objects.filter(status=BerichtStatus.MISLUKT,
                                    mislukt_op__gte=now - FAILED_RECENTLY).count()
    return WorkerHealth(now=now, worker_seen=workers["seen"], workers_alive=workers["alive"],
                        oldest_waiting=oldest, failed_last_day=failed)
