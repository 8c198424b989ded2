"""Forms of the conversation pages (staff) and of the public answer page.

They only read what was typed; the rules live in services.py, whose errors land on these
fields (``add_service_errors``).
"""
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portaal.text import TextAnswersMixin

from .calendar import BRUSSELS
from .constants import PartnerschapStatus
from .gesprekken import MAX_DURATION, MAX_REPORT, MIN_DURATION

# Where a service's error on a model field shows in these forms.
FIELD_OF = {"begint_op": "datum"}


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            name = FIELD_OF.get(name, name)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class GesprekForm(TextAnswersMixin, forms.Form):
    datum = forms.DateField(label=_("Datum"), widget=forms.DateInput(
        attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Kies de datum van het gesprek."),
                        "invalid": _("Geef een datum als dd/mm/jjjj.")})
    tijd = forms.TimeField(label=_("Beginuur (Belgische tijd)"), widget=forms.TimeInput(
        attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Kies het beginuur van het gesprek."),
                        "invalid": _("Geef een uur als uu:mm, bv. 10:00.")})
    duur_minuten = forms.IntegerField(
        label=_("Duur (minuten)"), min_value=MIN_DURATION, max_value=MAX_DURATION, initial=90,
        error_messages={"required": _("Geef de duur in minuten."),
                        "invalid": _("Geef de duur als een getal (minuten)."),
                        "min_value": _("Een gesprek duurt minstens %(limit_value)s minuten."),
                        "max_value": _("Een gesprek duurt hoogstens %(limit_value)s minuten.")})
    plaats = forms.CharField(label=_("Plaats"), max_length=300, required=False,
                             help_text=_("Adres en zaal. Vul een plaats, een link of allebei in."))
    online_link = forms.URLField(label=_("Link voor online deelname"), max_length=500,
                                 required=False, assume_scheme="https",
                                 error_messages={"invalid": _("Geef een volledige link, bv. "
                                                              "https://…")})
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 10,
                                                                             "cols": 70}),
                             max_length=5000,
                             error_messages={"required": _("Vul de agenda in: de leden lezen "
                                                           "ze in hun uitnodiging.")})

    @classmethod
    def initial_for(cls, gesprek) -> dict:
        local = timezone.localtime(gesprek.begint_op, BRUSSELS)
        return {"datum": local.date(), "tijd": local.time().replace(second=0, microsecond=0),
                "duur_minuten": gesprek.duur_minuten, "plaats": gesprek.plaats,
                "online_link": gesprek.online_link, "agenda": gesprek.agenda}

    def begint_op(self) -> datetime:
        """The moment typed, as Brussels time (the summer or winter offset of that day)."""
        data = self.cleaned_data
        return datetime.combine(data["datum"], data["tijd"]).replace(tzinfo=BRUSSELS)


class VerslagForm(TextAnswersMixin, forms.Form):
    verslag = forms.CharField(
        label=_("Verslag (intern)"), required=False, max_length=MAX_REPORT,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 70}),
        help_text=_("Alleen voor ESF&DO: de leden zien het verslag nooit."))


class AfrondenForm(TextAnswersMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Het partnerschap is"), widget=forms.RadioSelect,
        choices=[(PartnerschapStatus.GEVORMD, _("gevormd: de leden bevestigden")),
                 (PartnerschapStatus.AFGEHAAKT, _("afgehaakt: het partnerschap gaat niet door"))],
        error_messages={"required": _("Kies of het partnerschap gevormd is of afhaakt.")})
    reden = forms.CharField(label=_("Reden (intern)"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
                            help_text=_("Verplicht. Komt in de geschiedenis; de leden zien "
                                        "ze niet."))


class AfhakenForm(TextAnswersMixin, forms.Form):
    reden = forms.CharField(label=_("Reden (intern)"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 4, "cols": 70}),
                            help_text=_("Verplicht. Komt in de geschiedenis; het lid ziet ze "
                                        "niet."))


class AntwoordForm(TextAnswersMixin, forms.Form):
    """The answer page: a remark and three submit buttons named ``antwoord``.

    Which button and how long a remark may be are the service's rules (validate_answer).
    """

    antwoord = forms.CharField(required=False)
    opmerking = forms.CharField(
        label=_("Opmerking (niet verplicht, behalve als u een ander moment voorstelt)"),
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))
