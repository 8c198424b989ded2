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
from registraties.constants import Actie, Thema

from . import afspraken
from .calendar import BRUSSELS
from .constants import PartnerschapStatus, Werkgebied
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
    toch_vormen = forms.BooleanField(
        label=_("Toch vormen, ook al bevestigde nog niet elk lid de huidige afspraak"),
        required=False,
        help_text=_("Alleen voor een coördinator, met een reden hierboven: de geschiedenis "
                    "vermeldt dat het partnerschap zonder alle bevestigingen gevormd werd."))


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


# ----- the agreement (afspraken) -------------------------------------------------------------

REACH_ERRORS = {"required": _("Geef een aantal (0 als er geen zijn)."),
                "invalid": _("Geef een geheel getal, zonder punten of spaties."),
                "min_value": _("Geef een aantal van 0 of meer."),
                "max_value": _("Geef een aantal tot %(limit_value)s.")}


class AfspraakForm(TextAnswersMixin, forms.Form):
    """The partnership's part of a new version; the rules are afspraken.afspraak_validate's."""

    themas = forms.MultipleChoiceField(
        label=_("Thema's"), choices=Thema.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De thema's uit de oproep waarrond het partnerschap werkt."))
    thema_andere = forms.CharField(label=_("Ander thema"), max_length=300, required=False)
    doelgroep = forms.CharField(
        label=_("Doelgroep"), required=False, max_length=afspraken.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text=_("Welke ondernemingen en werknemers het partnerschap bereikt."))
    open_vragen = forms.CharField(
        label=_("Open vragen voor ESF&DO"), required=False, max_length=afspraken.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}),
        help_text=_("Niet verplicht. Komen in de bouwstenen voor de subsidieoproep."))
    volgende_stap = forms.CharField(
        label=_("Volgende stap"), required=False, max_length=afspraken.MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 70}))


class AfspraakLidForm(TextAnswersMixin, forms.Form):
    """One member's part; ``registratie_id`` ties it to the member (the service checks that
    the forms describe exactly the remaining members)."""

    registratie_id = forms.IntegerField(widget=forms.HiddenInput)
    acties = forms.MultipleChoiceField(label=_("Acties"), choices=Actie.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    sectoren = forms.CharField(label=_("Sectoren"), required=False,
                               max_length=afspraken.MAX_CONTRIBUTION,
                               widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    paritaire_comites = forms.CharField(label=_("Paritaire comités"), required=False,
                                        max_length=300, help_text=_("Bv. 124, 200"))
    provincies = forms.MultipleChoiceField(
        label=_("Provincies waar de organisatie zal werken"), choices=Werkgebied.choices,
        required=False, widget=forms.CheckboxSelectMultiple)
    bereik_ondernemingen = forms.IntegerField(
        label=_("Te bereiken ondernemingen met hoogstens 50 werknemers"), min_value=0,
        max_value=afspraken.MAX_REACH, error_messages=REACH_ERRORS)
    bereik_werknemers = forms.IntegerField(
        label=_("Werknemers van wie de competenties in kaart gebracht worden"), min_value=0,
        max_value=afspraken.MAX_REACH, error_messages=REACH_ERRORS)
    bijdrage = forms.CharField(label=_("Bijdrage (kort)"), required=False,
                               max_length=afspraken.MAX_CONTRIBUTION,
                               widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                               error_messages={"max_length": afspraken.MSG_CONTRIBUTION_TOO_LONG
                                               % {"max": afspraken.MAX_CONTRIBUTION}})

    def lid_input(self):
        data = self.cleaned_data
        return afspraken.LidInput(
            registratie_id=data["registratie_id"], acties=data.get("acties") or [],
            sectoren=data.get("sectoren") or "", paritaire_comites=data.get("paritaire_comites")
            or "", provincies=data.get("provincies") or [],
            bereik_ondernemingen=data.get("bereik_ondernemingen"),
            bereik_werknemers=data.get("bereik_werknemers"), bijdrage=data.get("bijdrage") or "")


AfspraakLidFormSet = forms.formset_factory(AfspraakLidForm, extra=0)


def add_agreement_errors(form: AfspraakForm, formset, exc: ValidationError) -> list[str]:
    """Put the service's errors next to their fields; returns the ones no field takes
    (the rules across members: one regierol, the members as they are now)."""
    by_member = {f.cleaned_data.get("registratie_id"): f for f in formset.forms
                 if hasattr(f, "cleaned_data")}
    left: list[str] = []
    by_key = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
    for key, errors in by_key.items():
        if key is None or key == "leden":
            left += [message for error in errors for message in error.messages]
        elif key.startswith("leden."):
            _prefix, pk, name = key.split(".", 2)
            target = by_member.get(int(pk))
            if target is not None and name in target.fields:
                target.add_error(name, errors)
            else:
                left += [message for error in errors for message in error.messages]
        elif key in form.fields:
            form.add_error(key, errors)
        else:
            left += [message for error in errors for message in error.messages]
    return left


class BevestigingForm(TextAnswersMixin, forms.Form):
    """A member's answer on its dossier: two buttons named ``akkoord`` and a comment."""

    afspraak = forms.IntegerField(widget=forms.HiddenInput)
    akkoord = forms.CharField(required=False)
    opmerking = forms.CharField(
        label=_("Opmerking (verplicht als u niet bevestigt)"), required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}))
