"""The public interest form and the 'link kwijt' form."""
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from stdnum.be import vat
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError

from . import eligibility
from .constants import Rechtsvorm, Thema, TypeOrganisatie
from .models import Registratie

LONG_TEXT_MAX = 4000

MSG_ONDERNEMINGSNUMMER_VORM = _(
    "Geef een Belgisch ondernemingsnummer van tien cijfers, bijvoorbeeld 0417.497.106 of "
    "BE0417497106."
)
MSG_ONDERNEMINGSNUMMER_CONTROLE = _(
    "Dit ondernemingsnummer bestaat niet: het controlegetal klopt niet. Kijk het na in de "
    "Kruispuntbank van Ondernemingen (KBO)."
)
MSG_PARITAIRE_COMITES = _(
    "'%(waarde)s' is geen nummer van een paritair comité. Geef de nummers gescheiden door "
    "komma's, bv. 111, 200, 124.1."
)
PC_SEPARATORS = re.compile(r"[,;/\s]+|\ben\b", re.IGNORECASE)
PC_PREFIX = re.compile(r"^(p\.?s?\.?c\.?)", re.IGNORECASE)
PC_NUMBER = re.compile(r"[0-9]{3}(\.[0-9]{1,2}){0,2}")
MSG_POSTCODE = _("Geef een Belgische postcode van vier cijfers (1000–9999).")
MSG_DUBBEL = _(
    "Uw organisatie heeft zich voor deze ronde al geregistreerd met dit ondernemingsnummer. "
    "Gebruik de wijzigingslink uit uw bevestigingsmail om uw antwoorden aan te passen, of "
    "vraag een nieuwe link aan via 'Link kwijt?'."
)


def normalise_ondernemingsnummer(value: str) -> str:
    """The enterprise number as 10 digits, from any usual form; ValidationError if invalid."""
    try:
        return vat.validate(value or "")
    except InvalidChecksum as exc:
        raise forms.ValidationError(MSG_ONDERNEMINGSNUMMER_CONTROLE, code="checksum") from exc
    except StdnumError as exc:
        raise forms.ValidationError(MSG_ONDERNEMINGSNUMMER_VORM, code="invalid") from exc


def _required(message):
    return {"required": message}


class RegistratieForm(forms.ModelForm):
    """All answers of one registration; also validates imported rows (same rules)."""

    ondernemingsnummer = forms.CharField(
        label=_("Ondernemingsnummer"), max_length=30,
        help_text=_("Het nummer in de Kruispuntbank van Ondernemingen, bv. 0417.497.106."),
        error_messages=_required(_("Vul het ondernemingsnummer van uw organisatie in.")),
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=10,
        error_messages=_required(_("Vul de postcode van uw zetel in.")),
        # The page's script shows the Brussels question for these postcodes; the rule itself
        # stays in eligibility.py.
        widget=forms.TextInput(attrs={
            "inputmode": "numeric", "autocomplete": "postal-code",
            "data-brussel-van": eligibility.BRUSSELS_POSTCODES[0],
            "data-brussel-tot": eligibility.BRUSSELS_POSTCODES[1]}),
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=300,
                             assume_scheme="https",
                             error_messages={"invalid": _("Geef een geldig webadres, bv. "
                                                          "https://www.voorbeeld.be.")})
    aantal_ondernemingen = forms.IntegerField(
        label=_("Aantal ondernemingen dat uw organisatie bereikt"), required=False,
        min_value=0, max_value=10_000_000,
        error_messages={"invalid": _("Geef een geheel getal, bv. 250."),
                        "min_value": _("Het aantal kan niet negatief zijn.")},
    )
    aandeel_kleine_ondernemingen = forms.IntegerField(
        label=_("Aandeel kleine ondernemingen (tot en met 50 werknemers), in %"),
        required=False, min_value=0, max_value=100,
        help_text=_("Een schatting volstaat. De prioritaire doelgroep zijn ondernemingen tot "
                    "en met 50 werknemers."),
        error_messages={"invalid": _("Geef een percentage tussen 0 en 100."),
                        "min_value": _("Geef een percentage tussen 0 en 100."),
                        "max_value": _("Geef een percentage tussen 0 en 100.")},
    )
    privacy_akkoord = forms.BooleanField(
        label=_("Ik heb de privacyverklaring gelezen en ga akkoord met de verwerking van deze "
                "gegevens voor de verkenningsronde."),
        error_messages=_required(_("Ga akkoord met de privacyverklaring om te kunnen "
                                   "registreren.")),
    )

    class Meta:
        model = Registratie
        fields = [
            "bereid_tot_partnerschap",
            "naam", "ondernemingsnummer", "rechtsvorm", "rechtsvorm_andere",
            "type_organisatie", "type_andere", "website",
            "straat", "postcode", "gemeente", "werking_vlaanderen", "toelichting_werking",
            "contact_naam", "contact_functie", "contact_email", "contact_telefoon",
            "themas", "thema_andere", "vaardigheden", "rollen", "sectoren",
            "paritaire_comites", "aantal_ondernemingen", "aandeel_kleine_ondernemingen",
            "competentie_uitdagingen", "keten", "gewenste_partners", "opmerkingen",
            "toestemming_delen", "privacy_akkoord",
        ]
        labels = {
            "naam": _("Naam van de organisatie"),
            "rechtsvorm": _("Rechtsvorm"),
            "rechtsvorm_andere": _("Welke rechtsvorm?"),
            "type_organisatie": _("Type organisatie"),
            "type_andere": _("Welk type organisatie?"),
            "straat": _("Straat en nummer"),
            "gemeente": _("Gemeente"),
            "werking_vlaanderen": _("Onze organisatie werkt in het Vlaams Gewest of richt zich "
                                    "op de Vlaamse arbeidsmarkt."),
            "toelichting_werking": _("Toelichting bij uw werking in Vlaanderen"),
            "bereid_tot_partnerschap": _("Onze organisatie is bereid om in partnerschap samen "
                                         "te werken om competentiechecks uit te voeren bij "
                                         "Vlaamse ondernemingen en hun werknemers."),
            "contact_naam": _("Naam"),
            "contact_functie": _("Functie"),
            "contact_email": _("E-mailadres"),
            "contact_telefoon": _("Telefoon"),
            "themas": _("Rond welke thema's wil uw organisatie competentiechecks opzetten?"),
            "thema_andere": _("Welk ander thema?"),
            "vaardigheden": _("Op welke generieke vaardigheden wil u inzetten?"),
            "rollen": _("Welke acties binnen een partnerschap wil uw organisatie opnemen?"),
            "sectoren": _("Voor welke sectoren werkt uw organisatie?"),
            "paritaire_comites": _("Paritaire comités"),
            "competentie_uitdagingen": _("Welke competentie-uitdagingen ziet u bij de "
                                         "ondernemingen en werknemers die u bereikt?"),
            "keten": _("Tot welke keten (waardeketen) behoort uw organisatie?"),
            "gewenste_partners": _("Met welke organisaties zou u graag samenwerken?"),
            "opmerkingen": _("Opmerkingen of vragen"),
            "toestemming_delen": _("ESF&DO mag onze contactgegevens delen met mogelijke "
                                   "partners in deze verkenningsronde."),
        }
        help_texts = {
            "naam": _("De officiële naam van de rechtspersoon."),
            "rechtsvorm": _("Voorwaarde 1: uw organisatie heeft rechtspersoonlijkheid. Een "
                            "feitelijke vereniging kan niet deelnemen; registreer dan via de "
                            "rechtspersoon die haar vertegenwoordigt."),
            "werking_vlaanderen": _("Voorwaarde 2: zetel en werking in het Vlaams Gewest, of "
                                    "zetel in Brussel met een werking die voor een belangrijk "
                                    "deel op de Vlaamse arbeidsmarkt gericht is."),
            "toelichting_werking": _("Alleen nodig als uw zetel in het Brussels Hoofdstedelijk "
                                     "Gewest ligt (postcode %(van)d–%(tot)d): beschrijf welk deel "
                                     "van uw activiteiten op de Vlaamse arbeidsmarkt gericht "
                                     "is."),
            "bereid_tot_partnerschap": _("Voorwaarde 3. ESF&DO brengt organisaties samen in "
                                         "partnerschappen; het partnerschap kan nog wijzigen."),
            "postcode": _("Vier cijfers, bv. 1000 of 9000."),
            "contact_email": _("Hierheen sturen we de bevestiging en uw persoonlijke "
                               "wijzigingslink."),
            "themas": _("Kies minstens één thema. De invulling ligt nog open."),
            "rollen": _("Kies minstens één van de vier acties uit de oproep."),
            "sectoren": _("Bv. bouw, voeding, social profit."),
            "paritaire_comites": _("Optioneel, gescheiden door komma's, bv. 111, 200, 124.1."),
            "competentie_uitdagingen": _("Beknopt: welke competenties ontbreken of veranderen? "
                                         "We bundelen organisaties met gelijkaardige "
                                         "uitdagingen."),
            "keten": _("Optioneel: bv. 'van landbouwer tot supermarkt'. We bundelen ook "
                       "organisaties uit eenzelfde keten."),
        }
        error_messages = {
            "naam": _required(_("Vul de naam van uw organisatie in.")),
            "rechtsvorm": _required(_("Kies de rechtsvorm van uw organisatie.")),
            "type_organisatie": _required(_("Kies het type van uw organisatie.")),
            "straat": _required(_("Vul de straat en het nummer van uw zetel in.")),
            "gemeente": _required(_("Vul de gemeente van uw zetel in.")),
            "contact_naam": _required(_("Vul de naam van de contactpersoon in.")),
            "contact_email": {
                "required": _("Vul het e-mailadres van de contactpersoon in."),
                "invalid": _("Geef een geldig e-mailadres, bv. naam@organisatie.be."),
            },
            "themas": _required(_("Kies minstens één thema.")),
            "rollen": _required(_("Kies minstens één actie die uw organisatie wil opnemen.")),
            "sectoren": _required(_("Vul in voor welke sectoren uw organisatie werkt.")),
            "competentie_uitdagingen": _required(
                _("Beschrijf kort de competentie-uitdagingen die u ziet.")),
        }
        widgets = {
            "toelichting_werking": forms.Textarea(attrs={"rows": 3}),
            "competentie_uitdagingen": forms.Textarea(attrs={"rows": 5}),
            "keten": forms.Textarea(attrs={"rows": 2}),
            "gewenste_partners": forms.Textarea(attrs={"rows": 2}),
            "opmerkingen": forms.Textarea(attrs={"rows": 2}),
            "rechtsvorm": forms.Select,
            "type_organisatie": forms.Select,
        }

    def __init__(self, *args, ronde=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.ronde = ronde if ronde is not None else getattr(self.instance, "ronde", None)
        for name in ("toelichting_werking", "competentie_uitdagingen", "keten",
                     "gewenste_partners", "opmerkingen"):
            self.fields[name].max_length = LONG_TEXT_MAX
            self.fields[name].widget.attrs["maxlength"] = LONG_TEXT_MAX
            self.fields[name].validators.append(MaxLengthValidator(LONG_TEXT_MAX))
        # The model allows empty lists (staff, imports); the public form asks for at least one.
        self.fields["themas"].required = True
        self.fields["rollen"].required = True
        self.fields["rechtsvorm"].choices = [("", _("— kies —"))] + Rechtsvorm.choices
        self.fields["type_organisatie"].choices = [("", _("— kies —"))] + TypeOrganisatie.choices
        if self.instance.pk:
            self.initial["ondernemingsnummer"] = self.instance.ondernemingsnummer_opgemaakt
        autocomplete = {"naam": "organization", "straat": "street-address",
                        "gemeente": "address-level2", "contact_naam": "name",
                        "contact_email": "email", "contact_telefoon": "tel",
                        "contact_functie": "organization-title", "website": "url"}
        for name, value in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        van, tot = eligibility.BRUSSELS_POSTCODES
        help_text = self.fields["toelichting_werking"].help_text
        self.fields["toelichting_werking"].help_text = help_text % {"van": van, "tot": tot}
        self.helper = self._build_helper()

    @staticmethod
    def _build_helper() -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.layout = Layout(
            Fieldset(
                _("Voorwaarden"),
                HTML('<p class="text-body-secondary">{% load i18n %}{% blocktranslate %}'
                     "Uw organisatie kan deelnemen als ze rechtspersoonlijkheid heeft, haar "
                     "zetel en werking in Vlaanderen heeft (of in Brussel met een werking die "
                     "op de Vlaamse arbeidsmarkt gericht is) en bereid is in partnerschap "
                     "samen te werken.{% endblocktranslate %}</p>"),
                "bereid_tot_partnerschap",
            ),
            Fieldset(
                _("Uw organisatie"),
                "naam", "ondernemingsnummer", "rechtsvorm",
                Div("rechtsvorm_andere", css_id="blok_rechtsvorm_andere"),
                "type_organisatie",
                Div("type_andere", css_id="blok_type_andere"),
                "website",
            ),
            Fieldset(
                _("Zetel en werking"),
                "straat", "postcode", "gemeente", "werking_vlaanderen",
                Div("toelichting_werking", css_id="blok_toelichting_werking"),
            ),
            Fieldset(
                _("Contactpersoon"),
                "contact_naam", "contact_functie", "contact_email", "contact_telefoon",
            ),
            Fieldset(
                _("Interesse en expertise"),
                "themas",
                Div("thema_andere", css_id="blok_thema_andere"),
                "vaardigheden", "rollen", "sectoren", "paritaire_comites",
                "aantal_ondernemingen", "aandeel_kleine_ondernemingen",
                "competentie_uitdagingen", "keten", "gewenste_partners", "opmerkingen",
            ),
            Fieldset(
                _("Privacy"),
                "toestemming_delen", "privacy_akkoord",
            ),
        )
        return helper

    def clean_ondernemingsnummer(self) -> str:
        return normalise_ondernemingsnummer(self.cleaned_data["ondernemingsnummer"])

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
        # A browser cannot put a line break in a one-line field; a crafted POST can, and it
        # would end up in e-mail subjects and Excel cells.
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.TextInput) and isinstance(data.get(name), str):
                data[name] = " ".join(data[name].split())
        self._require_when("rechtsvorm", Rechtsvorm.ANDERE, "rechtsvorm_andere",
                           _("Vul in welke rechtsvorm uw organisatie heeft."))
        self._require_when("type_organisatie", TypeOrganisatie.ANDERE, "type_andere",
                           _("Vul in welk type organisatie u bent."))
        if Thema.ANDERE in (data.get("themas") or []) and not data.get("thema_andere", "").strip():
            self.add_error("thema_andere", forms.ValidationError(
                _("U koos 'ander thema': vul in welk thema."), code="required"))

        postcode = data.get("postcode")
        refusals = eligibility.check_eligibility(
            rechtsvorm=data.get("rechtsvorm"),
            postcode=int(postcode) if postcode else None,
            werking_vlaanderen=bool(data.get("werking_vlaanderen")),
            toelichting_werking=data.get("toelichting_werking", ""),
            bereid_tot_partnerschap=bool(data.get("bereid_tot_partnerschap")),
        )
        for refusal in refusals:
            if refusal.field not in self.errors:
                self.add_error(refusal.field,
                               forms.ValidationError(refusal.message, code=refusal.code))

        number = data.get("ondernemingsnummer")
        if number and self.ronde is not None:
            duplicates = Registratie.objects.filter(ronde=self.ronde, ondernemingsnummer=number)
            if self.instance.pk:
                duplicates = duplicates.exclude(pk=self.instance.pk)
            if duplicates.exists():
                self.add_error("ondernemingsnummer",
                               forms.ValidationError(MSG_DUBBEL, code="dubbel"))
        return data

    def _require_when(self, field, value, dependent, message):
        if self.cleaned_data.get(field) == value and not self.cleaned_data.get(dependent,
                                                                              "").strip():
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


class LinkKwijtForm(forms.Form):
    ondernemingsnummer = forms.CharField(
        label=_("Ondernemingsnummer"), max_length=30,
        error_messages=_required(_("Vul het ondernemingsnummer van uw organisatie in.")),
    )
    contact_email = forms.EmailField(
        label=_("E-mailadres van de contactpersoon"),
        help_text=_("Het adres dat u in uw registratie opgaf."),
        error_messages={"required": _("Vul het e-mailadres van de contactpersoon in."),
                        "invalid": _("Geef een geldig e-mailadres, bv. naam@organisatie.be.")},
    )

    def clean_ondernemingsnummer(self) -> str:
        return normalise_ondernemingsnummer(self.cleaned_data["ondernemingsnummer"])
