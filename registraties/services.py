"""Writes on registrations: submit, update, edit links and the e-mails that go with them."""
import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from verkenning.models import Ronde

from .constants import Status
from .models import Registratie

logger = logging.getLogger(__name__)

# Fields a visitor answers; everything else is derived or belongs to staff.
ANSWER_FIELDS = (
    "naam", "ondernemingsnummer", "rechtsvorm", "rechtsvorm_andere", "type_organisatie",
    "type_andere", "website", "straat", "postcode", "gemeente", "werking_vlaanderen",
    "toelichting_werking", "bereid_tot_partnerschap", "contact_naam", "contact_functie",
    "contact_email", "contact_telefoon", "themas", "thema_andere", "vaardigheden", "rollen",
    "sectoren", "paritaire_comites", "aantal_ondernemingen", "aandeel_kleine_ondernemingen",
    "competentie_uitdagingen", "keten", "gewenste_partners", "opmerkingen",
    "toestemming_delen", "privacy_akkoord",
)


class DuplicateRegistration(Exception):
    """The round already holds a registration with this enterprise number."""


class RoundClosed(Exception):
    """The round does not accept registrations or changes now."""


@dataclass(frozen=True)
class Submission:
    registratie: Registratie
    token: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A random edit token (256 bits) and the hash that is the only thing stored."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


DERIVED_FIELDS = ("gewest", "provincie", "vlaggen")
_NULLABLE_ANSWERS = {"aantal_ondernemingen", "aandeel_kleine_ondernemingen"}


def _apply_answers(registratie: Registratie, data: dict) -> None:
    """Copy the visitor's answers and derive region, province and review flags from them."""
    for name in ANSWER_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name not in _NULLABLE_ANSWERS:
                value = ""
            setattr(registratie, name, value)
    registratie.refresh_derived()


def registratie_build(*, ronde: Ronde, volgnummer: int, data: dict, **extra) -> Registratie:
    """An unsaved registration numbered ``volgnummer`` with its answers and derived fields.

    For bulk loads (tests, benchmarks) that keep the round's counter right themselves;
    the public path is ``registratie_submit``.
    """
    registratie = Registratie(ronde=ronde, volgnummer=volgnummer,
                              referentie=ronde.format_referentie(volgnummer), **extra)
    _apply_answers(registratie, data)
    return registratie


def registratie_submit(*, ronde: Ronde, data: dict, check_open: bool = True) -> Submission:
    """Save a new, already validated registration with the round's next reference.

    ``Registratie.save()`` numbers it under the round's row lock, so concurrent submissions
    get distinct, gap-free numbers; a failed insert rolls the counter back with it.
    """
    if check_open and not ronde.is_open():
        raise RoundClosed
    token, hashed = new_token()
    registratie = Registratie(ronde=ronde, wijzig_token_hash=hashed)
    _apply_answers(registratie, data)
    try:
        registratie.save()  # takes the next number under the round's row lock
    except IntegrityError as exc:
        if Registratie.objects.filter(ronde=ronde,
                                      ondernemingsnummer=data.get("ondernemingsnummer")).exists():
            raise DuplicateRegistration from exc
        raise
    return Submission(registratie=registratie, token=token)


BY_ORGANISATION = "Gewijzigd door de organisatie via de wijzigingslink"
REOPENED_BY_ORGANISATION = "De organisatie wijzigde haar antwoorden na de beoordeling."
DECIDED = (Status.ONTVANKELIJK, Status.NIET_ONTVANKELIJK)


def registratie_update(*, registratie: Registratie, data: dict,
                       reason: str = BY_ORGANISATION) -> Registratie:
    """Store corrected answers (from the edit link or staff) and re-derive region and flags.

    The history row carries ``reason``; through the public link there is no user, so the
    reason is what marks the change as made by the organisation. Only answers and what
    derives from them are written, on the freshly locked row: a status a reviewer set
    meanwhile, or a renewed edit link, is never overwritten by a stale copy.
    """
    try:
        with transaction.atomic():
            fresh = Registratie.objects.select_for_update().get(pk=registratie.pk)
            _apply_answers(fresh, data)
            fresh._change_reason = reason
            fresh.save(update_fields=[*ANSWER_FIELDS, *DERIVED_FIELDS, "gewijzigd_op"])
    except IntegrityError as exc:
        raise DuplicateRegistration from exc
    registratie.refresh_from_db()
    if reason == BY_ORGANISATION and registratie.status in DECIDED:
        # A judgement on answers that changed since no longer holds: back to the reviewers.
        from .review import registratie_change_status

        registratie_change_status(registratie=registratie, status=Status.IN_BEHANDELING,
                                  door=None, reden=REOPENED_BY_ORGANISATION)
    return registratie


def registratie_for_token(token: str) -> Registratie | None:
    if not token or len(token) > 100:
        return None
    return (Registratie.objects.select_related("ronde")
            .filter(wijzig_token_hash=token_hash(token)).first())


def registratie_renew_link(*, registratie: Registratie) -> str:
    """Replace the edit link: the old one stops working."""
    token, hashed = new_token()
    Registratie.objects.filter(pk=registratie.pk).update(wijzig_token_hash=hashed)
    registratie.wijzig_token_hash = hashed
    return token


def _absolute(path: str, request=None) -> str:
    if settings.PORTAAL_URL:
        return settings.PORTAAL_URL + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def edit_url(token: str, request=None) -> str:
    return _absolute(reverse("registraties:wijzigen", args=[token]), request)


def send_templated_mail(*, template: str, subject: str, to: list[str], context: dict) -> bool:
    """Send one text+HTML mail; a failing mail server is logged, never raised."""
    text = render_to_string(f"registraties/email/{template}.txt", context)
    html = render_to_string(f"registraties/email/{template}.html", context)
    # A header may not hold a line break; visitor text in the subject must not break the mail.
    subject = " ".join(subject.split())
    try:
        message = EmailMultiAlternatives(subject=subject, body=text, to=to)
        message.attach_alternative(html, "text/html")
        message.send()
    except (smtplib.SMTPException, OSError, ValueError):
        # The registration is already saved; a mail problem must not turn into an error page.
        logger.exception("E-mail '%s' kon niet verstuurd worden naar %s", template, to)
        return False
    return True


def registratie_send_confirmation(*, registratie: Registratie, token: str,
                                  request=None) -> bool:
    context = {"registratie": registratie, "ronde": registratie.ronde,
               "wijzig_url": edit_url(token, request)}
    return send_templated_mail(template="bevestiging", to=[registratie.contact_email], context=context,
                 subject=f"Bevestiging van uw registratie {registratie.referentie} – "
                         f"{registratie.ronde.titel}")


def registratie_notify_staff(*, registratie: Registratie, request=None) -> bool:
    if not settings.ESFDO_MAILBOX:
        return False
    context = {"registratie": registratie, "ronde": registratie.ronde,
               "beheer_url": _absolute(reverse("admin:registraties_registratie_change",
                                               args=[registratie.pk]), request)}
    return send_templated_mail(template="notificatie", to=[settings.ESFDO_MAILBOX], context=context,
                 subject=f"Nieuwe registratie {registratie.referentie}: {registratie.naam}")


# A stranger who knows number and e-mail must not flood the mailbox or keep killing the link.
NEW_LINKS_PER_HOUR = 3


def _new_link_allowed(ronde: Ronde, ondernemingsnummer: str) -> bool:
    key = f"nieuwe-link:{ronde.pk}:{ondernemingsnummer}"
    cache.add(key, 0, timeout=3600)
    try:
        return cache.incr(key) <= NEW_LINKS_PER_HOUR
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=3600)
        return True


def registratie_request_new_link(*, ronde: Ronde, ondernemingsnummer: str, email: str,
                                 request=None) -> bool:
    """Mail a fresh edit link when number and e-mail match a registration of the open round.

    The caller answers the visitor the same way either way, so this does not reveal who
    registered.
    """
    if not ronde.is_open() or not _new_link_allowed(ronde, ondernemingsnummer):
        return False
    registratie = (Registratie.objects.select_related("ronde")
                   .filter(ronde=ronde, ondernemingsnummer=ondernemingsnummer,
                           contact_email__iexact=email.strip()).first())
    if registratie is None:
        return False
    token = registratie_renew_link(registratie=registratie)
    send_templated_mail(template="nieuwe_link", to=[registratie.contact_email],
          subject=f"Uw nieuwe wijzigingslink voor {registratie.referentie}",
          context={"registratie": registratie, "ronde": ronde,
                   "wijzig_url": edit_url(token, request)})
    return True


def edit_link_is_alive(registratie: Registratie) -> bool:
    return registratie.ronde.is_open(timezone.now())
