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

from . import rendering
from .constants import BerichtStatus
from .models import Bericht

logger = logging.getLogger(__name__)

# How long a worker holds a mail while it talks to the mail server. Far above EMAIL_TIMEOUT;
# only a worker that died mid-send makes anyone wait this long.
CLAIM = timedelta(minutes=10)
MAX_ERROR_LENGTH = 2000


def retry_waits() -> list[int]:
    """Seconds to wait before each next attempt; after the last one the mail has failed."""
    return [int(seconds) for seconds in settings.BERICHTEN_WACHTTIJDEN]


def enqueue_send(*bericht_ids: int, run_after=None) -> None:
    """Queue the sending of these mails as one task, on the caller's transaction."""
    job = bericht_versturen
    if run_after is not None:
        if not job.get_backend().supports_defer:
            # Only the immediate backend of the tests: it cannot wait, a resend picks it up.
            return
        job = job.using(run_after=run_after)
    job.enqueue(*bericht_ids)


def _claim(bericht_id: int) -> Bericht | None:
    """Take the mail for this worker, or None when it is sent, failed, gone or taken.

    One conditional UPDATE: of two workers running at once only one gets a row back, on
    SQLite and PostgreSQL alike, and no lock is held while the mail server is slow.
    """
    now = timezone.now()
    taken = (Bericht.objects
             .filter(pk=bericht_id, status=BerichtStatus.WACHTEND)
             .filter(Q(bezig_tot__isnull=True) | Q(bezig_tot__lt=now))
             .update(bezig_tot=now + CLAIM))
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
    try:
        tekst, html = bericht.tekst, bericht.html
        if bericht.gegevens is not None:
            tekst, html = rendering.render(bericht.soort, bericht.gegevens)
        message = EmailMultiAlternatives(subject=bericht.onderwerp, body=tekst, to=[bericht.aan])
        if html:
            message.attach_alternative(html, "text/html")
        if bericht.bijlage:
            message.attach(attachment_part(naam=bericht.bijlage_naam,
                                           content_type=bericht.bijlage_type,
                                           inhoud=bericht.bijlage))
        message.send()
    except Exception as exc:  # whatever the mail server or the message did: record it, retry
        return _record_failure(bericht, exc)
    # The body may hold a private edit link, which is only ever stored as a hash; once the
    # mail is delivered its text (what it was rendered from, its attachment) is not kept.
    Bericht.objects.filter(pk=bericht.pk).update(
        status=BerichtStatus.VERZONDEN, verzonden_op=timezone.now(), pogingen=bericht.pogingen + 1,
        laatste_fout="", volgende_poging_op=None, bezig_tot=None, tekst="", html="", gegevens=None,
        bijlage="")
    return BerichtStatus.VERZONDEN


def _record_failure(bericht: Bericht, exc: Exception) -> str:
    attempts = bericht.pogingen + 1
    error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
    waits = retry_waits()
    with transaction.atomic():
        if attempts > len(waits):
            Bericht.objects.filter(pk=bericht.pk).update(
                status=BerichtStatus.MISLUKT, pogingen=attempts, laatste_fout=error,
                volgende_poging_op=None, bezig_tot=None)
            logger.error("E-mail '%s' (bericht %s) kon niet verstuurd worden naar %s; "
                         "opgegeven na %s pogingen: %s",
                         bericht.soort, bericht.pk, bericht.aan, attempts, error)
            return BerichtStatus.MISLUKT
        next_attempt = timezone.now() + timedelta(seconds=waits[attempts - 1])
        Bericht.objects.filter(pk=bericht.pk).update(
            pogingen=attempts, laatste_fout=error, volgende_poging_op=next_attempt, bezig_tot=None)
        enqueue_send(bericht.pk, run_after=next_attempt)
    logger.warning("E-mail '%s' (bericht %s) kon niet verstuurd worden naar %s; nieuwe poging "
                   "om %s: %s", bericht.soort, bericht.pk, bericht.aan,
                   timezone.localtime(next_attempt).isoformat(timespec="seconds"), error)
    return BerichtStatus.WACHTEND


@task()
def bericht_versturen(*bericht_ids: int) -> list[str]:
    """Send each mail; one that fails gets a task of its own for its next attempt."""
    return [bericht_send(bericht_id) for bericht_id in bericht_ids]
