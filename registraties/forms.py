"""The public interest form (built from questions.py) and the 'link kwijt' form."""
import re
import threading

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property, lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kbo import ondernemingsnummer
from kbo.selectors import NOT_LOADED, KboCheck, KboLookup, kbo_check
from portaal.text import TextAnswersMixin

from . import eligibility
from .constants import Rechtsvorm, Thema, TypeOrganisatie, Vlag
from .eligibility import Outcome, Path
from .models import REGISTER_FIELDS, Registratie
from .questions import ANSWER_FIELDS, QUESTIONS, SECTIONS
from .spamcontrole import Uitkomst, check_solution

LONG_TEXT_MAX = 4000

MSG_PARITAIRE_COMITES = _(
    "'%(waarde)s' is geen nummer van een paritair comité. Geef de nummers gescheiden door "
    "komma's, bv. 111, 200, 124.1."
)
PC_SEPARATORS = re.compile(r"[,;/\s]+|\ben\b", re.IGNORECASE)
PC_PREFIX = re.compile(r"^(p\.?s?\.?c\.?)", re.IGNORECASE)
PC_NUMBER = re.compile(r"[0-9]{3}(\.[0-9]{1,2}){0,2}")
MSG_POSTCODE = _("Geef een Belgische postcode van vier cijfers (1000–9999).")
MSG_EMAIL = _("Geef een geldig e-mailadres, bv. naam@organisatie.be.")
MSG_DUPLICATE = _(
    "Uw organisatie heeft zich voor deze ronde al geregistreerd met dit ondernemingsnummer. "
    "Gebruik de wijzigingslink uit uw bevestigingsmail om uw antwoorden aan te passen."
)
MSG_LINK_KWIJT = _("Link kwijt? Vraag een nieuwe wijzigingslink aan.")
# An existing registration that takes the number of another one (edit link, staff edit).
MSG_DUPLICATE_OTHER = _(
    "Met dit ondernemingsnummer staat in deze ronde al een andere registratie. Kijk het nummer "
    "na; het ondernemingsnummer van een registratie blijft normaal hetzelfde."
)


def duplicate_message(path: Path):
    """The "already registered" message for ``path``; on the public form with a real link to
    'Link kwijt?' (the message is shown on the number field and in the summary)."""
    if path is not Path.FORM:
        return MSG_DUPLICATE_OTHER
    return format_html('{} <a href="{}">{}</a>', MSG_DUPLICATE,
                       reverse("registraties:link_kwijt"), MSG_LINK_KWIJT)
EMPTY_CHOICE = ("", _("— kies —"))
# Control characters (C0, DEL, C1) cannot be typed into a field; a crafted POST can send them,
# and they would end up in mails and Excel cells. Long texts keep tab and line breaks.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MSG_HONEYPOT = _(
    "Uw formulier kon niet verwerkt worden: het verborgen veld 'Faxnummer' is ingevuld, "
    "misschien door uw browser. Maak het leeg en verstuur opnieuw, of mail naar "
    "%(contact)s."
)
MSG_ALTCHA_INVALID = _(
    "De spamcontrole van dit formulier klopt niet of is verlopen. Laad de pagina opnieuw "
    "(uw antwoorden blijven staan als u ze eerst kopieert), wacht tot 'Geverifieerd' verschijnt "
    "en verstuur opnieuw."
)
MSG_ALTCHA_REUSED = _(
    "Deze spamcontrole werd al gebruikt voor een ander verstuurd formulier. Wacht tot "
    "'Geverifieerd' opnieuw verschijnt en verstuur dan nog eens."
)


def _apply_question(field: forms.Field, question) -> None:
    """Label, help, messages and widget details of one question (questions.py)."""
    model_field = Registratie._meta.get_field(question.name)
    if question.label:
        field.label = question.label
    if question.help_text:
        field.help_text = question.help_text
        if "%(" in str(question.help_text):
            van, tot = eligibility.BRUSSELS_POSTCODES
            field.help_text = format_lazy_params(question.help_text, {"van": van, "tot": tot})
    if question.required is not None:
        field.required = question.required
    if question.required_message:
        field.error_messages["required"] = question.required_message
    if question.autocomplete:
        field.widget.attrs["autocomplete"] = question.autocomplete
    if isinstance(model_field, models.TextField):
        field.widget.attrs.update(rows=question.rows or 3, maxlength=LONG_TEXT_MAX)
        field.max_length = LONG_TEXT_MAX
        field.validators.append(MaxLengthValidator(LONG_TEXT_MAX))
    elif model_field.choices and isinstance(field, forms.TypedChoiceField):
        field.choices = [EMPTY_CHOICE, *model_field.choices]


def _apply_questions_once(form_class) -> None:
    """Apply the questions to ``form_class``'s own fields the first time it is used.

    Each form instance then only copies configured fields, as Django does for every form,
    instead of configuring thirty of them again on every request.
    """
    if form_class.__dict__.get("_questions_applied"):
        return
    with _APPLYING:  # threaded servers: one thread configures, once
        if form_class.__dict__.get("_questions_applied"):
            return
        for question in QUESTIONS:
            if question.name in form_class.base_fields:
                _apply_question(form_class.base_fields[question.name], question)
        form_class._questions_applied = True


_APPLYING = threading.Lock()


def format_lazy_params(text, params: dict):
    """``text % params``, translated when shown rather than when the class is set up."""
    return lazy(lambda: str(text) % params, str)()


def form_layout() -> Layout:
    """The form's fieldsets in the order of questions.py; follow-up questions in a block
    the page's script shows when they matter (ids ``blok_<name>``, see static/js)."""
    fieldsets = []
    for section in SECTIONS:
        items = []
        if section.intro:
            # Our own text, escaped once more so that the template engine sees plain text.
            items.append(HTML(format_html('<p class="text-body-secondary">{}</p>', section.intro)))
        for question in section.questions:
            if question.derived:
                continue
            items.append(Div(question.name, css_id=f"blok_{question.name}")
                         if question.follow_up else question.name)
        fieldsets.append(Fieldset(section.title, *items))
    return Layout(*fieldsets)


class RegistratieForm(TextAnswersMixin, forms.ModelForm):
    """All answers of one registration; also validates imported rows and staff edits.

    Which fields there are, and their labels, help and messages, come from questions.py;
    the fields declared here only change how a value is read.
    """

    ondernemingsnummer = forms.CharField(max_length=30)
    postcode = forms.CharField(
        max_length=10,
        # The page's script shows the Brussels question for these postcodes; the rule itself
        # stays in eligibility.py.
        widget=forms.TextInput(attrs={
            "inputmode": "numeric",
            "data-brussel-van": eligibility.BRUSSELS_POSTCODES[0],
            "data-brussel-tot": eligibility.BRUSSELS_POSTCODES[1]}),
    )
    website = forms.URLField(required=False, max_length=300, assume_scheme="https",
                             error_messages={"invalid": _("Geef een geldig webadres, bv. "
                                                          "https://www.voorbeeld.be.")})
    aantal_ondernemingen = forms.IntegerField(
        required=False, min_value=0, max_value=10_000_000,
        error_messages={"invalid": _("Geef een geheel getal, bv. 250."),
                        "min_value": _("Het aantal kan niet negatief zijn.")},
    )
    aandeel_kleine_ondernemingen = forms.IntegerField(
        required=False, min_value=0, max_value=100,
        error_messages={"invalid": _("Geef een percentage tussen 0 en 100."),
                        "min_value": _("Geef een percentage tussen 0 en 100."),
                        "max_value": _("Geef een percentage tussen 0 en 100.")},
    )
    privacy_akkoord = forms.BooleanField()

    class Meta:
        model = Registratie
        fields = list(ANSWER_FIELDS)
        error_messages = {"contact_email": {"invalid": MSG_EMAIL}}

    # The path the answers come in by (eligibility.TABLE): given by each caller; a subclass
    # that serves one path only says so here. The form has no mode of its own: which rules
    # refuse, flag or stay silent is the table's answer for this path, nothing else.
    path: Path | None = None

    def __init__(self, *args, ronde=None, path: Path | None = None,
                 known_numbers: dict[str, int] | None = None,
                 register: KboLookup | None = None, **kwargs):
        _apply_questions_once(type(self))
        super().__init__(*args, **kwargs)
        self.ronde = ronde if ronde is not None else getattr(self.instance, "ronde", None)
        self.path = path or type(self).path
        if self.path is None:
            raise TypeError(f"{type(self).__name__} needs the path its answers come in by "
                            "(path=eligibility.Path...)")
        # An import's sources, loaded once for many rows (see ``rebind``): {enterprise
        # number: pk} of the round for the duplicate check, and the register's entries.
        self.known_numbers = known_numbers
        self.register = register
        # An existing registration's answers as stored: what this change is held against.
        self.stored = stored_answers(self.instance) if self.instance.pk else None
        self.judgement: eligibility.Judgement | None = None
        self.changed_answers: frozenset[str] = frozenset()
        self.kept_answers: set[str] = set()
        if self.instance.pk:
            self.initial["ondernemingsnummer"] = self.instance.ondernemingsnummer_opgemaakt

    @cached_property
    def helper(self) -> FormHelper:
        """How crispy-forms renders the form; made only for a form that is rendered."""
        helper = FormHelper()
        helper.form_tag = False
        # The page has its own {% csrf_token %}; a second one inside the form would put a
        # stale token in the page cache (portaal/pagecache.py).
        helper.disable_csrf = True
        helper.layout = form_layout()
        return helper

    def clean_ondernemingsnummer(self) -> str:
        return ondernemingsnummer.normalise(self.cleaned_data["ondernemingsnummer"])

    def clean_postcode(self) -> str:
        number = eligibility.parse_postcode(self.cleaned_data["postcode"])
        if number is None:
            raise forms.ValidationError(MSG_POSTCODE, code="invalid")
        return str(number)

    def clean_paritaire_comites(self) -> str:
        """'PC 111; 200 en 124.1' becomes '111, 200, 124.1'; anything else is refused."""
        text = self.cleaned_data.get("paritaire_comites", "")
        numbers = []
        for token in PC_SEPARATORS.split(text.strip()):
            token = PC_PREFIX.sub("", token)
            if not token:
                continue
            if not PC_NUMBER.fullmatch(token):
                raise forms.ValidationError(MSG_PARITAIRE_COMITES, code="invalid",
                                            params={"waarde": token})
            numbers.append(token)
        return ", ".join(dict.fromkeys(numbers))

    def clean(self):
        data = super().clean()
        # A browser cannot put a line break or a control character in a one-line field; a
        # crafted POST can, and it would end up in e-mail subjects and Excel cells.
        for name, field in self.fields.items():
            if not isinstance(data.get(name), str):
                continue
            if isinstance(field.widget, forms.TextInput):
                data[name] = " ".join(CONTROL_CHARACTERS.sub(" ", data[name]).split())
            elif isinstance(field.widget, forms.Textarea):
                data[name] = CONTROL_CHARACTERS_IN_TEXT.sub("", data[name])
        self.changed_answers = self._changed_answers(data)
        self._require_when("rechtsvorm", Rechtsvorm.ANDERE, "rechtsvorm_andere",
                           _("Vul in welke rechtsvorm uw organisatie heeft."))
        self._require_when("type_organisatie", TypeOrganisatie.ANDERE, "type_andere",
                           _("Vul in welk type organisatie u bent."))
        if Thema.ANDERE in (data.get("themas") or []) and not data.get("thema_andere", "").strip() \
                and self._touched("themas", "thema_andere"):
            self.add_error("thema_andere", forms.ValidationError(
                _("U koos 'ander thema': vul in welk thema."), code="required"))

        postcode = data.get("postcode")
        number = data.get("ondernemingsnummer")
        # Without a valid number there is nothing to look up: the rules judge what was typed.
        check = self._register_check(number) if number else NOT_LOADED
        self.judgement = eligibility.judge(
            path=self.path,
            check=check,
            naam=data.get("naam") or "",
            rechtsvorm=data.get("rechtsvorm"),
            postcode=int(postcode) if postcode else None,
            werking_vlaanderen=bool(data.get("werking_vlaanderen")),
            toelichting_werking=data.get("toelichting_werking", ""),
            bereid_tot_partnerschap=bool(data.get("bereid_tot_partnerschap")),
            changed_fields=self.changed_answers,
        )
        verdict = self.judgement.verdict
        data.update(kbo_controle=verdict.controle, kbo_bevindingen=verdict.bevindingen,
                    kbo_snapshot_datum=verdict.snapshot_datum)
        data[eligibility.JUDGEMENT_FLAGS_KEY] = self.judgement.flags
        for refusal in self.judgement.refusals:
            if refusal.field not in self.errors:
                self.add_error(refusal.field,
                               forms.ValidationError(refusal.message, code=refusal.code))

        if number and self.ronde is not None \
                and eligibility.outcome("dubbel", self.path) is Outcome.REFUSE \
                and self._number_taken(number):
            self.add_error("ondernemingsnummer", forms.ValidationError(
                duplicate_message(self.path), code="dubbel"))
        return data

    @property
    def notices(self) -> list[eligibility.Notice]:
        """The rules that kept an existing registration rather than refusing it (a flag for
        staff, a sentence for the organisation); empty before validation."""
        return self.judgement.notices if self.judgement is not None else []

    def answers(self) -> dict:
        """What the services store of a valid form: the answers, the register's verdict on
        them and the flags of the judgement."""
        return {name: self.cleaned_data[name] for name in SAVED_KEYS if name in self.cleaned_data}

    # -- an existing registration: its change against what is stored --------------------------

    def _clean_fields(self):
        super()._clean_fields()
        self.kept_answers = set()
        if not self.path.existing or self.stored is None:
            return
        # A rule judges what is new: an answer left as it is stays, even when today's field
        # rules would refuse it (a contact wiped by retention, an address of an old format).
        for name in [name for name in self._errors if name in self.stored]:
            if not self.fields[name].has_changed(self.stored[name], self[name].data):
                del self._errors[name]
                self.cleaned_data[name] = self.stored[name]
                self.kept_answers.add(name)

    def _get_validation_exclusions(self):
        # An answer kept as stored is not judged by the model's field rules either.
        return super()._get_validation_exclusions() | self.kept_answers

    def _changed_answers(self, data: dict) -> frozenset[str]:
        """The answers this submission changes (every answer for a new registration)."""
        if self.stored is None:
            return frozenset(ANSWER_FIELDS)
        return frozenset(name for name in ANSWER_FIELDS if name in self._errors
                         or not same_answer(data.get(name), self.stored.get(name)))

    def _touched(self, *names: str) -> bool:
        """A rule between answers runs when this submission changes one of them."""
        return bool(self.changed_answers & set(names))

    def _register_check(self, number: str) -> KboCheck:
        """What the enterprise register says of the number (one query, or none in an import
        that preloaded its numbers: ``register``)."""
        if self.register is not None:
            return self.register.check(number)
        return kbo_check(number)

    def _number_taken(self, number: str) -> bool:
        """Another registration of this round already has this enterprise number."""
        if self.known_numbers is not None:
            return self.known_numbers.get(number, self.instance.pk) != self.instance.pk
        duplicates = Registratie.objects.filter(ronde=self.ronde, ondernemingsnummer=number)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        return duplicates.exists()

    # -- many rows through one form (the import) ---------------------------------------------

    def rebind(self, data: dict, instance: Registratie, *, path: Path,
               stored: dict | None = None) -> "RegistratieForm":
        """Validate ``data`` for ``instance`` with this same form object (an import's rows).

        Building a form copies and configures its 35 fields; an import of 20,000 rows does
        that once and re-binds here. Every rule still runs: ``is_valid()`` cleans from scratch,
        as ``path`` asks (eligibility.TABLE), the same as a form built for that row alone.
        ``stored``: the stored answers of an existing registration (``stored_answers``).
        """
        self.data, self.files, self.is_bound = data, {}, True
        self.instance = instance
        self.path, self.stored = path, stored
        self.judgement, self.changed_answers, self.kept_answers = None, frozenset(), set()
        self._errors = None
        return self

    def _post_clean(self):
        # The model's check constraints repeat two rules this form already applies with a
        # better message (the share's maximum, no feitelijke vereniging); Django would check
        # them with a query each. The database still enforces both on save.
        self.instance.validate_constraints = _no_constraint_queries
        try:
            super()._post_clean()
        finally:
            del self.instance.validate_constraints

    def _require_when(self, field, value, dependent, message):
        if self.cleaned_data.get(field) == value and not self.cleaned_data.get(dependent,
                                                                              "").strip() \
                and self._touched(field, dependent):
            self.add_error(dependent, forms.ValidationError(message, code="required"))

    def validate_unique(self):
        # The (ronde, ondernemingsnummer) pair is checked in clean() with a message that helps;
        # the database constraint still guards races (see services.registratie_submit).
        pass

    @property
    def is_duplicate(self) -> bool:
        """The enterprise number is already registered in this round (the summary links to 'Link kwijt?')."""
        return self.has_error("ondernemingsnummer", "dubbel")

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, label, message) for every error, in form order, for the summary at the top."""
        rows = []
        for message in self.non_field_errors():
            rows.append(("", "", message))
        for field in self:
            for message in field.errors:
                widget = field.field.widget
                multiple = isinstance(widget, forms.CheckboxSelectMultiple)
                anchor = f"{field.auto_id}_0" if multiple else field.auto_id
                rows.append((anchor, field.label, message))
        return rows


class PubliekRegistratieForm(RegistratieForm):
    """The form as the public sends it: with a honeypot and the ALTCHA proof of work.

    Imports, staff edits and the edit link (which already proves who it is) use
    RegistratieForm without them.
    """

    path = Path.FORM

    # Hidden from people and screen readers (formulier.html); bots fill in whatever is there.
    faxnummer = forms.CharField(label=_("Faxnummer (laat dit veld leeg)"), required=False,
                                max_length=100)
    # Filled in by the ALTCHA widget (static/vendor/altcha); absent without JavaScript.
    altcha = forms.CharField(required=False, widget=forms.HiddenInput)

    def _number_taken(self, number: str) -> bool:
        # A public form without other errors is saved at once: the database's unique
        # constraint then decides, and the view shows the same message (one query less on
        # every submission). With other errors it is checked now, so that the visitor sees
        # every problem at once.
        return bool(self.errors) and super()._number_taken(number)

    def clean(self):
        data = super().clean()
        if data.get("faxnummer"):
            # Refused in the open rather than a fake success: a real person whose browser
            # filled the trap learns it, and nothing is saved or mailed for a bot.
            raise forms.ValidationError(MSG_HONEYPOT, code="honeypot",
                                        params={"contact": settings.CONTACT_EMAIL})
        if self.errors:
            # The proof of work is spent only on a form that will be saved.
            return data
        outcome = check_solution(data.get("altcha"))
        if outcome is Uitkomst.ONGELDIG:
            raise forms.ValidationError(MSG_ALTCHA_INVALID, code="spamcontrole")
        if outcome is Uitkomst.HERGEBRUIKT:
            number = data.get("ondernemingsnummer")
            if number and self.ronde is not None and super()._number_taken(number):
                # Sent again from the same page: that the number registered is what matters
                # (the view shows the confirmation for the very same answers).
                self.add_error("ondernemingsnummer", forms.ValidationError(
                    duplicate_message(self.path), code="dubbel"))
                return data
            raise forms.ValidationError(MSG_ALTCHA_REUSED, code="spamcontrole_hergebruikt")
        # Saved, but staff see that nobody did the work (services.registratie_submit).
        data["vlaggen"] = [Vlag.ZONDER_SPAMCONTROLE.value] if outcome is Uitkomst.ONTBREEKT else []
        return data


# What a valid form hands the services to store (RegistratieForm.answers).
SAVED_KEYS = (*ANSWER_FIELDS, *REGISTER_FIELDS, eligibility.JUDGEMENT_FLAGS_KEY)


def stored_answers(registratie: Registratie) -> dict:
    """A registration's answers as stored, to hold a change against."""
    return {name: getattr(registratie, name) for name in ANSWER_FIELDS}


def same_answer(new, old) -> bool:
    """Whether a cleaned answer is the stored one (lists in any order, None and "" alike)."""
    if isinstance(new, (list, tuple)) or isinstance(old, (list, tuple)):
        return sorted(new or ()) == sorted(old or ())
    return (new if new is not None else "") == (old if old is not None else "")


def _no_constraint_queries(exclude=None) -> None:
    """Stands in for Model.validate_constraints (see RegistratieForm._post_clean)."""


class LinkKwijtForm(TextAnswersMixin, forms.Form):
    ondernemingsnummer = forms.CharField(
        label=_("Ondernemingsnummer"), max_length=30,
        error_messages={"required": _("Vul het ondernemingsnummer van uw organisatie in.")},
    )
    contact_email = forms.EmailField(
        label=_("E-mailadres van de contactpersoon"),
        help_text=_("Het adres dat u in uw registratie opgaf."),
        error_messages={"required": _("Vul het e-mailadres van de contactpersoon in."),
                        "invalid": MSG_EMAIL},
    )

    def clean_ondernemingsnummer(self) -> str:
        return ondernemingsnummer.normalise(self.cleaned_data["ondernemingsnummer"])
