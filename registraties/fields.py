"""A list of choices stored as JSON: portable across SQLite and PostgreSQL, a checkbox list in forms."""
from django import forms
from django.core import checks, exceptions
from django.db import models
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A JSON list of choice codes, e.g. ``["regie", "leren"]``, kept in the choices' order.

    ``Model.objects.filter(**{f"{name}__icontains": f'"{code}"'})`` finds rows holding
    ``code`` on both databases (the quotes make the match exact); use ``has_choice()``.
    """

    def __init__(self, *args, choices_enum=None, **kwargs):
        self.choices_enum = choices_enum
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_enum"] = self.choices_enum
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.choices_enum is None:
            errors.append(checks.Error("ChoiceListField needs choices_enum.", obj=self))
        return errors

    @property
    def list_choices(self):
        return list(self.choices_enum.choices)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        unknown = [v for v in value or [] if v not in self._order]
        if unknown:
            raise exceptions.ValidationError(
                _("Onbekende keuze: %(waarde)s."), code="invalid_choice",
                params={"waarde": ", ".join(map(str, unknown))},
            )

    def formfield(self, **kwargs):
        defaults = {
            "form_class": forms.TypedMultipleChoiceField,
            "choices": self.list_choices,
            "required": not self.blank,
            "widget": forms.CheckboxSelectMultiple,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        form_class = defaults.pop("form_class")
        return form_class(**defaults)

    @cached_property
    def _order(self) -> dict[str, int]:
        # Enum.values walks the whole enum; saving a registration asks this for four fields,
        # twice (the row and its history row).
        return {code: i for i, code in enumerate(self.choices_enum.values)}

    def get_prep_value(self, value):
        if isinstance(value, (list, tuple)):
            order = self._order
            value = sorted(dict.fromkeys(value), key=lambda code: order.get(code, len(order)))
        return super().get_prep_value(value)

    def labels(self, value) -> list[str]:
        label_of = dict(self.list_choices)
        return [str(label_of.get(code, code)) for code in value or []]

    def has_choice(self, code: str) -> models.Q:
        return models.Q(**{f"{self.name}__icontains": f'"{code}"'})
