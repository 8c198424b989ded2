"""The agreement of a partnership (afspraken): versions, putting them to the members, answers.

After a conversation a coordinator records what it settled: per member the call's actions
it takes on (exactly one holds the regierol), its sectors and joint committees, provinces,
expected reach and contribution; for the partnership the themes, target group, open
questions and next step. Every change is a new version (``Afspraak.nummer``); nothing is
overwritten, so the versions are the history. "Ter bevestiging voorleggen" queues a mail to
each member's contact person with the dossier link; on the dossier the member confirms or
comments, and a new version asks again. ``gesprekken.partnerschap_form`` asks
``all_confirmed`` before a partnership may become "gevormd".

The API (plain, keyword-only functions; the admin page, the dossier and the demo use them):

- ``afspraak_current(partnerschap)``: the latest version or None.
- ``afspraak_validate(...)`` / ``afspraak_save(...)``: the rules, and a new version.
  Errors come as one ValidationError whose keys are the partnership's fields
  (``themas``, ``doelgroep``, ...), ``leden`` for rules across members (the regierol), and
  ``leden.<registratie_id>.<field>`` for one member's field.
- ``afspraak_submit(afspraak=..., base=...)``: mails the members (returns how many), each
  with a link of its own to its dossier (``AfspraakLink``); the edit link is left alone.
- ``registratie_for_afspraak_link(token)``: the registration such a link opens, or None.
- ``afspraak_answer(afspraak=..., registratie=..., akkoord=..., opmerking=...)``: a member's
  confirmation or comment.
- ``confirmation_counts(pks)`` / ``partnerschap_confirmation(partnerschap)``: "bevestigd
  door 3 van 4", in three queries whatever the number of partnerships.
- ``all_confirmed(partnerschap)``: the "gevormd" rule.
- ``registratie_agreements(registratie)``: what one organisation's dossier shows.
"""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registraties.constants import Actie, Thema
from registraties.models import Registratie
from registraties.services import new_token, token_hash

from . import mails
from .constants import Deelname, PartnerschapStatus, Werkgebied
from .models import (
    Afspraak,
    AfspraakLid,
    AfspraakLink,
    Bevestiging,
    Lidmaatschap,
    Partnerschap,
)

MAX_CONTRIBUTION = 1000
MAX_TEXT = 5000
MAX_COMMENT = 2000
MAX_REACH = 1_000_000
PARTNERSHIP_FIELDS = ("themas", "thema_andere", "doelgroep", "open_vragen", "volgende_stap")
MEMBER_FIELDS = ("acties", "sectoren", "paritaire_comites", "provincies",
                 "bereik_ondernemingen", "bereik_werknemers", "bijdrage")

MSG_NO_THEME = _("Kies minstens één thema van het partnerschap.")
MSG_OTHER_THEME = _("Omschrijf het andere thema, of vink 'ander thema' uit.")
MSG_NO_TARGET_GROUP = _("Beschrijf de doelgroep: welke ondernemingen en werknemers.")
MSG_NO_NEXT_STEP = _("Beschrijf de volgende stap: wat gebeurt er na dit gesprek, en door wie.")
MSG_TEXT_TOO_LONG = _("Deze tekst is te lang: houd hem onder %(max)d tekens.")
MSG_NO_ACTION = _("Kies minstens één actie die deze organisatie opneemt.")
MSG_NO_SECTORS = _("Vul de sectoren in waarvoor deze organisatie werkt.")
MSG_NO_PROVINCE = _("Kies minstens één provincie (of Brussel) waar deze organisatie werkt.")
MSG_REACH = _("Geef een aantal tussen 0 en %(max)d.")
MSG_NO_CONTRIBUTION = _("Beschrijf kort de bijdrage van deze organisatie.")
MSG_CONTRIBUTION_TOO_LONG = _("Houd de bijdrage kort: hoogstens %(max)d tekens.")
MSG_NO_REGIE = _("Precies één organisatie neemt de regierol op: duid ze aan bij ‘samenwerking "
                 "(regierol)’.")
MSG_TWO_REGIE = _("Precies één organisatie neemt de regierol op; nu zijn het er %(n)d: "
                  "laat er één over.")
MSG_MEMBERS_DIFFER = _("De afspraak beschrijft elk lid dat niet afhaakte, één keer. Laad de "
                       "pagina opnieuw: de leden van het partnerschap veranderden.")
MSG_DROPPED = _("Dit partnerschap is afgehaakt: er kunnen geen afspraken meer vastgelegd of "
                "voorgelegd worden.")
MSG_NOT_CURRENT = _("Er is intussen een nieuwere versie van de afspraak. Lees en bevestig die.")
MSG_NOT_SUBMITTED = _("Deze afspraak werd nog niet ter bevestiging voorgelegd.")
MSG_NOT_A_MEMBER = _("Uw organisatie maakt geen deel (meer) uit van deze afspraak.")
MSG_COMMENT_REQUIRED = _("Schrijf in het vak ‘Opmerking’ wat er volgens u niet klopt of "
                         "ontbreekt.")
MSG_COMMENT_TOO_LONG = _("Uw opmerking is te lang: houd ze onder %(max)d tekens.")


@dataclass(frozen=True)
class LidInput:
    """What the form says about one member in a new version."""

    registratie_id: int
    acties: Sequence[str] = ()
    sectoren: str = ""
    paritaire_comites: str = ""
    provincies: Sequence[str] = ()
    bereik_ondernemingen: int | None = 0
    bereik_werknemers: int | None = 0
    bijdrage: str = ""

    def cleaned(self) -> dict:
        return {"acties": [code for code in Actie.values if code in set(self.acties)],
                "sectoren": self.sectoren.strip(),
                "paritaire_comites": self.paritaire_comites.strip(),
                "provincies": [code for code in Werkgebied.values if code in set(self.provincies)],
                "bereik_ondernemingen": self.bereik_ondernemingen or 0,
                "bereik_werknemers": self.bereik_werknemers or 0,
                "bijdrage": self.bijdrage.strip()}


def member_key(registratie_id: int, name: str) -> str:
    """The error key of one member's field: ``leden.<registratie_id>.<field>``."""
    return f"leden.{registratie_id}.{name}"


def remaining_members(partnerschap: Partnerschap) -> list[Lidmaatschap]:
    """The members an agreement describes and who confirm it: all but the dropped ones."""
    return list(partnerschap.lidmaatschappen.exclude(deelname=Deelname.AFGEHAAKT)
                .select_related("registratie").order_by("-rol", "registratie__naam", "pk"))


def member_defaults(lid: Lidmaatschap) -> dict:
    """A member's part as its registration and membership say it, to start a first version
    from: its actions, sectors, joint committees, province, and the small companies it
    reaches (companies reached × share with at most 50 employees)."""
    registratie = lid.registratie
    small = (registratie.aantal_ondernemingen or 0) * (
        registratie.aandeel_kleine_ondernemingen or 0) // 100
    return {"registratie_id": lid.registratie_id, "acties": list(lid.acties or []),
            "sectoren": registratie.sectoren, "paritaire_comites": registratie.paritaire_comites,
            "provincies": [registratie.provincie] if registratie.provincie in Werkgebied.values
            else [],
            "bereik_ondernemingen": small, "bereik_werknemers": 0, "bijdrage": ""}


def afspraak_current(partnerschap: Partnerschap) -> Afspraak | None:
    return partnerschap.afspraken.order_by("-nummer").first()


def _too_long(errors, key, value: str, limit: int, message=MSG_TEXT_TOO_LONG) -> None:
    if len(value) > limit:
        errors[key].append(ValidationError(message, code="te_lang", params={"max": limit}))


def afspraak_validate(*, partnerschap: Partnerschap, themas: Sequence[str], thema_andere: str,
                      doelgroep: str, open_vragen: str, volgende_stap: str,
                      leden: Sequence[LidInput]) -> None:
    """Every rule on a new version at once, as one ValidationError (keys: see the module)."""
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    if not [code for code in themas if code in Thema.values]:
        errors["themas"].append(ValidationError(MSG_NO_THEME, code="geen_thema"))
    if Thema.ANDERE in themas and not thema_andere.strip():
        errors["thema_andere"].append(ValidationError(MSG_OTHER_THEME, code="ander_thema"))
    _too_long(errors, "thema_andere", thema_andere, 300)
    if not doelgroep.strip():
        errors["doelgroep"].append(ValidationError(MSG_NO_TARGET_GROUP, code="doelgroep"))
    if not volgende_stap.strip():
        errors["volgende_stap"].append(ValidationError(MSG_NO_NEXT_STEP, code="volgende_stap"))
    for name, value in (("doelgroep", doelgroep), ("open_vragen", open_vragen),
                        ("volgende_stap", volgende_stap)):
        _too_long(errors, name, value, MAX_TEXT)

    expected = {lid.registratie_id for lid in remaining_members(partnerschap)}
    given = [lid.registratie_id for lid in leden]
    if sorted(given) != sorted(expected):
        errors["leden"].append(ValidationError(MSG_MEMBERS_DIFFER, code="leden_verschillen"))
    for lid in leden:
        _validate_member(errors, lid)
    regie = sum(1 for lid in leden if Actie.REGIE in lid.acties)
    if regie == 0:
        errors["leden"].append(ValidationError(MSG_NO_REGIE, code="geen_regierol"))
    elif regie > 1:
        errors["leden"].append(ValidationError(MSG_TWO_REGIE, code="meerdere_regierollen",
                                               params={"n": regie}))
    if errors:
        raise ValidationError(dict(errors))


def _validate_member(errors, lid: LidInput) -> None:
    def key(name):
        return member_key(lid.registratie_id, name)

    if not [code for code in lid.acties if code in Actie.values]:
        errors[key("acties")].append(ValidationError(MSG_NO_ACTION, code="geen_actie"))
    if not lid.sectoren.strip():
        errors[key("sectoren")].append(ValidationError(MSG_NO_SECTORS, code="sectoren"))
    _too_long(errors, key("sectoren"), lid.sectoren, MAX_CONTRIBUTION)
    _too_long(errors, key("paritaire_comites"), lid.paritaire_comites, 300)
    if not [code for code in lid.provincies if code in Werkgebied.values]:
        errors[key("provincies")].append(ValidationError(MSG_NO_PROVINCE, code="provincie"))
    for name in ("bereik_ondernemingen", "bereik_werknemers"):
        value = getattr(lid, name)
        if value is None or not 0 <= value <= MAX_REACH:
            errors[key(name)].append(ValidationError(MSG_REACH, code="bereik",
                                                     params={"max": MAX_REACH}))
    if not lid.bijdrage.strip():
        errors[key("bijdrage")].append(ValidationError(MSG_NO_CONTRIBUTION, code="bijdrage"))
    _too_long(errors, key("bijdrage"), lid.bijdrage, MAX_CONTRIBUTION, MSG_CONTRIBUTION_TOO_LONG)


def _same_as(afspraak: Afspraak, partnership: dict, leden: dict[int, dict]) -> bool:
    if any(getattr(afspraak, name) != value for name, value in partnership.items()):
        return False
    stored = {lid.registratie_id: lid for lid in afspraak.leden.all()}
    if set(stored) != set(leden):
        return False
    return all(getattr(stored[pk], name) == value
               for pk, values in leden.items() for name, value in values.items())


@transaction.atomic
def afspraak_save(*, partnerschap: Partnerschap, themas: Sequence[str], thema_andere: str = "",
                  doelgroep: str, open_vragen: str = "", volgende_stap: str,
                  leden: Sequence[LidInput], user=None) -> tuple[Afspraak, bool]:
    """A new version of the agreement; (the version, True) or (the current one, False) when
    nothing changed. Raises ValidationError (keys: see the module)."""
    partnerschap = Partnerschap.objects.select_for_update().get(pk=partnerschap.pk)
    if partnerschap.status == PartnerschapStatus.AFGEHAAKT:
        raise ValidationError(MSG_DROPPED, code="afgehaakt")
    afspraak_validate(partnerschap=partnerschap, themas=themas, thema_andere=thema_andere,
                      doelgroep=doelgroep, open_vragen=open_vragen, volgende_stap=volgende_stap,
                      leden=leden)
    values = {"themas": [code for code in Thema.values if code in set(themas)],
              "thema_andere": thema_andere.strip() if Thema.ANDERE in themas else "",
              "doelgroep": doelgroep.strip(), "open_vragen": open_vragen.strip(),
              "volgende_stap": volgende_stap.strip()}
    member_values = {lid.registratie_id: lid.cleaned() for lid in leden}
    current = afspraak_current(partnerschap)
    if current is not None and _same_as(current, values, member_values):
        return current, False
    afspraak = Afspraak.objects.create(
        partnerschap=partnerschap, nummer=(current.nummer if current else 0) + 1,
        aangemaakt_door=user if user is not None and user.is_authenticated else None, **values)
    AfspraakLid.objects.bulk_create([AfspraakLid(afspraak=afspraak, registratie_id=pk, **v)
                                     for pk, v in member_values.items()])
    return afspraak, True


@transaction.atomic
def afspraak_submit(*, afspraak: Afspraak, base: str = "", user=None) -> int:
    """"Ter bevestiging voorleggen": a mail to each remaining member's contact person with a
    new link of its own to the dossier (``afspraak_link_issue``). The edit link is not
    touched, and the link of an earlier agreement mail keeps working.

    Allowed for the current version only; again later sends again (a reminder). Returns how
    many mails were queued.
    """
    afspraak = (Afspraak.objects.select_for_update().select_related("partnerschap")
                .get(pk=afspraak.pk))
    if afspraak.partnerschap.status == PartnerschapStatus.AFGEHAAKT:
        raise ValidationError(MSG_DROPPED, code="afgehaakt")
    current = afspraak_current(afspraak.partnerschap)
    if current is None or current.pk != afspraak.pk:
        raise ValidationError(MSG_NOT_CURRENT, code="niet_actueel")
    in_version = set(afspraak.leden.values_list("registratie_id", flat=True))
    recipients = [lid.registratie for lid in remaining_members(afspraak.partnerschap)
                  if lid.registratie_id in in_version]
    afspraak.voorgelegd_op = timezone.now()
    afspraak.save(update_fields=["voorgelegd_op"])
    for registratie in recipients:
        mails.agreement_mail(afspraak=afspraak, registratie=registratie, base=base,
                             token=afspraak_link_issue(afspraak=afspraak, registratie=registratie))
    return len(recipients)


def afspraak_link_issue(*, afspraak: Afspraak, registratie: Registratie) -> str:
    """A new link for one agreement mail: returns the token, stores only its hash."""
    token, hashed = new_token()
    AfspraakLink.objects.create(afspraak=afspraak, registratie=registratie, token_hash=hashed)
    return token


def registratie_for_afspraak_link(token: str) -> Registratie | None:
    """The registration an agreement mail's link opens, or None: unknown token, or one that
    erasure or retention made unusable (personal_data.wipe, declared in privacy.py)."""
    if not token or len(token) > 100:
        return None
    link = (AfspraakLink.objects.select_related("registratie__ronde")
            .filter(token_hash=token_hash(token)).first())
    return link.registratie if link is not None else None


def validate_agreement_answer(*, akkoord: bool, opmerking: str) -> None:
    if len(opmerking) > MAX_COMMENT:
        raise ValidationError({"opmerking": ValidationError(
            MSG_COMMENT_TOO_LONG, code="te_lang", params={"max": MAX_COMMENT})})
    if not akkoord and not opmerking.strip():
        raise ValidationError({"opmerking": ValidationError(MSG_COMMENT_REQUIRED,
                                                            code="opmerking_ontbreekt")})


def afspraak_answer(*, afspraak: Afspraak, registratie: Registratie, akkoord: bool,
                    opmerking: str = "", now: datetime | None = None) -> Bevestiging:
    """A member confirms the version put to it (``akkoord``) or comments on it.

    Only the current, submitted version, only by a member it describes that did not drop
    out. Who is the contact person's name as on the registration; answering again replaces
    the answer.
    """
    validate_agreement_answer(akkoord=akkoord, opmerking=opmerking)
    with transaction.atomic():
        afspraak = (Afspraak.objects.select_for_update().select_related("partnerschap")
                    .get(pk=afspraak.pk))
        partnerschap = afspraak.partnerschap
        if partnerschap.status == PartnerschapStatus.AFGEHAAKT:
            raise ValidationError(MSG_DROPPED, code="afgehaakt")
        current = afspraak_current(partnerschap)
        if current is None or current.pk != afspraak.pk:
            raise ValidationError(MSG_NOT_CURRENT, code="niet_actueel")
        if afspraak.voorgelegd_op is None:
            raise ValidationError(MSG_NOT_SUBMITTED, code="niet_voorgelegd")
        member = (afspraak.leden.filter(registratie=registratie).exists()
                  and partnerschap.lidmaatschappen.filter(registratie=registratie)
                  .exclude(deelname=Deelname.AFGEHAAKT).exists())
        if not member:
            raise ValidationError(MSG_NOT_A_MEMBER, code="geen_lid")
        bevestiging, _created = Bevestiging.objects.update_or_create(
            afspraak=afspraak, registratie=registratie,
            defaults={"akkoord": akkoord, "opmerking": "" if akkoord else opmerking.strip(),
                      "door": registratie.contact_naam[:200], "op": now or timezone.now()})
    return bevestiging


# ----- how far the confirmations are -----------------------------------------------------------

@dataclass(frozen=True)
class ConfirmationCount:
    """'bevestigd door 3 van 4' of one partnership's current version (None: no version yet)."""

    afspraak_id: int | None
    nummer: int | None
    bevestigd: int
    totaal: int
    commented: int = 0
    missing: tuple[int, ...] = field(default=())  # registration ids still to confirm

    @property
    def complete(self) -> bool:
        return self.afspraak_id is not None and self.totaal > 0 and not self.missing

    def __str__(self) -> str:
        if self.afspraak_id is None:
            return str(_("nog geen afspraak"))
        return str(_("bevestigd door %(n)d van %(totaal)d") % {"n": self.bevestigd,
                                                               "totaal": self.totaal})


def current_versions(partnerschap_ids: Iterable[int]):
    """The current version of each of these partnerships, as one queryset."""
    latest = (Afspraak.objects.filter(partnerschap=OuterRef("partnerschap"))
              .order_by("-nummer").values("nummer")[:1])
    return Afspraak.objects.filter(partnerschap_id__in=list(partnerschap_ids),
                                   nummer=Subquery(latest))


def confirmation_counts(partnerschap_ids: Iterable[int]) -> dict[int, ConfirmationCount]:
    """Per partnership: how many remaining members confirmed its current version.

    Three queries whatever the number of partnerships and versions. The members counted are
    the remaining ones (not dropped); a member that joined after the version was written is
    one that has not confirmed it.
    """
    pks = list(partnerschap_ids)
    versions = {a.partnerschap_id: a for a in current_versions(pks).only(
        "pk", "partnerschap_id", "nummer")}
    remaining: dict[int, list[int]] = defaultdict(list)
    for partnerschap_id, registratie_id in (
            Lidmaatschap.objects.filter(partnerschap_id__in=pks)
            .exclude(deelname=Deelname.AFGEHAAKT).order_by("pk")
            .values_list("partnerschap_id", "registratie_id")):
        remaining[partnerschap_id].append(registratie_id)
    answers: dict[int, dict[int, bool]] = defaultdict(dict)
    for afspraak_id, registratie_id, akkoord in (
            Bevestiging.objects.filter(afspraak__in=[a.pk for a in versions.values()])
            .values_list("afspraak_id", "registratie_id", "akkoord")):
        answers[afspraak_id][registratie_id] = akkoord
    result = {}
    for pk in pks:
        afspraak, members = versions.get(pk), remaining[pk]
        if afspraak is None:
            result[pk] = ConfirmationCount(None, None, 0, len(members), missing=tuple(members))
            continue
        given = answers[afspraak.pk]
        result[pk] = ConfirmationCount(
            afspraak.pk, afspraak.nummer,
            bevestigd=sum(1 for m in members if given.get(m) is True),
            totaal=len(members),
            commented=sum(1 for m in members if given.get(m) is False),
            missing=tuple(m for m in members if given.get(m) is not True))
    return result


def partnerschap_confirmation(partnerschap: Partnerschap) -> ConfirmationCount:
    return confirmation_counts([partnerschap.pk])[partnerschap.pk]


def all_confirmed(partnerschap: Partnerschap) -> bool:
    """The "gevormd" rule: every remaining member confirmed the current version."""
    return partnerschap_confirmation(partnerschap).complete


# ----- what one organisation's dossier shows ------------------------------------------------------

@dataclass
class DossierAgreement:
    """One partnership of the organisation with its current agreement and its own answer."""

    partnerschap: Partnerschap
    members: list[dict]  # {"naam", "contact"}: the others, contact only with consent
    afspraak: Afspraak | None
    leden: list[AfspraakLid]
    bevestiging: Bevestiging | None

    @property
    def to_confirm(self) -> bool:
        """Put to the organisation and not confirmed yet: the form shows."""
        return (self.afspraak is not None and self.afspraak.voorgelegd_op is not None
                and self.partnerschap.status != PartnerschapStatus.AFGEHAAKT
                and any(lid.registratie_id == self.registratie_id for lid in self.leden)
                and (self.bevestiging is None or not self.bevestiging.akkoord))

    registratie_id: int = 0


def registratie_agreements(registratie: Registratie) -> list[DossierAgreement]:
    """The organisation's partnerships, their current agreement as put to the members and its
    own answer: five queries whatever their number.

    Not the dropped ones nor those it left; not a mere proposal either (staff's idea until the
    members are invited or an agreement is put to them).
    """
    memberships = list(Lidmaatschap.objects.filter(registratie=registratie)
                       .exclude(deelname=Deelname.AFGEHAAKT)
                       .exclude(partnerschap__status=PartnerschapStatus.AFGEHAAKT)
                       .select_related("partnerschap").order_by("partnerschap__naam", "pk"))
    pks = [lid.partnerschap_id for lid in memberships]
    others: dict[int, list[dict]] = defaultdict(list)
    for lid in (Lidmaatschap.objects.filter(partnerschap_id__in=pks)
                .exclude(deelname=Deelname.AFGEHAAKT).exclude(registratie=registratie)
                .select_related("registratie").order_by("-rol", "registratie__naam", "pk")):
        others[lid.partnerschap_id].append({"naam": lid.registratie.naam,
                                            "contact": lid.registratie.contact_for_partners()})
    # Only versions put to the members: a draft is the coordinator's until it is submitted.
    versions = {a.partnerschap_id: a for a in current_versions(pks)
                .filter(voorgelegd_op__isnull=False)}
    leden: dict[int, list[AfspraakLid]] = defaultdict(list)
    for lid in (AfspraakLid.objects.filter(afspraak__in=list(versions.values()))
                .select_related("registratie").order_by("registratie__naam", "pk")):
        leden[lid.afspraak_id].append(lid)
    own = {b.afspraak_id: b for b in Bevestiging.objects.filter(
        afspraak__in=list(versions.values()), registratie=registratie)}
    result = []
    for lid in memberships:
        afspraak = versions.get(lid.partnerschap_id)
        if lid.partnerschap.status == PartnerschapStatus.VOORSTEL and afspraak is None:
            continue  # staff's proposal: the members learn of it from an invitation or agreement
        result.append(DossierAgreement(
            partnerschap=lid.partnerschap, members=others[lid.partnerschap_id],
            afspraak=afspraak, leden=leden[afspraak.pk] if afspraak else [],
            bevestiging=own.get(afspraak.pk) if afspraak else None,
            registratie_id=registratie.pk))
    return result
