"""Writes on the outgoing mails: queue one, put failed ones back in the queue."""
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .constants import BerichtStatus
from .models import Bericht
from .tasks import enqueue_send


@dataclass(frozen=True)
class Bijlage:
    """A text attachment: ``type`` is the full content type, parameters included."""

    naam: str
    type: str
    inhoud: str


def bericht_queue(*, aan: str, onderwerp: str, tekst: str, html: str = "", soort: str,
                  bijlage: Bijlage | None = None) -> Bericht:
    """Store a mail and queue its sending, on the caller's transaction.

    What the caller saves and the mails about it are committed together or not at all; a
    worker sends the mail after the commit and retries when the mail server is down.
    """
    # A header may not hold a line break; visitor text in the subject must not break the mail.
    onderwerp = " ".join(onderwerp.split())
    attachment = {} if bijlage is None else {
        "bijlage_naam": bijlage.naam, "bijlage_type": bijlage.type, "bijlage": bijlage.inhoud}
    # No savepoint of its own inside the caller's transaction: fewer statements per request.
    with transaction.atomic(savepoint=False):
        bericht = Bericht.objects.create(aan=aan, onderwerp=onderwerp, tekst=tekst, html=html,
                                         soort=soort, volgende_poging_op=timezone.now(),
                                         **attachment)
        enqueue_send(bericht.pk)
    return bericht


RESENDABLE = (BerichtStatus.WACHTEND, BerichtStatus.MISLUKT)


def berichten_resend(*, berichten: QuerySet[Bericht]) -> int:
    """Put waiting and failed mails back in the queue with a fresh series of attempts.

    Sent mails are left alone: sending one again is never what a click meant. Returns how
    many mails were queued.
    """
    with transaction.atomic():
        ids = list(berichten.filter(status__in=RESENDABLE).values_list("pk", flat=True))
        Bericht.objects.filter(pk__in=ids, status__in=RESENDABLE).update(
            status=BerichtStatus.WACHTEND, pogingen=0, volgende_poging_op=timezone.now())
        for bericht_id in ids:
            enqueue_send(bericht_id)
    return len(ids)
