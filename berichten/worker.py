"""What keeps the background work moving when a worker dies: claims that live while a job runs,
a sweep in every worker that takes up what waits, and when each worker was last seen.

A job (a mail, an Excel import) is *claimed* with one conditional UPDATE that writes a token
(``bezig_door``) and a deadline (``bezig_tot``, ``WERKER_CLAIM_SECONDEN`` ahead). While the
job runs, the worker's heartbeat pushes the deadline forward, so a live but slow worker keeps
its job; a worker killed mid-job stops renewing, and once the deadline passed any worker's
sweep claims the job again. The sweep looks at the jobs themselves (waiting mails, waiting
Excel files), never at the task table, so it finds them whatever happened to their task.
Each app registers its sweep in its AppConfig.ready() (``register_recovery``).
"""
import logging
import os
import secrets
import socket
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Model, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# A sweep gets a function that says whether it may start on the next job (False once the
# worker is asked to stop) and returns how many jobs it took up.
Recovery = Callable[[Callable[[], bool]], int]

_recoveries: dict[str, Recovery] = {}
# Claims this process holds now: token -> (model, pk). The heartbeat renews them.
_held: dict[str, tuple[type[Model], int]] = {}
_held_lock = threading.Lock()
_worker_id = ""

# A worker not seen for this long counts as gone (monitoring check, staff banner).
WORKER_GONE_AFTER = timedelta(minutes=5)
# Rows of workers not seen for this long are removed by the sweep.
FORGET_WORKER_AFTER = timedelta(days=7)


def claim_duration() -> timedelta:
    return timedelta(seconds=settings.WERKER_CLAIM_SECONDEN)


def heartbeat_seconds() -> float:
    # Renewing at least three times per claim: one missed beat never loses a job.
    return min(settings.WERKER_HARTSLAG_SECONDEN, settings.WERKER_CLAIM_SECONDEN / 3)


def sweep_seconds() -> float:
    return settings.WERKER_HERSTEL_SECONDEN


def recovery_bound() -> timedelta:
    """How long a job of a dead worker waits at most before a running worker takes it up."""
    return claim_duration() + timedelta(seconds=sweep_seconds())


def set_worker_id(worker_id: str) -> None:
    global _worker_id
    _worker_id = worker_id


def worker_id() -> str:
    """This worker's id (``db_worker --worker-id``); outside a worker, machine and process."""
    return _worker_id or f"{socket.gethostname()[:50]}-{os.getpid()}"


def new_claim_token() -> str:
    return f"{worker_id()[:80]}:{secrets.token_hex(6)}"


def claimable(now=None) -> Q:
    """Not claimed, or the claim of a worker that stopped renewing it."""
    return Q(bezig_tot__isnull=True) | Q(bezig_tot__lt=now or timezone.now())


@contextmanager
def holding(model: type[Model], pk: int, token: str) -> Iterator[None]:
    """While the block runs, this process's heartbeat keeps the claim ``token`` alive."""
    with _held_lock:
        _held[token] = (model, pk)
    try:
        yield
    finally:
        with _held_lock:
            _held.pop(token, None)


def held_tokens() -> list[str]:
    with _held_lock:
        return list(_held)


def renew_claims(now=None) -> int:
    """Push the deadline of every claim this process holds forward; returns rows renewed."""
    with _held_lock:
        held = list(_held.items())
    tokens_of: dict[type[Model], list[str]] = defaultdict(list)
    for token, (model, _pk) in held:
        tokens_of[model].append(token)
    until = (now or timezone.now()) + claim_duration()
    return sum(model._default_manager.filter(bezig_door__in=tokens).update(bezig_tot=until)
               for model, tokens in tokens_of.items())


def jobs_to_retake(model: type[Model], *, waiting: str, busy: str, fields: tuple[str, ...],
                   limit: int):
    """A job table's rows a sweep takes up again: ``waiting`` longer than a claim lasts (its
    task was lost) or ``busy`` under a claim its worker stopped renewing (it died), never one
    this process holds. The table has ``status``, ``in_wachtrij_op``, ``bezig_tot`` and
    ``bezig_door`` (registraties.Importbestand, partnerschappen.Bouwstenendocument)."""
    now = timezone.now()
    return list(model.objects
                .filter((Q(status=waiting) & Q(in_wachtrij_op__lte=now - claim_duration()))
                        | (Q(status=busy) & claimable(now)))
                .exclude(bezig_door__in=held_tokens())
                .order_by("in_wachtrij_op", "pk").values_list(*fields)[:limit])


def retake(jobs, run: Callable[..., bool], *, label: str,
           should_continue: Callable[[], bool] = lambda: True) -> int:
    """Run each job again (``run(*job)``, True when it ran), logged as ``label``; a failure is
    recorded on the job by the run itself, and the sweep goes on. Returns how many ran."""
    taken = 0
    for job in jobs:
        if not should_continue():
            break
        logger.warning("%s %s wordt opnieuw opgenomen", label, job[0])
        try:
            taken += run(*job)
        except Exception:
            logger.exception("%s %s liep opnieuw fout", label, job[0])
    return taken


def register_recovery(name: str, recovery: Recovery) -> None:
    """A sweep every worker runs every ``WERKER_HERSTEL_SECONDEN``: it takes up the jobs of
    its kind that wait too long (unclaimed, or claimed by a worker that stopped renewing)."""
    _recoveries[name] = recovery


def recover(should_continue: Callable[[], bool] = lambda: True) -> dict[str, int]:
    """Run every registered sweep once; a sweep that fails is logged and the others still run."""
    taken = {}
    for name, recovery in list(_recoveries.items()):
        if not should_continue():
            break
        try:
            taken[name] = recovery(should_continue)
        except Exception:  # a broken sweep (or the database away) must not stop the worker
            logger.exception("Herstel '%s' liep fout; de volgende ronde probeert opnieuw", name)
            taken[name] = 0
        if taken[name]:
            logger.warning("Herstel '%s': %d wachtende taak/taken opnieuw opgenomen", name,
                           taken[name])
    return taken


def worker_seen(now=None) -> None:
    """Record that this worker is alive (the monitoring check reads it)."""
    from .models import Werker

    now = now or timezone.now()
    updated = Werker.objects.filter(werker_id=worker_id()).update(gezien_op=now)
    if not updated:
        Werker.objects.update_or_create(
            werker_id=worker_id(),
            defaults={"gezien_op": now, "gestart_op": now, "host": socket.gethostname()[:255],
                      "pid": os.getpid()})


def workers_forget(now=None) -> int:
    from .models import Werker

    now = now or timezone.now()
    deleted, _ = Werker.objects.filter(gezien_op__lt=now - FORGET_WORKER_AFTER).delete()
    return deleted


class _Loop(threading.Thread):
    """Runs ``step`` every ``seconds`` until ``stop`` is set; its own database connection."""

    def __init__(self, *, name: str, seconds: float, stop: threading.Event, daemon: bool,
                 first_now: bool):
        super().__init__(name=name, daemon=daemon)
        self.seconds, self.stop, self.first_now = seconds, stop, first_now

    def run(self) -> None:
        try:
            if self.first_now:
                self._step_safely()
            while not self.stop.wait(self.seconds):
                self._step_safely()
        finally:
            connection.close()

    def _step_safely(self) -> None:
        close_old_connections()
        try:
            self.step()
        except Exception:  # the database may be away for a while: try again next time
            logger.exception("%s liep fout; volgende poging over %s s", self.name, self.seconds)

    def step(self) -> None:
        raise NotImplementedError


class Heartbeat(_Loop):
    """Renews this worker's claims and records that it is alive. A daemon: it dies with the
    process, and then the claims run out by themselves."""

    def __init__(self, stop: threading.Event):
        super().__init__(name="werker-hartslag", seconds=heartbeat_seconds(), stop=stop,
                         daemon=True, first_now=True)

    def step(self) -> None:
        now = timezone.now()
        renew_claims(now)
        worker_seen(now)


class Sweeper(_Loop):
    """Takes up what waits too long, at start and every ``WERKER_HERSTEL_SECONDEN``. At a
    normal stop the worker waits a while for the job it runs (it starts no new one); a daemon
    all the same, so that nothing keeps a stopped process alive (the autoreloader)."""

    def __init__(self, stop: threading.Event):
        super().__init__(name="werker-herstel", seconds=sweep_seconds(), stop=stop,
                         daemon=True, first_now=True)

    def step(self) -> None:
        recover(lambda: not self.stop.is_set())
        workers_forget()


def start_housekeeping(stop: threading.Event) -> list[threading.Thread]:
    """The heartbeat and the sweep of a running worker, stopped by ``stop``."""
    threads = [Heartbeat(stop), Sweeper(stop)]
    for thread in threads:
        thread.start()
    logger.info("Werker %s: hartslag elke %.0f s, claims van %.0f s, herstel elke %.0f s",
                worker_id(), heartbeat_seconds(), claim_duration().total_seconds(),
                sweep_seconds())
    return threads
