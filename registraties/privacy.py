"""One contact person's data on request (GDPR): everything stored about an e-mail address,
as a JSON document, and its erasure; both recorded in the admin log.

The contact person is found by e-mail address, in every round: registrations that name them
now, history rows that named them once, the notes and status changes of those
registrations, the mails in the outbox (``berichten``) sent to or about them, and the
round contacts with that address.
"""
import json
import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from verkenning.models import Contactpersoon

from .models import CONTACT_FIELDS, Notitie, Registratie, StatusWijziging
from .personal_data import (
    ANONYMISED_TEXT,
    MSG_MAIL_CANCELLED,
    berichten_anonymise,
    person_patterns,
    wipe,
)
from .questions import ANSWER_FIELDS
from .retention import ANONYMISED_EMAIL, contact_person_blank

__all__ = ["ANONYMISED_EMAIL", "ANONYMISED_TEXT", "MSG_MAIL_CANCELLED", "contact_person_erase",
           "contact_person_export", "contact_person_find"]

logger = logging.getLogger(__name__)

# Who may see and download everything about a person, and who may erase it: coordinators
# (reviewers have neither permission).
EXPORT_PERMISSION = "registraties.export_registratie"
ERASE_PERMISSION = "registraties.change_registratie"
LOG_EXPORTED = "Persoonsgegevens van de contactpersoon opgevraagd (AVG-verzoek)."
LOG_ERASED = "Persoonsgegevens van de contactpersoon gewist (AVG-verzoek)."


def may_export(user) -> bool:
    return user.has_perm(EXPORT_PERMISSION)


def may_erase(user) -> bool:
    return user.has_perm(EXPORT_PERMISSION) and user.has_perm(ERASE_PERMISSION)


@dataclass
class ContactPersonData:
    """What is stored about one e-mail address (querysets, evaluated on use)."""

    email: str
    registraties: list = field(default_factory=list)
    history: list = field(default_factory=list)
    notities: list = field(default_factory=list)
    statuswijzigingen: list = field(default_factory=list)
    berichten: list = field(default_factory=list)
    rondecontacten: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.registraties or self.history or self.berichten or self.rondecontacten)

    @property
    def names(self) -> set[str]:
        """The names this person was stored under (to find them in free text)."""
        return {row.contact_naam.strip() for row in [*self.registraties, *self.history]
                if len(row.contact_naam.strip()) > 2}


def _bericht_model():
    # The outbox is its own app; without it there are simply no mails to report.
    return apps.get_model("berichten", "Bericht") if apps.is_installed("berichten") else None


def contact_person_find(*, email: str) -> ContactPersonData:
    """Everything stored about the contact person with this e-mail address (any case)."""
    email = email.strip()
    history = list(Registratie.history.filter(contact_email__iexact=email)
                   .select_related("history_user").order_by("id", "history_date"))
    ids = set(Registratie.objects.filter(contact_email__iexact=email).values_list("pk", flat=True))
    ids |= {row.id for row in history}
    registraties = list(Registratie.objects.filter(pk__in=ids).select_related("ronde")
                        .order_by("ronde__opent_op", "volgnummer"))
    data = ContactPersonData(email=email, registraties=registraties, history=history)
    data.notities = list(Notitie.objects.filter(registratie__in=ids).select_related("auteur"))
    data.statuswijzigingen = list(StatusWijziging.objects.filter(registratie__in=ids)
                                  .select_related("door"))
    Bericht = _bericht_model()
    if Bericht is not None:
        # Waiting mails rendered by the worker from a registration that names them hold no
        # text yet, but will show their contact details: those are about them too.
        naming_them = [r.pk for r in registraties if r.contact_email.lower() == email.lower()]
        data.berichten = list(Bericht.objects.filter(
            Q(aan__icontains=email) | Q(tekst__icontains=email) | Q(html__icontains=email)
            | Q(bijlage__icontains=email) | Q(gegevens__registratie__in=naming_them)))
    data.rondecontacten = list(Contactpersoon.objects.filter(email__iexact=email)
                               .select_related("ronde"))
    return data


def _row(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _user(user) -> str:
    return user.get_username() if user is not None else ""


def contact_person_document(data: ContactPersonData) -> dict:
    """The JSON document for the person: plain values, Dutch keys where staff read them."""
    current = {r.pk for r in data.registraties if r.contact_email.lower() == data.email.lower()}
    history_fields = [f.attname for f in Registratie.history.model._meta.concrete_fields
                      if f.attname != "history_user_id"]
    document = {
        "e-mailadres": data.email,
        "opgevraagd_op": timezone.now(),
        "registraties": [],
        "berichten": [
            _row(b, ["aan", "onderwerp", "tekst", "soort", "status", "aangemaakt_op",
                     "verzonden_op"]) for b in data.berichten],
        "rondecontacten": [
            {"ronde": c.ronde.titel, **_row(c, ["naam", "telefoon", "email"])}
            for c in data.rondecontacten],
    }
    for registratie in data.registraties:
        document["registraties"].append({
            "referentie": registratie.referentie,
            "ronde": registratie.ronde.titel,
            "huidige_contactpersoon": registratie.pk in current,
            "contactgegevens": _row(registratie, CONTACT_FIELDS) if registratie.pk in current
            else None,
            "antwoorden": _row(registratie, ANSWER_FIELDS),
            "status": registratie.status,
            "status_reden": registratie.status_reden,
            "ingediend_op": registratie.ingediend_op,
            "gewijzigd_op": registratie.gewijzigd_op,
            "geschiedenis": [
                {**_row(row, history_fields), "history_user": _user(row.history_user)}
                for row in data.history if row.id == registratie.pk],
            "notities": [
                {"tekst": n.tekst, "auteur": _user(n.auteur), "aangemaakt_op": n.aangemaakt_op}
                for n in data.notities if n.registratie_id == registratie.pk],
            "statuswijzigingen": [
                {"van": s.van, "naar": s.naar, "reden": s.reden, "door": _user(s.door),
                 "op": s.op, "organisatie_verwittigd": s.organisatie_verwittigd}
                for s in data.statuswijzigingen if s.registratie_id == registratie.pk],
        })
    return document


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, set | frozenset | tuple):
            return sorted(o)
        return super().default(o)


def contact_person_export(*, email: str, by) -> tuple[ContactPersonData, bytes]:
    """The person's data as UTF-8 JSON; the request is logged on each registration."""
    data = contact_person_find(email=email)
    payload = json.dumps(contact_person_document(data), cls=_Encoder, ensure_ascii=False,
                         indent=2).encode()
    _log(by=by, registraties=data.registraties, message=LOG_EXPORTED)
    logger.info("AVG: gegevens van een contactpersoon opgevraagd door %s (%d registraties, "
                "%d versies, %d berichten)", by.get_username(), len(data.registraties),
                len(data.history), len(data.berichten))
    return data, payload


@dataclass(frozen=True)
class ErasureResult:
    registraties: int
    history_rows: int
    notities: int
    statuswijzigingen: int
    berichten: int


def contact_person_erase(*, email: str, by) -> ErasureResult:
    """Anonymise the person everywhere: registrations and their history (the same rule as
    retention), and every text declared as theirs or as naming them (personal_data.py):
    their own words, their e-mail address and names in notes, status reasons, partnership
    texts and mails.

    The organisations' own answers stay. The admin log gets one entry per registration,
    without the address.
    """
    data = contact_person_find(email=email)
    patterns = person_patterns(emails=[data.email], names=data.names)
    with transaction.atomic():
        changed, changed_history = contact_person_blank(
            registraties=Registratie.objects.filter(contact_email__iexact=data.email),
            history=Registratie.history.filter(contact_email__iexact=data.email))
        wiped = wipe(registratie_ids=[r.pk for r in data.registraties], patterns=patterns)
        berichten = berichten_anonymise(data.berichten, emails=[data.email], patterns=patterns)
        _log(by=by, registraties=data.registraties, message=LOG_ERASED)
    logger.info("AVG: gegevens van een contactpersoon gewist door %s (%d registraties, "
                "%d versies, %d berichten)", by.get_username(), changed, changed_history,
                berichten)
    return ErasureResult(registraties=changed, history_rows=changed_history,
                         notities=wiped.get(Notitie._meta.label, 0),
                         statuswijzigingen=wiped.get(StatusWijziging._meta.label, 0),
                         berichten=berichten)


def _log(*, by, registraties, message: str) -> None:
    if registraties:
        LogEntry.objects.log_actions(
            user_id=by.pk, queryset=Registratie.objects.filter(pk__in=[r.pk for r in registraties]),
            action_flag=CHANGE, change_message=message)
