"""The Excel import's writer: many validated rows saved at once, all of them or none.

What it stores is what ``services.registratie_submit`` and ``registratie_update`` store one
by one; it only writes them with a few raw statements per batch instead of a few per row
(``_BulkWriter`` says why). Only the import (``imports.py``) calls it.
"""
from collections.abc import Iterable
from functools import partial
from itertools import islice

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, connection, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from verkenning.models import Ronde

from ..eligibility import submission_flags
from ..fields import ChoiceListField
from ..models import DERIVED_FIELDS, Registratie
from ..questions import ANSWER_FIELDS
from ..services import DuplicateRegistration, apply_answers, new_token

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
