"""Writes on registrations: submit, update and the private edit link."""
import hashlib
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from verkenning.models import Ronde

from . import mails, review
from .models import DERIVED_FIELDS, Registratie
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


_NULLABLE_ANSWERS = {"aantal_ondernemingen", "aandeel_kleine_ondernemingen"}


def apply_answers(registratie: Registratie, data: dict) -> None:
    """Copy the visitor's answers and derive region, province and review flags from them."""
    for name in ANSWER_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name not in _NULLABLE_ANSWERS:
                value = ""
            setattr(registratie, name, value)
    registratie.refresh_derived()


def registratie_submit(*, ronde: Ronde, data: dict, check_open: bool = True) -> Submission:
    """Save a new, already validated registration with the round's next reference.

    ``Registratie.save()`` numbers it under the round's row lock, so concurrent submissions
    get distinct, gap-free numbers; a failed insert rolls the counter back with it.
    """
    if check_open and not ronde.is_open():
        raise RoundClosed
    token, hashed = new_token()
    registratie = Registratie(ronde=ronde, wijzig_token_hash=hashed)
    apply_answers(registratie, data)
    try:
        registratie.save()  # takes the next number under the round's row lock
    except IntegrityError as exc:
        if Registratie.objects.filter(ronde=ronde,
                                      ondernemingsnummer=data.get("ondernemingsnummer")).exists():
            raise DuplicateRegistration from exc
        raise
    return Submission(registratie=registratie, token=token)


def registratie_update(*, registratie: Registratie, data: dict,
                       reason: str = BY_ORGANISATION) -> Registratie:
    """Store corrected answers (from the edit link, staff or an import) and re-derive the rest.

    The history row carries ``reason``; through the public link there is no user, so the
    reason is what marks the change as made by the organisation. Only answers and what
    derives from them are written, on the freshly locked row: a status a reviewer set
    meanwhile, or a renewed edit link, is never overwritten by a stale copy.
    """
    try:
        with transaction.atomic():
            fresh = Registratie.objects.select_for_update().get(pk=registratie.pk)
            apply_answers(fresh, data)
            fresh._change_reason = reason
            fresh.save(update_fields=[*ANSWER_FIELDS, *DERIVED_FIELDS, "gewijzigd_op"])
    except IntegrityError as exc:
        raise DuplicateRegistration from exc
    registratie.refresh_from_db()
    if reason == BY_ORGANISATION:
        review.registratie_reopen_after_edit(registratie=registratie)
    return registratie


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


def _new_link_allowed(ronde: Ronde, ondernemingsnummer: str) -> bool:
    key = f"nieuwe-link:{ronde.pk}:{ondernemingsnummer}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= NEW_LINKS_PER_HOUR
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=3600)
        return True


def registratie_request_new_link(*, ronde: Ronde, ondernemingsnummer: str, email: str,
                                 request=None) -> bool:
    """Mail a fresh edit link when number and e-mail match a registration of the open round.

    The caller answers the visitor the same way either way, so this does not reveal who
    registered.
    """
    if not ronde.is_open() or not _new_link_allowed(ronde, ondernemingsnummer):
        return False
    registratie = (Registratie.objects.select_related("ronde")
                   .filter(ronde=ronde, ondernemingsnummer=ondernemingsnummer,
                           contact_email__iexact=email.strip()).first())
    if registratie is None:
        return False
    token = registratie_renew_link(registratie=registratie)
    mails.registratie_send_new_link(registratie=registratie, token=token, request=request)
    return True


def edit_link_is_alive(registratie: Registratie) -> bool:
    return registratie.ronde.is_open(timezone.now())
