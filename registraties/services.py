"""Writes on registrations: submit, update and the private edit link."""
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from verkenning.models import Ronde

from . import eligibility, mails, review
from .eligibility import submission_flags
from .models import DERIVED_FIELDS, REGISTER_FIELDS, Registratie
from .questions import ANSWER_FIELDS

# The history row's reason that marks a change made by the organisation itself (no user).
BY_ORGANISATION = "Gewijzigd door de organisatie via de wijzigingslink"


class DuplicateRegistration(Exception):
    """The round already holds a registration with this enterprise number."""


class RoundClosed(Exception):
    """The round does not accept registrations or changes now."""


@dataclass(frozen=True)
class Submission:
    registratie: Registratie
    token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A random edit token (256 bits) and the hash that is the only thing stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


_NULLABLE_ANSWERS = {"aantal_ondernemingen", "aandeel_kleine_ondernemingen", "kbo_snapshot_datum"}


def apply_answers(registratie: Registratie, data: dict) -> None:
    """Copy the visitor's answers (and the register's verdict on them, which the form adds)
    and derive region, province and review flags from them."""
    for name in (*ANSWER_FIELDS, *REGISTER_FIELDS):
        if name in data:
            value = data[name]
            if value is None and name not in _NULLABLE_ANSWERS:
                value = ""
            setattr(registratie, name, value)
    if eligibility.JUDGEMENT_FLAGS_KEY in data:
        registratie.set_judgement_flags(data[eligibility.JUDGEMENT_FLAGS_KEY])
    registratie.refresh_derived()


def registratie_submit(*, ronde: Ronde, data: dict, check_open: bool = True,
                       on_saved: Callable[[Submission], None] | None = None) -> Submission:
    """Save a new, already validated registration with the round's next reference.

    The number is taken under the round's row lock, so concurrent submissions get distinct,
    gap-free numbers; a failed insert rolls the counter back with it. ``on_saved`` runs in the
    same transaction (the public form queues its mails there): what it writes is saved with
    the registration or not at all. The transaction is this function's own, not a savepoint
    in the caller's: the lock is held from the number to the commit, so every statement less
    in between lets the next visitor in sooner.
    """
    if check_open and not ronde.is_open():
        raise RoundClosed
    token, hashed = new_token()
    # The public form may add a submission flag (sent without spam check, see forms.py).
    registratie = Registratie(ronde=ronde, wijzig_token_hash=hashed,
                              vlaggen=submission_flags(data.get("vlaggen")))
    apply_answers(registratie, data)
    submission = Submission(registratie=registratie, token=token)
    try:
        with transaction.atomic():
            registratie.take_next_number()  # numbered here, so save() adds no savepoint
            registratie.save()
            if on_saved is not None:
                on_saved(submission)
    except IntegrityError as exc:
        if Registratie.objects.filter(ronde=ronde,
                                      ondernemingsnummer=data.get("ondernemingsnummer")).exists():
            raise DuplicateRegistration from exc
        raise
    return submission


def registratie_update(*, registratie: Registratie, data: dict,
                       reason: str = BY_ORGANISATION) -> Registratie:
    """Store corrected answers (from the edit link, staff or an import) and re-derive the rest.

    The history row carries ``reason``; through the public link there is no user, so the
    reason is what marks the change as made by the organisation. Only answers and what
    derives from them are written, on the freshly locked row: a status a reviewer set
    meanwhile, or a renewed edit link, is never overwritten by a stale copy. Nothing is
    written when nothing changes, and only a changed answer sends a decision back to review
    (``registratie.changed_answers`` names them afterwards).
    """
    fields = [*ANSWER_FIELDS, *DERIVED_FIELDS]
    try:
        with transaction.atomic():
            fresh = Registratie.objects.select_for_update().get(pk=registratie.pk)
            before = {name: getattr(fresh, name) for name in fields}
            apply_answers(fresh, data)
            changed = [name for name in fields if _differs(getattr(fresh, name), before[name])]
            if changed:
                fresh._change_reason = reason
                fresh.save(update_fields=[*fields, "gewijzigd_op"])
    except IntegrityError as exc:
        raise DuplicateRegistration from exc
    registratie.refresh_from_db()
    registratie.changed_answers = [name for name in changed if name in ANSWER_FIELDS]
    if reason == BY_ORGANISATION and registratie.changed_answers:
        review.registratie_reopen_after_edit(registratie=registratie)
    return registratie


def _differs(new, old) -> bool:
    if isinstance(new, list) or isinstance(old, list):
        return sorted(new or []) != sorted(old or [])
    return new != old


def registratie_for_token(token: str) -> Registratie | None:
    if not token or len(token) > 100:
        return None
    return (Registratie.objects.select_related("ronde")
            .filter(wijzig_token_hash=token_hash(token)).first())


def registratie_renew_link(*, registratie: Registratie) -> str:
    """Replace the edit link: the old one stops working."""
    token, hashed = new_token()
    Registratie.objects.filter(pk=registratie.pk).update(wijzig_token_hash=hashed)
    registratie.wijzig_token_hash = hashed
    return token


# A stranger who knows number and e-mail must not flood the mailbox or keep killing the link.
NEW_LINKS_PER_HOUR = 3


def _new_link_allowed(ronde_id: int, ondernemingsnummer: str) -> bool:
    """Count one request for this number; the count lives in the shared cache, so it holds
    across every worker process and machine."""
    key = f"nieuwe-link:{ronde_id}:{ondernemingsnummer}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= NEW_LINKS_PER_HOUR
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=3600)
        return True


def registratie_request_new_link(*, ronde: Ronde, ondernemingsnummer: str, email: str,
                                 request=None) -> None:
    """Queue a "link kwijt" request; the worker looks it up, counts it and mails the link.

    The request itself does the same work whether or not number and e-mail match (one
    queued task, no lookup), so neither its answer nor its timing shows who registered.
    """
    registratie_mail_new_link_task.enqueue(ronde.pk, ondernemingsnummer, email.strip(),
                                           mails.base_url(request))


def registratie_mail_new_link(*, ronde_id: int, ondernemingsnummer: str, email: str,
                              base: str = "") -> bool:
    """Mail a fresh link when number and e-mail match a registration of the round.

    Runs in the worker. While the round is open the link edits; after the close it opens the
    read-only dossier (a wiped registration no longer matches the e-mail). At most
    NEW_LINKS_PER_HOUR requests per number are served; the renewed link and its mail are
    saved together.
    """
    ronde = Ronde.objects.filter(pk=ronde_id).first()
    if ronde is None or not _new_link_allowed(ronde.pk, ondernemingsnummer):
        return False
    registratie = (Registratie.objects.select_related("ronde")
                   .filter(ronde=ronde, ondernemingsnummer=ondernemingsnummer,
                           contact_email__iexact=email.strip()).first())
    if registratie is None:
        return False
    with transaction.atomic():
        token = registratie_renew_link(registratie=registratie)
        mails.registratie_send_new_link(registratie=registratie, token=token, base=base)
    return True


@task()
def registratie_mail_new_link_task(ronde_id: int, ondernemingsnummer: str, email: str,
                                   base: str = "") -> bool:
    return registratie_mail_new_link(ronde_id=ronde_id, ondernemingsnummer=ondernemingsnummer,
                                     email=email, base=base)


# The task's name until issue 18: rows queued before the upgrade name this path, and the
# worker imports what a row names. Remove after the next release.
nieuwe_link_aanvragen = registratie_mail_new_link_task


def edit_link_is_alive(registratie: Registratie) -> bool:
    return registratie.ronde.is_open(timezone.now())


# Rows per statement of the register re-check's bulk updates (below); the Excel import's
# writer has its own (excel/bulk.py).
