"""Writes on the outgoing mails: queue one, put failed ones back in the queue."""
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .constants import BerichtStatus
from .models import Bericht
from .rendering import Bijlage
from .tasks import enqueue_send

__all__ = ["Bijlage", "bericht_queue", "berichten_queue", "berichten_resend"]


def bericht_queue(*, aan: str, onderwerp: str, tekst: str = "", html: str = "", soort: str,
                  gegevens: dict | None = None, bijlage: Bijlage | None = None) -> Bericht:
    """Store a mail and queue its sending, on the caller's transaction (see berichten_queue)."""
    fields = {"aan": aan, "onderwerp": onderwerp, "tekst": tekst, "html": html, "soort": soort,
              "gegevens": gegevens}
    if bijlage is not None:
        fields.update(bijlage_naam=bijlage.naam, bijlage_type=bijlage.type,
                      bijlage=bijlage.inhoud)
    (bericht,) = berichten_queue([fields])
    return bericht


def berichten_queue(mails: list[dict]) -> list[Bericht]:
    """Store mails (dicts of Bericht fields) and queue their sending, on the caller's transaction.

    What the caller saves and the mails about it are committed together or not at all; a
    worker sends them after the commit and retries each one when the mail server is down.
    A mail with ``gegevens`` and no body is rendered by the worker (berichten/rendering.py).
    One INSERT for the mails and one task for all of them, whatever their number.
    """
    now = timezone.now()
    # A header may not hold a line break; visitor text in the subject must not break the mail.
    berichten = [Bericht(**{**fields, "onderwerp": " ".join(fields["onderwerp"].split())},
                         volgende_poging_op=now) for fields in mails]
    # No savepoint of its own inside the caller's transaction: fewer statements per request.
    with transaction.atomic(savepoint=False):
        berichten = Bericht.objects.bulk_create(berichten)
        enqueue_send(*[bericht.pk for bericht in berichten])
    return berichten


RESENDABLE = (BerichtStatus.WACHTEND, BerichtStatus.MISLUKT)


def berichten_resend(*, berichten: QuerySet[Bericht]) -> int:
    """Put waiting and failed mails back in the queue with a fresh series of attempts.

    Sent mails are left alone: sending one again is never what a click meant. Returns how
    many mails were queued.
    """
    with transaction.atomic():
        ids = list(berichten.filter(status__in=RESENDABLE).values_list("pk", flat=True))
        Bericht.objects.filter(pk__in=ids, status__in=RESENDABLE).update(
            status=BerichtStatus.WACHTEND, pogingen=0, volgende_poging_op=timezone.now(),
            mislukt_op=None)
        if ids:
            enqueue_send(*ids)
    return len(ids)
