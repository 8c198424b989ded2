"""Field values and history changes as staff read them: labels, Dutch yes/no, Brussels time."""
from datetime import date, datetime

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper

# Bookkeeping that changes with every save; the status log already says who set a status when.
HIDDEN_FIELDS = {"gewijzigd_op", "aangemaakt_op", "volgnummer", "laatste_volgnummer",
                 "status_gewijzigd_op", "status_gewijzigd_door"}
EMPTY = "–"


def set_history_user(obj, user) -> None:
    """Record ``user`` as the author of ``obj``'s next history row (outside a request too)."""
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user


def user_display(user) -> str:
    """A staff member as colleagues know them: full name, else the username."""
    return user.get_full_name() or user.get_username()


def field_display(model, name: str, value, *, limit: int | None = 120) -> str:
    """One field's value for people: choice labels, 'ja'/'nee', local dates, names of users."""
    field = model._meta.get_field(name)
    if hasattr(field, "labels"):
        return ", ".join(field.labels(value)) or EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)) if value else EMPTY
    if isinstance(value, bool):
        return str(_("ja") if value else _("nee"))
    if value is None or value == "":
        return EMPTY
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if hasattr(value, "get_full_name"):
        return user_display(value)
    text = str(value)
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def readable_changes(model, changes) -> list[dict]:
    """simple-history's ModelChange list as {field, old, new} for people, bookkeeping left out."""
    return [{"field": capfirst(model._meta.get_field(change.field).verbose_name),
             "old": field_display(model, change.field, change.old),
             "new": field_display(model, change.field, change.new)}
            for change in changes if change.field not in HIDDEN_FIELDS]


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """Used by the admin's full history pages (DutchHistoryAdmin)."""

    def context_for_delta_changes(self, delta) -> list[dict]:
        return readable_changes(self.model, delta.changes)
