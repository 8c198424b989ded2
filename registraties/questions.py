"""The interest form's sections and questions, declared once.

The form (fields, labels, help, layout), the answer summary on pages and in mails, the
admin's fieldsets, the answers the services write and the Excel columns are all derived
from ``SECTIONS``. Adding a question means adding a model field and a ``Question`` here.
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Question:
    """One answer of a registration, as the form asks it and the exports show it.

    ``label`` and ``help_text`` are the form's wording (the model's ``verbose_name`` is the
    short name used in summaries); ``required_message`` says what to do when it is left
    empty. A ``follow_up`` question only matters after a particular earlier answer: the
    form shows it in a block the page's script can hide, the summary leaves it out when
    empty. A ``derived`` value is no question: the portal computes it from the answers
    and shows it beside them. ``column``/``width`` name the Excel column when the model's
    ``verbose_name`` is not what the sheet has always said.
    """

    name: str
    label: str = ""
    help_text: str = ""
    required_message: str = ""
    follow_up: bool = False
    derived: bool = False
    required: bool | None = None  # None: as the model says
    autocomplete: str = ""
    rows: int = 0  # height of a long-text answer's box
    column: str = ""
    width: int = 0


@dataclass(frozen=True)
class Section:
    title: str
    questions: tuple[Question, ...]
    intro: str = ""


SECTIONS: tuple[Section, ...] = (
    Section(
        _("Voorwaarden"),
        intro=_("Uw organisatie kan deelnemen als ze rechtspersoonlijkheid heeft, haar zetel en "
                "werking in Vlaanderen heeft (of in Brussel met een werking die op de Vlaamse "
                "arbeidsmarkt gericht is) en bereid is in partnerschap samen te werken."),
        questions=(
            Question(
                "bereid_tot_partnerschap",
                label=_("Onze organisatie is bereid om in partnerschap samen te werken om "
                        "competentiechecks uit te voeren bij Vlaamse ondernemingen en hun "
                        "werknemers."),
                help_text=_("Voorwaarde 3. ESF&DO brengt organisaties samen in partnerschappen; "
                            "het partnerschap kan nog wijzigen.")),
        ),
    ),
    Section(_("Uw organisatie"), (
        Question("naam", label=_("Naam van de organisatie"),
                 help_text=_("De officiële naam van de rechtspersoon."),
                 required_message=_("Vul de naam van uw organisatie in."),
                 autocomplete="organization", column=_("Naam organisatie"), width=32),
        Question("ondernemingsnummer", label=_("Ondernemingsnummer"),
                 help_text=_("Het nummer in de Kruispuntbank van Ondernemingen, bv. "
                             "0417.497.106."),
                 required_message=_("Vul het ondernemingsnummer van uw organisatie in."),
                 width=16),
        Question("rechtsvorm", label=_("Rechtsvorm"),
                 help_text=_("Voorwaarde 1: uw organisatie heeft rechtspersoonlijkheid. Een "
                             "feitelijke vereniging kan niet deelnemen; registreer dan via de "
                             "rechtspersoon die haar vertegenwoordigt."),
                 required_message=_("Kies de rechtsvorm van uw organisatie.")),
        Question("rechtsvorm_andere", label=_("Welke rechtsvorm?"), follow_up=True),
        Question("type_organisatie", label=_("Type organisatie"),
                 required_message=_("Kies het type van uw organisatie.")),
        Question("type_andere", label=_("Welk type organisatie?"), follow_up=True),
        Question("website", label=_("Website"), autocomplete="url", width=30),
    )),
    Section(_("Zetel en werking"), (
        Question("straat", label=_("Straat en nummer"),
                 required_message=_("Vul de straat en het nummer van uw zetel in."),
                 autocomplete="street-address"),
        Question("postcode", label=_("Postcode"), help_text=_("Vier cijfers, bv. 1000 of 9000."),
                 required_message=_("Vul de postcode van uw zetel in."),
                 autocomplete="postal-code", width=9),
        Question("gemeente", label=_("Gemeente"),
                 required_message=_("Vul de gemeente van uw zetel in."),
                 autocomplete="address-level2", width=18),
        Question("gewest", derived=True),
        Question("provincie", derived=True, width=16),
        Question("werking_vlaanderen",
                 label=_("Onze organisatie werkt in het Vlaams Gewest of richt zich op de "
                         "Vlaamse arbeidsmarkt."),
                 help_text=_("Voorwaarde 2: zetel en werking in het Vlaams Gewest, of zetel in "
                             "Brussel met een werking die voor een belangrijk deel op de Vlaamse "
                             "arbeidsmarkt gericht is.")),
        Question("toelichting_werking", label=_("Toelichting bij uw werking in Vlaanderen"),
                 # %(van)d–%(tot)d: the Brussels postcodes, filled in from eligibility.py.
                 help_text=_("Alleen nodig als uw zetel in het Brussels Hoofdstedelijk Gewest "
                             "ligt (postcode %(van)d–%(tot)d): beschrijf welk deel van uw "
                             "activiteiten op de Vlaamse arbeidsmarkt gericht is."),
                 follow_up=True, rows=3),
    )),
    Section(_("Contactpersoon"), (
        Question("contact_naam", label=_("Naam"),
                 required_message=_("Vul de naam van de contactpersoon in."), autocomplete="name"),
        Question("contact_functie", label=_("Functie"), autocomplete="organization-title",
                 column=_("Functie contactpersoon")),
        Question("contact_email", label=_("E-mailadres"),
                 help_text=_("Hierheen sturen we de bevestiging en uw persoonlijke "
                             "wijzigingslink."),
                 required_message=_("Vul het e-mailadres van de contactpersoon in."),
                 autocomplete="email", column=_("E-mailadres contactpersoon"), width=32),
        Question("contact_telefoon", label=_("Telefoon"), autocomplete="tel",
                 column=_("Telefoon contactpersoon"), width=16),
    )),
    Section(_("Interesse en expertise"), (
        Question("themas",
                 label=_("Rond welke thema's wil uw organisatie competentiechecks opzetten?"),
                 help_text=_("Kies minstens één thema. De invulling ligt nog open."),
                 required_message=_("Kies minstens één thema."), required=True, width=50),
        Question("thema_andere", label=_("Welk ander thema?"), follow_up=True),
        Question("vaardigheden", label=_("Op welke generieke vaardigheden wil u inzetten?")),
        Question("rollen",
                 label=_("Welke acties binnen een partnerschap wil uw organisatie opnemen?"),
                 help_text=_("Kies minstens één van de vier acties uit de oproep."),
                 required_message=_("Kies minstens één actie die uw organisatie wil opnemen."),
                 required=True, width=50),
        Question("sectoren", label=_("Voor welke sectoren werkt uw organisatie?"),
                 help_text=_("Bv. bouw, voeding, social profit."),
                 required_message=_("Vul in voor welke sectoren uw organisatie werkt."),
                 width=30),
        Question("paritaire_comites", label=_("Paritaire comités"),
                 help_text=_("Optioneel, gescheiden door komma's, bv. 111, 200, 124.1."),
                 width=16),
        Question("aantal_ondernemingen", label=_("Aantal ondernemingen dat uw organisatie bereikt")),
        Question("aandeel_kleine_ondernemingen",
                 label=_("Aandeel kleine ondernemingen (tot en met 50 werknemers), in %"),
                 help_text=_("Een schatting volstaat. De prioritaire doelgroep zijn ondernemingen "
                             "tot en met 50 werknemers.")),
        Question("competentie_uitdagingen",
                 label=_("Welke competentie-uitdagingen ziet u bij de ondernemingen en "
                         "werknemers die u bereikt?"),
                 help_text=_("Beknopt: welke competenties ontbreken of veranderen? We bundelen "
                             "organisaties met gelijkaardige uitdagingen."),
                 required_message=_("Beschrijf kort de competentie-uitdagingen die u ziet."),
                 rows=5, width=60),
        Question("keten", label=_("Tot welke keten (waardeketen) behoort uw organisatie?"),
                 help_text=_("Optioneel: bv. 'van landbouwer tot supermarkt'. We bundelen ook "
                             "organisaties uit eenzelfde keten."),
                 rows=2),
        Question("gewenste_partners", label=_("Met welke organisaties zou u graag samenwerken?"),
                 rows=2),
        Question("opmerkingen", label=_("Opmerkingen of vragen"), rows=2),
    )),
    Section(_("Privacy"), (
        Question("toestemming_delen",
                 label=_("ESF&DO mag onze contactgegevens delen met mogelijke partners in deze "
                         "verkenningsronde.")),
        Question("privacy_akkoord",
                 label=_("Ik heb de privacyverklaring gelezen en ga akkoord met de verwerking "
                         "van deze gegevens voor de verkenningsronde."),
                 required_message=_("Ga akkoord met de privacyverklaring om te kunnen "
                                    "registreren.")),
    )),
)

QUESTIONS: tuple[Question, ...] = tuple(q for section in SECTIONS for q in section.questions)
BY_NAME: dict[str, Question] = {q.name: q for q in QUESTIONS}

# What a visitor answers, in the form's order; everything else is derived or staff's.
ANSWER_FIELDS: tuple[str, ...] = tuple(q.name for q in QUESTIONS if not q.derived)
FOLLOW_UP_FIELDS: frozenset[str] = frozenset(q.name for q in QUESTIONS if q.follow_up)
