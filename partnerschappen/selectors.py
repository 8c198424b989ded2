"""Reads about partnerships and their conversations, shaped for the pages that show them."""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portaal.history import field_display, user_display
from registraties.models import Registratie
from verkenning.models import Ronde

from .afspraken import registratie_agreements
from .constants import Antwoord, Deelname, GesprekStatus, PartnerschapStatus
from .gesprekken import REMINDER_INTERVAL
from .models import Gesprek, Lidmaatschap, Partnerschap, Uitnodiging

OPEN_ANSWER = "open"  # not answered yet (the chart's and the filter's name for it)
OPEN_ANSWER_LABEL = _("nog niet geantwoord")
CREATED, CHANGED, DELETED = _("aangemaakt"), _("gewijzigd"), _("verwijderd")


@dataclass
class MemberRow:
    lidmaatschap: Lidmaatschap
    uitnodiging: Uitnodiging | None
    can_remind: bool = False


@dataclass
class ConversationView:
    gesprek: Gesprek
    is_open: bool
    rows: list[MemberRow]
    answers: Counter = field(default_factory=Counter)

    @property
    def not_invited(self) -> list[MemberRow]:
        return [row for row in self.rows if row.uitnodiging is None
                and row.lidmaatschap.deelname != Deelname.AFGEHAAKT]

    @property
    def invited_count(self) -> int:
        return sum(1 for row in self.rows if row.uitnodiging is not None)

    @property
    def answer_summary(self) -> str:
        """'2 komt, 1 komt niet, 1 nog niet geantwoord': the answers in the order of the buttons."""
        return ", ".join(f"{self.answers[code]} {label}" for code, label in ANSWER_CHOICES
                         if self.answers[code])

    @property
    def unanswered(self) -> list[MemberRow]:
        return [row for row in self.rows if row.can_remind]


def partnerschap_conversations(*, partnerschap: Partnerschap,
                               now: datetime | None = None) -> list[ConversationView]:
    """Every conversation of the partnership with one row per member, in three queries."""
    now = now or timezone.now()
    leden = list(partnerschap.lidmaatschappen.select_related("registratie")
                 .order_by("-rol", "registratie__naam", "pk"))
    gesprekken = list(partnerschap.gesprekken.order_by("-begint_op", "-pk"))
    by_gesprek: dict[int, dict[int, Uitnodiging]] = defaultdict(dict)
    for uitnodiging in Uitnodiging.objects.filter(gesprek__in=gesprekken, ingetrokken=False):
        by_gesprek[uitnodiging.gesprek_id][uitnodiging.registratie_id] = uitnodiging
    result = []
    for gesprek in gesprekken:
        is_open = gesprek.is_upcoming(now)
        invitations = by_gesprek[gesprek.pk]
        rows, answers = [], Counter()
        for lid in leden:
            uitnodiging = invitations.get(lid.registratie_id)
            if uitnodiging is None and lid.deelname == Deelname.AFGEHAAKT:
                continue
            row = MemberRow(lidmaatschap=lid, uitnodiging=uitnodiging)
            if uitnodiging is not None:
                answers[uitnodiging.antwoord or OPEN_ANSWER] += 1
                row.can_remind = is_open and not uitnodiging.antwoord and (
                    uitnodiging.laatste_herinnering_op is None
                    or uitnodiging.laatste_herinnering_op <= now - REMINDER_INTERVAL)
            rows.append(row)
        result.append(ConversationView(gesprek=gesprek, is_open=is_open, rows=rows,
                                       answers=answers))
    return result


def next_planned_conversation(*, partnerschap: Partnerschap) -> Gesprek | None:
    return partnerschap.gesprekken.upcoming().order_by("begint_op", "pk").first()


def visible_members(*, gesprek: Gesprek, recipient: Registratie) -> list[dict]:
    """The other active members as the recipient may see them: contact only with consent."""
    leden = (Lidmaatschap.objects.filter(partnerschap_id=gesprek.partnerschap_id)
             .exclude(deelname=Deelname.AFGEHAAKT).exclude(registratie_id=recipient.pk)
             .select_related("registratie").order_by("-rol", "registratie__naam", "pk"))
    return [{"naam": lid.registratie.naam, "contact": lid.registratie.contact_for_partners()}
            for lid in leden]


def registratie_invitations(*, registratie: Registratie) -> list[Uitnodiging]:
    """The conversations an organisation is invited to, newest first (its edit-link page)."""
    return list(Uitnodiging.objects.filter(registratie=registratie, ingetrokken=False)
                .select_related("gesprek__partnerschap")
                .order_by("-gesprek__begint_op", "-pk"))


# ----- the partnership's course: status changes, members dropping, conversations ------------

TRACKED = {
    Partnerschap: ("status", "status_reden"),
    Lidmaatschap: ("deelname", "deelname_reden"),
    Gesprek: ("begint_op", "duur_minuten", "plaats", "online_link", "status"),
}


def _history_entries(model, records, subject) -> list[dict]:
    """Consecutive versions of each object compared on the fields the course cares about."""
    fields = TRACKED[model]
    entries, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if record.history_type == "+":
            changes = [] if model is not Gesprek else [
                {"field": model._meta.get_field("begint_op").verbose_name, "old": "",
                 "new": field_display(model, "begint_op", record.begint_op)}]
            what = CREATED
        elif record.history_type == "-":
            changes, what = [], DELETED
        else:
            if before is None:
                continue
            changes = [{"field": model._meta.get_field(name).verbose_name,
                        "old": field_display(model, name, getattr(before, name), limit=None),
                        "new": field_display(model, name, getattr(record, name), limit=None)}
                       for name in fields if getattr(before, name) != getattr(record, name)]
            what = CHANGED
            if not changes:
                continue
        entries.append({"date": record.history_date, "subject": subject(record), "what": what,
                        "who": user_display(record.history_user) if record.history_user_id
                        else "", "changes": changes})
    return entries


def partnerschap_course(*, partnerschap: Partnerschap, limit: int = 50) -> list[dict]:
    """Status changes of the partnership and its members and its conversations, newest first.

    Read from the history (django-simple-history) in three queries.
    """
    naam = str(partnerschap)
    entries = _history_entries(
        Partnerschap, Partnerschap.history.filter(id=partnerschap.pk)
        .select_related("history_user").order_by("history_date", "history_id"),
        lambda record: naam)
    names = dict(Registratie.objects.filter(
        lidmaatschappen__partnerschap=partnerschap).values_list("pk", "naam"))
    lid_records = (Lidmaatschap.history.filter(partnerschap_id=partnerschap.pk)
                   .select_related("history_user").order_by("history_date", "history_id"))
    entries += [entry for entry in _history_entries(
        Lidmaatschap, lid_records, lambda record: names.get(record.registratie_id, "–"))
        if entry["what"] != CREATED or entry["changes"]]
    entries += _history_entries(
        Gesprek, Gesprek.history.filter(partnerschap_id=partnerschap.pk)
        .select_related("history_user").order_by("history_date", "history_id"),
        lambda record: _("gesprek van %(moment)s") % {
            "moment": field_display(Gesprek, "begint_op", record.begint_op)})
    entries.sort(key=lambda entry: entry["date"], reverse=True)
    return entries[:limit]


# ----- numbers for the overview ------------------------------------------------------------

def partnership_counts(*, ronde: Ronde) -> tuple[Counter, Counter]:
    """(partnerships per status, invitations to planned conversations per answer), two queries."""
    per_status = Counter(dict(Partnerschap.objects.filter(ronde=ronde).values_list("status")
                              .annotate(n=Count("pk")).order_by()))
    per_answer = Counter()
    for antwoord, n in (Uitnodiging.objects
                        .filter(gesprek__partnerschap__ronde=ronde, ingetrokken=False,
                                gesprek__status=GesprekStatus.GEPLAND)
                        .values_list("antwoord").annotate(n=Count("pk")).order_by()):
        per_answer[antwoord or OPEN_ANSWER] += n
    return per_status, per_answer


ANSWER_CHOICES = [*Antwoord.choices, (OPEN_ANSWER, OPEN_ANSWER_LABEL)]
STATUS_CHOICES = PartnerschapStatus.choices


def edit_page_agreements(registratie: Registratie) -> dict:
    """The organisation's partnerships and their agreements as put to it (its own only)."""
    return {"partnerschappen": registratie_agreements(registratie)}


def edit_page_conversations(registratie: Registratie) -> dict:
    """What the registration's edit-link page shows of its conversations (its own only)."""
    return {"uitnodigingen": registratie_invitations(registratie=registratie)}


def partnerschap_unique_name(*, ronde: Ronde, naam: str) -> str:
    """``naam``, or with a number ("Transport en logistiek (2)") when the round already has a
    partnership of that name: members and staff tell them apart."""
    taken = set(Partnerschap.objects.filter(ronde=ronde, naam__startswith=naam)
                .values_list("naam", flat=True))
    candidate, number = naam, 1
    while candidate in taken:
        number += 1
        candidate = f"{naam} ({number})"
    return candidate
