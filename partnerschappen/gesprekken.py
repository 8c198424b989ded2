"""The conversation workflow of a partnership: plan, change, invite, remind, cancel, answer, outcome.

A new conversation step goes here; rules on who is a member and in which role go in
``services.py``. The admin's conversation pages and the public answer page call these.
"""
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portaal.history import set_history_user
from registraties.constants import Actie
from registraties.models import Registratie
from registraties.services import new_token, token_hash

from . import afspraken, mails
from .constants import (
    MIN_MEMBERS,
    Antwoord,
    Basis,
    Deelname,
    GesprekStatus,
    PartnerschapStatus,
)
from .models import Gesprek, Lidmaatschap, Partnerschap, Uitnodiging

MIN_DURATION, MAX_DURATION = 15, 480
# A member gets at most one reminder in any 24 hours, however often staff click.
REMINDER_INTERVAL = timedelta(days=1)
MAX_REMARK = 2000
MAX_REPORT = 20000

MSG_IN_PAST = _("Kies een moment in de toekomst: een gesprek plant u vooraf.")
MSG_PLACE_OR_LINK = _("Vul een plaats of een link voor online deelname in (of allebei).")
MSG_DURATION = _("Een gesprek duurt tussen %(min)d en %(max)d minuten.")
MSG_NO_AGENDA = _("Vul de agenda in: de leden lezen ze in hun uitnodiging.")
MSG_PARTNERSHIP_DROPPED = _("Dit partnerschap is afgehaakt: er kan geen gesprek meer gepland "
                            "worden.")
MSG_CONVERSATION_CLOSED = _("Dit gesprek is geannuleerd of al begonnen: er kan niets meer aan "
                            "gewijzigd of verstuurd worden. Plan zo nodig een nieuw gesprek.")
MSG_REASON_REQUIRED = _("Geef een reden op. Ze blijft intern en komt in de geschiedenis van het "
                        "partnerschap.")
MSG_TOO_FEW_CONFIRMED = _("Een gevormd partnerschap heeft minstens %(min)d leden die niet "
                          "afhaakten.")
MSG_NOT_CONFIRMED = _("Een partnerschap wordt pas gevormd als elk lid dat niet afhaakte de "
                      "huidige afspraak bevestigde (nu: %(stand)s). Leg de afspraak ter "
                      "bevestiging voor, of vink ‘Toch vormen’ aan en geef de reden.")
MSG_NOT_A_CHOICE = _("Kies een van de drie knoppen: ik kom, ik kom niet of ik stel een ander "
                     "moment voor.")
MSG_REMARK_REQUIRED = _("Schrijf in het vak 'Opmerking' welk ander moment u voorstelt.")
MSG_REMARK_TOO_LONG = _("Uw opmerking is te lang: houd ze onder %(max)d tekens.")
MSG_REPORT_TOO_LONG = _("Het verslag is te lang: houd het onder %(max)d tekens.")
MSG_ANSWER_CLOSED = _("Het gesprek is begonnen of voorbij: uw antwoord kan niet meer gewijzigd "
                      "worden.")

REASON_INVITED = "Leden uitgenodigd voor een gesprek"
REASON_STATUS = "Status gewijzigd: {status}"
# A history row's reason holds at most 100 characters; who overrode is its history_user.
REASON_OVERRIDE = "Status gewijzigd: gevormd zonder alle bevestigingen ({stand})"
REASON_MEMBER_DROPPED = "Lid afgehaakt"
REASON_ANSWERED = "Beantwoord door de organisatie via de antwoordlink"


def default_agenda(partnerschap: Partnerschap) -> str:
    """The agenda offered when planning: the partnership's basis and the call's four actions."""
    basis = partnerschap.basis_andere if partnerschap.basis == Basis.ANDERE and \
        partnerschap.basis_andere else partnerschap.get_basis_display()
    actions = "\n".join(f"   - {label}" for _code, label in Actie.choices)
    return "\n".join([
        str(_("1. Kennismaking van de organisaties rond de tafel.")),
        str(_("2. Waarom samen: dit partnerschap is gebundeld op basis van %(basis)s.")
            % {"basis": basis}),
        str(_("3. Wie neemt welke van de vier acties uit de oproep op?")),
        actions,
        str(_("4. Interesses en verwachtingen van elke organisatie.")),
        str(_("5. Afspraken en volgende stappen richting de subsidieoproep.")),
    ])


def validate_gesprek(*, begint_op: datetime | None, duur_minuten: int | None, plaats: str,
                     online_link: str, agenda: str, now: datetime | None = None) -> None:
    """Every rule on a conversation's practical details, as field errors."""
    now = now or timezone.now()
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    if begint_op is not None and begint_op <= now:
        errors["begint_op"].append(ValidationError(MSG_IN_PAST, code="verleden"))
    if duur_minuten is not None and not MIN_DURATION <= duur_minuten <= MAX_DURATION:
        errors["duur_minuten"].append(ValidationError(
            MSG_DURATION, code="duur", params={"min": MIN_DURATION, "max": MAX_DURATION}))
    if not (plaats or "").strip() and not (online_link or "").strip():
        errors["plaats"].append(ValidationError(MSG_PLACE_OR_LINK, code="plaats_of_link"))
    if not (agenda or "").strip():
        errors["agenda"].append(ValidationError(MSG_NO_AGENDA, code="agenda"))
    if errors:
        raise ValidationError(dict(errors))


def _require_open(gesprek: Gesprek) -> None:
    if not gesprek.is_upcoming():
        raise ValidationError(MSG_CONVERSATION_CLOSED, code="gesprek_gesloten")


def _visible_members(partnerschap: Partnerschap) -> list[Registratie]:
    """The members the others read about in a mail or on the answer page: not the dropped ones."""
    return [lid.registratie for lid in partnerschap.lidmaatschappen
            .exclude(deelname=Deelname.AFGEHAAKT).select_related("registratie")
            .order_by("-rol", "registratie__naam", "pk")]


def _renew_token(uitnodiging: Uitnodiging) -> str:
    """A fresh answer link for this invitation; the one of an earlier mail stops working."""
    token, hashed = new_token()
    uitnodiging.token_hash = hashed
    Uitnodiging.objects.filter(pk=uitnodiging.pk).update(token_hash=hashed)
    return token


@transaction.atomic
def gesprek_plan(*, partnerschap: Partnerschap, begint_op: datetime, duur_minuten: int,
                 plaats: str = "", online_link: str = "", agenda: str = "",
                 user=None) -> Gesprek:
    """A new planned conversation of ``partnerschap``; nobody is invited yet."""
    partnerschap = Partnerschap.objects.select_for_update().get(pk=partnerschap.pk)
    if partnerschap.status == PartnerschapStatus.AFGEHAAKT:
        raise ValidationError(MSG_PARTNERSHIP_DROPPED, code="afgehaakt")
    agenda = agenda if agenda.strip() else default_agenda(partnerschap)
    validate_gesprek(begint_op=begint_op, duur_minuten=duur_minuten, plaats=plaats,
                     online_link=online_link, agenda=agenda)
    gesprek = Gesprek(partnerschap=partnerschap, begint_op=begint_op, duur_minuten=duur_minuten,
                      plaats=plaats.strip(), online_link=online_link.strip(), agenda=agenda,
                      aangemaakt_door=user if user is not None and user.is_authenticated
                      else None)
    set_history_user(gesprek, user)
    gesprek.save()
    return gesprek


def _active_invitations(gesprek: Gesprek) -> list[Uitnodiging]:
    return list(gesprek.uitnodigingen.filter(ingetrokken=False).select_related("registratie")
                .order_by("pk"))


@transaction.atomic
def gesprek_update(*, gesprek: Gesprek, begint_op: datetime, duur_minuten: int, plaats: str = "",
                   online_link: str = "", agenda: str, base: str = "",
                   user=None) -> tuple[bool, int]:
    """Change a planned conversation; everyone already invited gets the update.

    A new moment clears the answers given for the old one (history keeps them), so the
    members say again whether they come. Returns (anything changed, updates queued).
    """
    gesprek = Gesprek.objects.select_for_update().select_related("partnerschap").get(pk=gesprek.pk)
    _require_open(gesprek)
    validate_gesprek(begint_op=begint_op, duur_minuten=duur_minuten, plaats=plaats,
                     online_link=online_link, agenda=agenda)
    new = {"begint_op": begint_op, "duur_minuten": duur_minuten, "plaats": plaats.strip(),
           "online_link": online_link.strip(), "agenda": agenda}
    changed = [name for name, value in new.items() if getattr(gesprek, name) != value]
    if not changed:
        return False, 0
    for name, value in new.items():
        setattr(gesprek, name, value)
    invitations = _active_invitations(gesprek)
    if invitations:
        gesprek.volgnummer += 1
    set_history_user(gesprek, user)
    gesprek.save()
    moved = {"begint_op", "duur_minuten"} & set(changed)
    members = _visible_members(gesprek.partnerschap)
    for uitnodiging in invitations:
        if moved and uitnodiging.antwoord:
            uitnodiging.antwoord, uitnodiging.beantwoord_op = "", None
            set_history_user(uitnodiging, user)
            uitnodiging._change_reason = "Antwoord gewist: het moment van het gesprek veranderde"
            uitnodiging.save(update_fields=["antwoord", "beantwoord_op"])
        token = _renew_token(uitnodiging)
        mails.conversation_mail(kind=mails.UPDATE, uitnodiging=uitnodiging, gesprek=gesprek,
                                members=members, token=token, base=base)
    return True, len(invitations)


@transaction.atomic
def gesprek_invite(*, gesprek: Gesprek, base: str = "", user=None) -> list[Uitnodiging]:
    """Invite every active member not invited yet: one click for all, and again for newcomers.

    Each gets a personal answer link (only its hash is stored) and the calendar entry. The
    partnership moves from 'voorstel' to 'in gesprek'. Returns the new invitations.
    """
    gesprek = Gesprek.objects.select_for_update().select_related("partnerschap").get(pk=gesprek.pk)
    _require_open(gesprek)
    partnerschap = Partnerschap.objects.select_for_update().get(pk=gesprek.partnerschap_id)
    if partnerschap.status == PartnerschapStatus.AFGEHAAKT:
        raise ValidationError(MSG_PARTNERSHIP_DROPPED, code="afgehaakt")
    existing = {u.registratie_id: u for u in gesprek.uitnodigingen.all()}
    members = _visible_members(partnerschap)
    now = timezone.now()
    invited = []
    for registratie in members:
        uitnodiging = existing.get(registratie.pk)
        if uitnodiging is not None and not uitnodiging.ingetrokken:
            continue
        if uitnodiging is None:
            uitnodiging = Uitnodiging(gesprek=gesprek, registratie=registratie, uitgenodigd_op=now)
        else:  # invited before, withdrawn when it left, back now
            uitnodiging.ingetrokken, uitnodiging.antwoord, uitnodiging.opmerking = False, "", ""
            uitnodiging.beantwoord_op, uitnodiging.uitgenodigd_op = None, now
        token, uitnodiging.token_hash = new_token()
        set_history_user(uitnodiging, user)
        uitnodiging.save()
        uitnodiging.registratie = registratie
        mails.conversation_mail(kind=mails.INVITATION, uitnodiging=uitnodiging, gesprek=gesprek,
                                members=members, token=token, base=base)
        invited.append(uitnodiging)
    if invited and partnerschap.status == PartnerschapStatus.VOORSTEL:
        partnerschap.status = PartnerschapStatus.IN_GESPREK
        partnerschap._change_reason = REASON_INVITED
        set_history_user(partnerschap, user)
        partnerschap.save(update_fields=["status", "gewijzigd_op"])
    return invited


def _withdraw(uitnodigingen: Iterable[Uitnodiging], *, gesprek: Gesprek, base: str, user,
              cancel_all: bool) -> int:
    sent = 0
    for uitnodiging in uitnodigingen:
        mails.conversation_mail(kind=mails.CANCELLATION, uitnodiging=uitnodiging,
                                gesprek=gesprek, members=[], base=base)
        if not cancel_all:
            uitnodiging.ingetrokken = True
            uitnodiging.token_hash = None
            set_history_user(uitnodiging, user)
            uitnodiging._change_reason = "Uitnodiging ingetrokken: het lid haakte af"
            uitnodiging.save(update_fields=["ingetrokken", "token_hash"])
        sent += 1
    return sent


@transaction.atomic
def gesprek_cancel(*, gesprek: Gesprek, base: str = "", user=None) -> int:
    """Cancel a planned conversation; every invited member gets a cancellation for its calendar."""
    gesprek = Gesprek.objects.select_for_update().select_related("partnerschap").get(pk=gesprek.pk)
    _require_open(gesprek)
    invitations = _active_invitations(gesprek)
    gesprek.status = GesprekStatus.GEANNULEERD
    gesprek.volgnummer += 1
    set_history_user(gesprek, user)
    gesprek.save()
    return _withdraw(invitations, gesprek=gesprek, base=base, user=user, cancel_all=True)


@transaction.atomic
def uitnodigingen_withdraw(*, partnerschap: Partnerschap, registratie_id: int, base: str = "",
                           user=None) -> int:
    """Take a member out of the upcoming conversations it was invited to (it left or dropped).

    Each withdrawn invitation gets a cancellation for the member's calendar; returns how many.
    """
    sent = 0
    upcoming = Gesprek.objects.select_for_update().filter(partnerschap=partnerschap).upcoming()
    for gesprek in upcoming:
        invitations = list(gesprek.uitnodigingen.filter(registratie_id=registratie_id,
                                                        ingetrokken=False)
                           .select_related("registratie"))
        if invitations:
            # Only this member's entry is cancelled: its SEQUENCE must still beat the last one.
            gesprek.volgnummer += 1
            Gesprek.objects.filter(pk=gesprek.pk).update(volgnummer=gesprek.volgnummer)
            sent += _withdraw(invitations, gesprek=gesprek, base=base, user=user, cancel_all=False)
    return sent


def uitnodiging_remind(*, uitnodiging: Uitnodiging, base: str = "", now=None) -> bool:
    """Remind a member who has not answered; False when it answered or was reminded < a day ago.

    One conditional UPDATE claims the reminder, so two clicks (or two staff members at
    once) send one mail, on SQLite and PostgreSQL alike.
    """
    now = now or timezone.now()
    gesprek = Gesprek.objects.select_related("partnerschap").get(pk=uitnodiging.gesprek_id)
    if not gesprek.is_upcoming(now):
        return False
    with transaction.atomic():
        claimed = (Uitnodiging.objects
                   .filter(pk=uitnodiging.pk, antwoord="", ingetrokken=False)
                   .filter(Q(laatste_herinnering_op__isnull=True)
                           | Q(laatste_herinnering_op__lte=now - REMINDER_INTERVAL))
                   .update(laatste_herinnering_op=now))
        if not claimed:
            return False
        fresh = Uitnodiging.objects.select_related("registratie").get(pk=uitnodiging.pk)
        token = _renew_token(fresh)
        mails.conversation_mail(kind=mails.REMINDER, uitnodiging=fresh, gesprek=gesprek,
                                members=_visible_members(gesprek.partnerschap), token=token,
                                base=base)
    return True


def gesprek_remind(*, gesprek: Gesprek, base: str = "", uitnodigingen=None) -> tuple[int, int]:
    """Remind the members of ``gesprek`` who have not answered (or only ``uitnodigingen``).

    Returns (reminded, skipped because reminded in the last 24 hours or answered meanwhile).
    """
    _require_open(gesprek)
    rows = list(uitnodigingen if uitnodigingen is not None else
                gesprek.uitnodigingen.filter(antwoord="", ingetrokken=False))
    sent = sum(1 for u in rows if uitnodiging_remind(uitnodiging=u, base=base))
    return sent, len(rows) - sent


def gesprek_save_report(*, gesprek: Gesprek, verslag: str, user=None) -> Gesprek:
    """The internal report of the conversation (never shown to the members)."""
    if len(verslag) > MAX_REPORT:
        raise ValidationError({"verslag": ValidationError(MSG_REPORT_TOO_LONG, code="te_lang",
                                                          params={"max": MAX_REPORT})})
    gesprek.verslag = verslag
    set_history_user(gesprek, user)
    gesprek.save(update_fields=["verslag", "gewijzigd_op"])
    return gesprek


# ----- the answer link ------------------------------------------------------------------------

class LinkState:
    OPEN = "open"            # the member can answer and change the answer
    BEGONNEN = "begonnen"    # the conversation runs: the answer shows, nothing changes
    VERLOPEN = "verlopen"    # after the conversation: the link is dead
    GEANNULEERD = "geannuleerd"


def uitnodiging_for_token(token: str) -> Uitnodiging | None:
    """The invitation of an answer link, or None (unknown, replaced by a newer mail, withdrawn)."""
    if not token or len(token) > 100:
        return None
    return (Uitnodiging.objects.select_related("gesprek__partnerschap", "registratie")
            .filter(token_hash=token_hash(token), ingetrokken=False).first())


def answer_link_state(uitnodiging: Uitnodiging, now: datetime | None = None) -> str:
    gesprek, now = uitnodiging.gesprek, now or timezone.now()
    if gesprek.status == GesprekStatus.GEANNULEERD:
        return LinkState.GEANNULEERD
    if now < gesprek.begint_op:
        return LinkState.OPEN
    if now < gesprek.eindigt_op:
        return LinkState.BEGONNEN
    return LinkState.VERLOPEN


def validate_answer(*, antwoord: str, opmerking: str) -> None:
    if antwoord not in Antwoord.values:
        raise ValidationError({"antwoord": ValidationError(MSG_NOT_A_CHOICE, code="keuze")})
    if len(opmerking) > MAX_REMARK:
        raise ValidationError({"opmerking": ValidationError(
            MSG_REMARK_TOO_LONG, code="te_lang", params={"max": MAX_REMARK})})
    if antwoord == Antwoord.ANDER_MOMENT and not opmerking.strip():
        raise ValidationError({"opmerking": ValidationError(MSG_REMARK_REQUIRED,
                                                            code="moment_ontbreekt")})


def uitnodiging_answer(*, uitnodiging: Uitnodiging, antwoord: str, opmerking: str = "",
                       now: datetime | None = None) -> Uitnodiging:
    """Store a member's answer (again), until the conversation begins."""
    validate_answer(antwoord=antwoord, opmerking=opmerking)
    with transaction.atomic():
        fresh = (Uitnodiging.objects.select_for_update().select_related("gesprek")
                 .get(pk=uitnodiging.pk))
        if fresh.ingetrokken or answer_link_state(fresh, now) != LinkState.OPEN:
            raise ValidationError(MSG_ANSWER_CLOSED, code="gesloten")
        fresh.antwoord, fresh.opmerking = antwoord, opmerking.strip()
        fresh.beantwoord_op = now or timezone.now()
        fresh._change_reason = REASON_ANSWERED
        fresh.save(update_fields=["antwoord", "opmerking", "beantwoord_op"])
    return fresh


# ----- forming or dropping the partnership ---------------------------------------------------

def _require_reason(reden: str) -> str:
    reden = (reden or "").strip()
    if not reden:
        raise ValidationError({"reden": ValidationError(MSG_REASON_REQUIRED, code="reden")})
    return reden


@transaction.atomic
def partnerschap_form(*, partnerschap: Partnerschap, reden: str, override: bool = False,
                      user=None) -> Partnerschap:
    """After the conversation: the partnership is formed; the members still in it are confirmed.

    Only when every member that did not drop out confirmed the current agreement
    (``afspraken.all_confirmed``), or when a coordinator overrides that (``override``) with
    ``reden``: the history then says it was formed without every confirmation, and by whom.
    """
    reden = _require_reason(reden)
    partnerschap = Partnerschap.objects.select_for_update().get(pk=partnerschap.pk)
    staying = list(partnerschap.lidmaatschappen.exclude(deelname=Deelname.AFGEHAAKT))
    if len(staying) < MIN_MEMBERS:
        raise ValidationError(MSG_TOO_FEW_CONFIRMED, code="te_weinig_leden",
                              params={"min": MIN_MEMBERS})
    confirmation = afspraken.partnerschap_confirmation(partnerschap)
    if not confirmation.complete and not override:
        raise ValidationError(MSG_NOT_CONFIRMED, code="niet_bevestigd",
                              params={"stand": str(confirmation)})
    for lid in staying:
        if lid.deelname != Deelname.BEVESTIGD:
            lid.deelname = Deelname.BEVESTIGD
            set_history_user(lid, user)
            lid._change_reason = REASON_STATUS.format(status=PartnerschapStatus.GEVORMD.label)
            lid.save(update_fields=["deelname"])
    change = None if confirmation.complete else REASON_OVERRIDE.format(stand=confirmation)[:100]
    return _set_status(partnerschap, PartnerschapStatus.GEVORMD, reden, user, change=change)


def _set_status(partnerschap: Partnerschap, status: str, reden: str, user,
                change: str | None = None) -> Partnerschap:
    partnerschap.status, partnerschap.status_reden = status, reden
    partnerschap._change_reason = change or REASON_STATUS.format(
        status=PartnerschapStatus(status).label)
    set_history_user(partnerschap, user)
    partnerschap.save(update_fields=["status", "status_reden", "gewijzigd_op"])
    return partnerschap


@transaction.atomic
def partnerschap_drop(*, partnerschap: Partnerschap, reden: str, base: str = "",
                      user=None) -> Partnerschap:
    """The whole partnership drops out; its upcoming conversations are cancelled."""
    reden = _require_reason(reden)
    partnerschap = Partnerschap.objects.select_for_update().get(pk=partnerschap.pk)
    for gesprek in partnerschap.gesprekken.upcoming():
        gesprek_cancel(gesprek=gesprek, base=base, user=user)
    return _set_status(partnerschap, PartnerschapStatus.AFGEHAAKT, reden, user)


@transaction.atomic
def lidmaatschap_drop(*, lidmaatschap: Lidmaatschap, reden: str, base: str = "",
                      user=None) -> Lidmaatschap:
    """One member drops out (it stays listed, marked); its upcoming invitations are withdrawn."""
    reden = _require_reason(reden)
    lid = Lidmaatschap.objects.select_for_update().select_related("partnerschap").get(
        pk=lidmaatschap.pk)
    lid.deelname, lid.deelname_reden = Deelname.AFGEHAAKT, reden
    lid._change_reason = REASON_MEMBER_DROPPED
    set_history_user(lid, user)
    lid.save(update_fields=["deelname", "deelname_reden"])
    uitnodigingen_withdraw(partnerschap=lid.partnerschap, registratie_id=lid.registratie_id,
                           base=base, user=user)
    return lid

