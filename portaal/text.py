"""What counts as a typed answer in every form: invisible characters alone are no answer, and
bytes that did not arrive as UTF-8 are refused next to their field.

A form gets both rules from ``TextAnswersMixin`` (invisible-only answers are emptied before
the fields read them; ``clean_text_answers`` at the start of ``clean()``); the staff backend
gives them to every admin form (``portaal.admin``). The request guard (``portaal.middleware``) turns a body that is not
UTF-8 into values that carry U+FFFD where the bytes were, so the form can name the field.
"""
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

# The character a decoder puts where bytes were not UTF-8 (Django's, ours in the middleware).
UNREADABLE = "\ufffd"
# Characters that show nothing on their own: formatting (zero-width space and joiners, BOM,
# word joiner, direction marks), blanks and separators, control characters.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me"}
# Letters and symbols that render as blank space (Hangul fillers, braille blank, ...).
_BLANK_CHARACTERS = {"\u115f", "\u1160", "\u17b4", "\u17b5", "\u2800", "\u3164", "\uffa0",
                     "\u034f", "\u180e"}

MSG_UNREADABLE = _(
    "Dit antwoord bevat tekens die niet leesbaar aankwamen (uw browser of programma stuurde "
    "geen UTF-8). Typ het antwoord opnieuw in, in plaats van het te plakken, en verstuur nog "
    "eens."
)
MSG_INVISIBLE_ONLY = _("Dit veld is verplicht.")


def is_invisible(text: str) -> bool:
    """True for text of which nothing shows: empty, blanks, zero-width and other invisible
    characters (a combining mark without a letter to sit on counts as nothing too)."""
    return all(ch in _BLANK_CHARACTERS or unicodedata.category(ch) in _INVISIBLE_CATEGORIES
               for ch in text)


def clean_text_answers(form: forms.BaseForm) -> None:
    """Apply the two rules to every text answer of ``form`` that passed its field's checks.

    Only invisible characters: an optional answer becomes empty, a required one gets the
    field's own "required" message. Bytes that were not UTF-8: the field's message says so.
    Call it at the start of ``clean()``, before rules that look at the answers together.
    """
    data = form.cleaned_data
    for name, field in form.fields.items():
        value = data.get(name)
        if not isinstance(value, str) or not value or name in form.errors:
            continue
        if UNREADABLE in value:
            form.add_error(name, forms.ValidationError(
                field.error_messages.get("onleesbaar", MSG_UNREADABLE), code="onleesbaar"))
        elif is_invisible(value):
            if field.required:
                form.add_error(name, forms.ValidationError(
                    field.error_messages.get("required", MSG_INVISIBLE_ONLY), code="required"))
            else:
                data[name] = ""


def blank_invisible_answers(form: forms.BaseForm) -> None:
    """Before any field reads the data: an answer of only invisible characters becomes empty,
    so that the field's own checks (required, its format) see what a person sees."""
    data, changed = form.data, {}
    for key in {form.add_prefix(name) for name in form.fields}:
        if key not in data:
            continue
        values = data.getlist(key) if hasattr(data, "getlist") else data[key]
        many = isinstance(values, list | tuple)
        blanked = ["" if isinstance(value, str) and value and is_invisible(value) else value
                   for value in (values if many else [values])]
        if blanked != list(values if many else [values]):
            changed[key] = blanked if many else blanked[0]
    if not changed:
        return
    data = data.copy()
    for key, value in changed.items():
        if hasattr(data, "setlist"):
            data.setlist(key, value if isinstance(value, list) else [value])
        else:
            data[key] = value
    form.data = data


class TextAnswersMixin:
    """A form whose text answers follow the two rules: invisible-only answers are empty before
    the fields check them, and ``clean_text_answers`` refuses unreadable bytes."""

    def full_clean(self):
        if self.is_bound:
            blank_invisible_answers(self)
        super().full_clean()

    def clean(self):
        clean_text_answers(self)
        return super().clean()


def with_text_answers(form_class: type[forms.BaseForm]) -> type[forms.BaseForm]:
    """``form_class`` with the two rules; the class itself when it already has them."""
    if issubclass(form_class, TextAnswersMixin):
        return form_class
    return type(form_class.__name__, (TextAnswersMixin, form_class),
                {"__module__": form_class.__module__})
