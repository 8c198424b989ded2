"""The worker's job: send one queued mail, or record why not and try again later."""
import logging
from datetime import timedelta
from email.message import Message
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from . import rendering, worker
from .constants import BerichtStatus
from .models import Bericht

logger = logging.getLogger(__name__)

MAX_ERROR_LENGTH = 2000
# Mails one sweep takes up at most; the next sweep takes the rest.
RECOVER_PER_SWEEP = 50


def retry_waits() -> list[int]:
    """Seconds to wait before each next attempt; after the last one the mail has failed."""
    return [int(seconds) for seconds in settings.BERICHTEN_WACHTTIJDEN]


def enqueue_send(*bericht_ids: int, run_after=None) -> None:
    """Queue the sending of these mails as one task, on the caller's transaction."""
    job = bericht_send_task
    if run_after is not None:
        if not job.get_backend().supports_defer:
            # Only the immediate backend of the tests: it cannot wait, a resend picks it up.
            return
        job = job.using(run_after=run_after)
    job.enqueue(*bericht_ids)


def _claim(bericht_id: int) -> Bericht | None:
    """Take the mail for this worker, or None when it is sent, failed, gone or taken.

    One conditional UPDATE: of two workers running at once only one gets a row back, on
    SQLite and PostgreSQL alike, and no lock is held while the mail server is slow. The
    claim runs out after WERKER_CLAIM_SECONDEN unless the worker's heartbeat renews it
    (berichten/worker.py), so a mail whose worker died is taken up again.
    """
    now = timezone.now()
    token = worker.new_claim_token()
    taken = (Bericht.objects
             .filter(worker.claimable(now), pk=bericht_id, status=BerichtStatus.WACHTEND)
             .update(bezig_tot=now + worker.claim_duration(), bezig_door=token))
    return Bericht.objects.filter(pk=bericht_id).first() if taken else None


def attachment_part(*, naam: str, content_type: str, inhoud: str) -> MIMEText:
    """A text attachment with its content type's parameters kept (``method=REQUEST``).

    Mail programs read a calendar entry's method from the part's own Content-Type, which
    Django's ``attach(filename, content, mimetype)`` would not carry.
    """
    header = Message()
    header["Content-Type"] = content_type or "text/plain"
    part = MIMEText(inhoud, header.get_content_subtype(), "utf-8")
    for name, value in header.get_params()[1:]:
        if name != "charset":
            part.set_param(name, value)
    part.add_header("Content-Disposition", "attachment", filename=naam or "bijlage.txt")
    return part


def bericht_send(bericht_id: int) -> str:
    """Send a waiting mail once; returns the state it ends in (or "overgeslagen")."""
    bericht = _claim(bericht_id)
    if bericht is None:
        return "overgeslagen"
    with worker.holding(Bericht, bericht.pk, bericht.bezig_door):
        try:
            message = _message(bericht)
            message.send()
        except Exception as exc:  # whatever the mail server or the message did: record it, retry
            return _record_failure(bericht, exc)
    # The body may hold a private edit link, which is only ever stored as a hash; once the
    # mail is delivered its text (what it was rendered from, its attachment) is not kept.
    Bericht.objects.filter(pk=bericht.pk).update(
        status=BerichtStatus.VERZONDEN, verzonden_op=timezone.now(), pogingen=bericht.pogingen + 1,
        laatste_fout="", volgende_poging_op=None, bezig_tot=None, bezig_door="", tekst="",
        html="", gegevens=None, bijlage="")
    return BerichtStatus.VERZONDEN


def _message(bericht: Bericht) -> EmailMultiAlternatives:
    """The mail as it goes out: its stored body, or the body its app renders now."""
    rendered = rendering.Rendered(
        tekst=bericht.tekst, html=bericht.html,
        bijlage=rendering.Bijlage(naam=bericht.bijlage_naam, type=bericht.bijlage_type,
                                  inhoud=bericht.bijlage) if bericht.bijlage else None)
    if bericht.gegevens is not None:
        rendered = rendering.render(bericht.soort, bericht.gegevens)
    message = EmailMultiAlternatives(subject=bericht.onderwerp, body=rendered.tekst,
                                     to=[bericht.aan])
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    if rendered.bijlage is not None:
        message.attach(attachment_part(naam=rendered.bijlage.naam,
                                       content_type=rendered.bijlage.type,
                                       inhoud=rendered.bijlage.inhoud))
    return message


def _record_failure(bericht: Bericht, exc: Exception) -> str:
    attempts = bericht.pogingen + 1
    error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
    waits = retry_waits()
    # Only this claim's own row: a worker that lost its claim leaves the new holder alone.
    own = Bericht.objects.filter(pk=bericht.pk, bezig_door=bericht.bezig_door)
    with transaction.atomic():
        if attempts > len(waits):
            own.update(status=BerichtStatus.MISLUKT, pogingen=attempts, laatste_fout=error,
                       volgende_poging_op=None, bezig_tot=None, bezig_door="",
                       mislukt_op=timezone.now())
            logger.error("E-mail '%s' (bericht %s) kon niet verstuurd worden naar %s; "
                         "opgegeven na %s pogingen: %s",
                         bericht.soort, bericht.pk, bericht.aan, attempts, error)
            return BerichtStatus.MISLUKT
        next_attempt = timezone.now() + timedelta(seconds=waits[attempts - 1])
        own.update(pogingen=attempts, laatste_fout=error, volgende_poging_op=next_attempt,
                   bezig_tot=None, bezig_door="")
        enqueue_send(bericht.pk, run_after=next_attempt)
    logger.warning("E-mail '%s' (bericht %s) kon niet verstuurd worden naar %s; nieuwe poging "
                   "om %s: %s", bericht.soort, bericht.pk, bericht.aan,
                   timezone.localtime(next_attempt).isoformat(timespec="seconds"), error)
    return BerichtStatus.WACHTEND


def berichten_waiting_too_long(now=None):
    """Waiting mails no worker is on although they are due for longer than a claim lasts:
    their task was lost, or their worker died mid-send (its claim ran out)."""
    now = now or timezone.now()
    overdue = now - worker.claim_duration()
    return (Bericht.objects
            .filter(worker.claimable(now), status=BerichtStatus.WACHTEND)
            .filter(Q(volgende_poging_op__isnull=True) | Q(volgende_poging_op__lte=overdue))
            .exclude(bezig_door__in=worker.held_tokens()))


def berichten_recover(should_continue=lambda: True) -> int:
    """The sweep of every worker (berichten/worker.py): send the mails that wait too long.

    Whatever happened to their task; the claim in ``bericht_send`` keeps each mail to one
    worker, so a mail that another worker takes meanwhile is skipped, never sent twice.
    """
    ids = list(berichten_waiting_too_long().order_by("volgende_poging_op", "pk")
               .values_list("pk", flat=True)[:RECOVER_PER_SWEEP])
    taken = 0
    for bericht_id in ids:
        if not should_continue():
            break
        if bericht_send(bericht_id) != "overgeslagen":
            taken += 1
    return taken


@task()
def bericht_send_task(*bericht_ids: int) -> list[str]:
    """Send each mail; one that fails gets a task of its own for its next attempt."""
    return [bericht_send(bericht_id) for bericht_id in bericht_ids]


# The task's name until issue 18: rows queued before the upgrade name this path, and the
# worker imports what a row names. Remove after the next release.
bericht_versturen = bericht_send_task
