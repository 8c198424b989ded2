"""Reads on registrations shaped for people: the answers as labelled sections."""
from django.utils.text import capfirst

from portaal.history import field_display
from verkenning.models import Ronde

from .models import Registratie
from .questions import SECTIONS


def display_value(registratie: Registratie, name: str) -> str:
    if name == "ondernemingsnummer":
        return registratie.ondernemingsnummer_opgemaakt
    return field_display(Registratie, name, getattr(registratie, name), limit=None)


def registratie_answer_sections(registratie: Registratie) -> list[tuple[str, list[tuple]]]:
    """[(section title, [(label, value), …]), …] in the form's order.

    Labels are the model's short names; follow-up questions that stayed empty are left out.
    """
    sections = []
    for section in SECTIONS:
        rows = [(str(capfirst(Registratie._meta.get_field(q.name).verbose_name)),
                 display_value(registratie, q.name))
                for q in section.questions
                if not (q.follow_up and not getattr(registratie, q.name))]
        sections.append((str(section.title), rows))
    return sections


def number_registered_now(number: str | None) -> dict:
    """Whether an enterprise number already registered in the current round: what the KBO
    lookup adds to its answer (portaal/extensions.py: KBO_LOOKUP_ANSWERS). Yes or no, never who."""
    ronde = Ronde.objects.current() if number else None
    registered = ronde is not None and Registratie.objects.filter(
        ronde=ronde, ondernemingsnummer=number).exists()
    return {"geregistreerd": registered}
