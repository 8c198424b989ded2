"""Reads on registrations shaped for people: the answers as labelled sections."""
from django.utils.translation import gettext_lazy as _

from portaal.history import field_display

from .models import Registratie

# Sections of the form and their fields, in the order the visitor saw them.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (_("Uw organisatie"), ("naam", "ondernemingsnummer", "rechtsvorm", "rechtsvorm_andere",
                           "type_organisatie", "type_andere", "website")),
    (_("Zetel en werking"), ("straat", "postcode", "gemeente", "gewest", "provincie",
                             "werking_vlaanderen", "toelichting_werking",
                             "bereid_tot_partnerschap")),
    (_("Contactpersoon"), ("contact_naam", "contact_functie", "contact_email",
                           "contact_telefoon")),
    (_("Interesse en expertise"), ("themas", "thema_andere", "vaardigheden", "rollen",
                                   "sectoren", "paritaire_comites", "aantal_ondernemingen",
                                   "aandeel_kleine_ondernemingen", "competentie_uitdagingen",
                                   "keten", "gewenste_partners", "opmerkingen")),
    (_("Privacy"), ("toestemming_delen", "privacy_akkoord")),
)

_CONDITIONAL = {"rechtsvorm_andere", "type_andere", "toelichting_werking", "thema_andere"}


def display_value(registratie: Registratie, name: str) -> str:
    if name == "ondernemingsnummer":
        return registratie.ondernemingsnummer_opgemaakt
    return field_display(Registratie, name, getattr(registratie, name), limit=None)


def registratie_answer_sections(registratie: Registratie) -> list[tuple[str, list[tuple]]]:
    """[(section title, [(label, value), …]), …], leaving out empty follow-up questions."""
    sections = []
    for title, names in SECTIONS:
        rows = []
        for name in names:
            if name in _CONDITIONAL and not getattr(registratie, name):
                continue
            label = registratie._meta.get_field(name).verbose_name
            rows.append((str(label).capitalize(), display_value(registratie, name)))
        sections.append((str(title), rows))
    return sections
