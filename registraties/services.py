"""Writes on registrations: submit, update and the private edit link."""
import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone
from django_tasks import task

from verkenning.models import Ronde

from . import eligibility, mails, review
from .eligibility import submission_flags
from .fields import ChoiceListField
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


# Rows per INSERT statement, and per locked read of rows to update, in a bulk import
# (SQLite allows 32,766 parameters: 500 rows of 46 columns stay well below).
BULK_BATCH_SIZE = 500


def registraties_bulk_submit(*, ronde: Ronde, new: Iterable[dict],
                             updates: Iterable[tuple[int, dict]], reason: str,
                             user=None) -> list[int]:
    """Save many validated rows at once (the Excel import): all of them or none.

    ``new`` holds the answers of new registrations, ``updates`` (pk, answers) pairs. What
    ends up in the database is what ``registratie_submit`` and ``registratie_update`` write
    one by one: answers plus derived region, province and flags, references numbered
    gap-free under the round's row lock (taken once, for all new rows), only answers written
    on the locked rows to update, and one history row each with ``reason`` and ``user``.
    Both are read a batch at a time, so memory holds one batch of rows, all inside one
    transaction. Returns the ids of the new registrations. Raises DuplicateRegistration when
    the database refuses a number that someone registered meanwhile; then nothing is saved.
    """
    now = timezone.now()
    writer = _BulkWriter(reason=reason, user=user, now=now)
    created: list[int] = []
    try:
        with transaction.atomic():
            locked = None
            number = 0
            for batch in _batches(new):
                if locked is None:
                    locked = Ronde.objects.select_for_update().get(pk=ronde.pk)
                    number = locked.laatste_volgnummer
                    # What auto_now(_add) would set: one moment for the whole import.
                    template = Registratie(ronde=locked, ingediend_op=now, gewijzigd_op=now)
                rows = []
                for data in batch:
                    number += 1
                    registratie = _twin(template)
                    registratie.volgnummer = number
                    registratie.referentie = locked.format_referentie(number)
                    registratie.wijzig_token_hash = new_token()[1]
                    registratie.vlaggen = submission_flags(data.get("vlaggen"))
                    apply_answers(registratie, data)
                    rows.append(registratie)
                created.extend(writer.insert(rows))
            if locked is not None:
                # update(), not save(): as in Registratie.take_next_number.
                Ronde.objects.filter(pk=locked.pk).update(laatste_volgnummer=number)
            for batch in _batches(updates):
                data_of = dict(batch)
                fresh = list(Registratie.objects.select_for_update().filter(pk__in=data_of))
                for registratie in fresh:
                    apply_answers(registratie, data_of[registratie.pk])
                    registratie.gewijzigd_op = now
                writer.update(fresh, [*ANSWER_FIELDS, *DERIVED_FIELDS, "gewijzigd_op"])
    except IntegrityError as exc:
        raise DuplicateRegistration from exc
    return created


def _twin(template: Registratie) -> Registratie:
    """A new registration with the template's field values: Model.__init__ at a fraction of
    its cost (20,000 times). Lists are copied, never shared between rows."""
    twin = Registratie.__new__(Registratie)
    twin.__dict__.update({name: list(value) if isinstance(value, list) else value
                          for name, value in template.__dict__.items()})
    twin._state = ModelState()
    return twin


def _batches(items: Iterable) -> Iterable[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, BULK_BATCH_SIZE)):
        yield batch


# Field types whose value reaches the database driver as it is when it already has the
# field's Python type (what the form and the model hold): str, bool, int or None.
_PLAIN_FIELDS = (models.CharField, models.TextField, models.BooleanField, models.IntegerField)


def _to_db(field: models.Field):
    """A function turning a model value into what the driver takes, as bulk_create would."""
    if isinstance(field, _PLAIN_FIELDS) and not field.is_relation \
            and type(field).__module__.startswith("django.db.models."):
        return None  # as it is: Django's own get_db_prep_save() returns it unchanged
    convert = partial(field.get_db_prep_save, connection=connection)
    if not isinstance(field, ChoiceListField):
        return convert
    # A choice list's conversion (ordering, JSON) is the same for the same choices, and an
    # import repeats few combinations: remembered per combination.
    known: dict[tuple, object] = {}

    def convert_choices(value):
        if not isinstance(value, list):
            return convert(value)
        key = tuple(value)
        if key not in known:
            known[key] = convert(value)
        return known[key]
    return convert_choices


class _BulkWriter:
    """Plain multi-row INSERTs, UPDATEs and history rows for the bulk import.

    The ORM's bulk_create, bulk_update and django-simple-history's bulk helpers build a
    historical model object per row and compile every value of every row one call at a
    time; for 20,000 rows of 46 columns that was most of the import's time, and bulk_update's
    CASE expressions grew with the batch. This writes the same rows and values (each field's
    own get_db_prep_save) with one statement per batch, and every value is converted once
    for the registration and its history row. Query counts stay flat: a few per batch.
    """

    def __init__(self, *, reason: str, user, now):
        self.reason, self.user, self.now = reason, user, now
        self.history = Registratie.history.model
        meta = Registratie._meta
        self.columns = [f for f in meta.concrete_fields if not f.primary_key]
        self.convert = {f.attname: _to_db(f) for f in meta.concrete_fields}
        tracked = {f.attname for f in self.history.tracked_fields}
        self.history_columns = [f for f in self.history._meta.concrete_fields
                                if not isinstance(f, models.AutoField)]
        extra = {f.attname for f in self.history_columns} - tracked
        if extra != {"history_date", "history_change_reason", "history_type",
                     "history_user_id"}:  # a newer django-simple-history: look again
            raise ImproperlyConfigured(f"Unexpected history columns: {sorted(extra)}")
        self.history_date = self.history._meta.get_field("history_date").get_db_prep_save(
            now, connection=connection)

    def _values(self, registratie: Registratie) -> dict:
        values = {}
        for attname, convert in self.convert.items():
            value = getattr(registratie, attname)
            values[attname] = value if convert is None else convert(value)
        return values

    def insert(self, rows: list[Registratie]) -> list[int]:
        """Insert new registrations and their history rows ('+'); returns their ids."""
        if not rows:
            return []
        values = [self._values(registratie) for registratie in rows]
        ids_of = dict(_execute_insert(Registratie._meta.db_table, self.columns, values,
                                      returning=("volgnummer", "id")))
        for registratie, row in zip(rows, values, strict=True):
            registratie.pk = row["id"] = ids_of[registratie.volgnummer]
            registratie._state.adding = False
        self._history(rows, values, "+")
        return [registratie.pk for registratie in rows]

    def update(self, rows: list[Registratie], fields: list[str]) -> None:
        """Write ``fields`` of existing registrations, and their history rows ('~')."""
        if not rows:
            return
        values = [self._values(registratie) for registratie in rows]
        meta = Registratie._meta
        attnames = [meta.get_field(name).attname for name in fields]
        quote = connection.ops.quote_name
        # Names from the model's own _meta, quoted; every value is a parameter.
        sql = (f"UPDATE {quote(meta.db_table)} SET "  # noqa: S608
               + ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in fields)
               + f" WHERE {quote(meta.pk.column)} = %s")
        with connection.cursor() as cursor:
            # One prepared statement for the batch, its rows in the driver's own loop.
            cursor.executemany(sql, [[row[a] for a in attnames] + [row[meta.pk.attname]]
                                     for row in values])
        self._history(rows, values, "~")

    def _history(self, rows: list[Registratie], values: list[dict], kind: str) -> None:
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        user = self.user if self.user is not None else \
            self.history.get_default_history_user(rows[0])
        extra = {"history_date": self.history_date, "history_change_reason": self.reason,
                 "history_type": kind, "history_user_id": user.pk if user else None}
        _execute_insert(self.history._meta.db_table, self.history_columns,
                        [row | extra for row in values])


def _execute_insert(table: str, columns: list[models.Field], rows: list[dict],
                    returning: tuple[str, ...] = ()) -> list[tuple]:
    """One INSERT of many rows ({attname: database value}); RETURNING the named columns."""
    quote = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # Names from the models' own _meta, quoted; every value is a parameter.
    sql = (f"INSERT INTO {quote(table)} ({', '.join(quote(f.column) for f in columns)}) "  # noqa: S608
           f"VALUES {', '.join([placeholders] * len(rows))}")
    if returning:
        sql += " RETURNING " + ", ".join(quote(name) for name in returning)
    attnames = [f.attname for f in columns]
    with connection.cursor() as cursor:
        cursor.execute(sql, [row[a] for row in rows for a in attnames])
        return cursor.fetchall() if returning else []
