"""Who is in a partnership: the rules on members and roles, the writes, the warnings.

The one place every entrance uses (the admin's members inline, the batch action, the
suggestions). A new partnership rule goes here; a new conversation step in ``gesprekken.py``.
"""
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from portaal.history import set_history_user
from registraties import review
from registraties.constants import Actie
from registraties.models import Registratie
from verkenning.models import Ronde

from . import gesprekken
from .constants import MIN_MEMBERS, Basis, LidRol, PartnerschapStatus
from .models import Lidmaatschap, Partnerschap

MSG_TOO_FEW = _("Een partnerschap heeft minstens %(min)d leden. Voeg leden toe of kies meer "
                "registraties.")
MSG_OTHER_ROUND = _("%(naam)s hoort bij een andere ronde. Voeg alleen registraties van de ronde "
                     "'%(ronde)s' toe.")
MSG_NOT_ELIGIBLE = _("%(naam)s is niet ontvankelijk en kan geen lid worden van een "
                          "partnerschap.")
MSG_SECOND_REGISSEUR = _("Een partnerschap heeft hoogstens één regisseur. Duid één lid aan als "
                            "regisseur en maak de andere leden partner.")
MSG_ALREADY_MEMBER = _("%(naam)s is al lid van dit partnerschap.")
MSG_ONE_ROUND = _("Selecteer registraties van één ronde: een partnerschap hoort bij één ronde.")

WARN_NO_REGISSEUR = _("Nog geen regisseur: duid het lid aan dat de regierol opneemt.")
WARN_ACTIONS_UNCOVERED = _("Niemand neemt deze acties op: %(acties)s.")
WARN_ALSO_ELSEWHERE = _("%(naam)s is ook lid van een ander actief partnerschap: %(andere)s.")
WARN_TO_REVIEW = _("Nog te beoordelen (ingediend of in behandeling): %(namen)s.")
WARN_REFUSED_SINCE = _("%(naam)s is intussen niet ontvankelijk verklaard: haal dit "
                                    "lid uit het partnerschap.")
WARN_NO_MEMBERS = _("Dit partnerschap heeft nog geen leden.")

REASON_REMOVED = "Uit het partnerschap gehaald"


@dataclass(frozen=True)
class PartnershipWarning:
    """Something staff should look at; it does not block saving."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def validate_member(*, ronde: Ronde, registratie: Registratie) -> None:
    """Raise a ValidationError when this registration cannot join a partnership of ``ronde``."""
    errors = []
    if registratie.ronde_id != ronde.pk:
        errors.append(ValidationError(MSG_OTHER_ROUND, code="andere_ronde",
                                      params={"naam": registratie.naam, "ronde": str(ronde)}))
    if registratie.status == review.REFUSED:
        errors.append(ValidationError(MSG_NOT_ELIGIBLE, code="niet_ontvankelijk",
                                      params={"naam": registratie.naam}))
    if errors:
        raise ValidationError(errors)


def validate_roles(*, rollen: Iterable[str]) -> None:
    """At most one member directs the partnership (the regierol)."""
    if sum(1 for rol in rollen if rol == LidRol.REGISSEUR) > 1:
        raise ValidationError(MSG_SECOND_REGISSEUR, code="meerdere_regisseurs")


def validate_member_count(count: int) -> None:
    """No empty or one-member partnership: it needs at least MIN_MEMBERS members."""
    if count < MIN_MEMBERS:
        raise ValidationError(MSG_TOO_FEW, code="te_weinig_leden", params={"min": MIN_MEMBERS})


def validate_members(*, ronde: Ronde, members: Iterable[tuple[Registratie, str]]) -> None:
    """Every rule on a whole membership list of (registration, role) pairs at once."""
    members = list(members)
    errors: list[ValidationError] = []
    try:
        validate_member_count(len({registratie.pk for registratie, _rol in members}))
    except ValidationError as exc:
        errors.extend(exc.error_list)
    for registratie, _rol in members:
        try:
            validate_member(ronde=ronde, registratie=registratie)
        except ValidationError as exc:
            errors.extend(exc.error_list)
    try:
        validate_roles(rollen=[rol for _registratie, rol in members])
    except ValidationError as exc:
        errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)


def default_actions(registratie: Registratie) -> list[str]:
    """A new member takes on the actions it said it would in its registration."""
    return list(registratie.rollen or [])


@transaction.atomic
def partnerschap_create(
    *,
    ronde: Ronde,
    naam: str,
    registraties: Sequence[Registratie] = (),
    regisseur: Registratie | None = None,
    basis: str = Basis.GELIJKAARDIGE_UITDAGINGEN,
    basis_andere: str = "",
    themas: Sequence[str] = (),
    status: str = PartnerschapStatus.VOORSTEL,
    notities: str = "",
    user=None,
) -> Partnerschap:
    """A new partnership with ``registraties`` as members; ``regisseur`` (one of them) directs."""
    members = [(r, LidRol.REGISSEUR if regisseur is not None and r.pk == regisseur.pk
                else LidRol.PARTNER) for r in registraties]
    validate_members(ronde=ronde, members=members)
    partnerschap = Partnerschap.objects.create(
        ronde=ronde, naam=naam, basis=basis, basis_andere=basis_andere, themas=list(themas),
        status=status, notities=notities,
        aangemaakt_door=user if user is not None and user.is_authenticated else None,
    )
    # One by one (at most a handful): each member gets its history row, which bulk_create skips.
    for r, rol in {r.pk: (r, rol) for r, rol in members}.values():
        Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=r, rol=rol,
                                    acties=default_actions(r))
    return partnerschap


@transaction.atomic
def partnerschap_add_member(
    *,
    partnerschap: Partnerschap,
    registratie: Registratie,
    rol: str = LidRol.PARTNER,
    acties: Sequence[str] | None = None,
) -> Lidmaatschap:
    """Add one member, after every rule; the partnership row is locked so two regisseurs cannot race."""
    Partnerschap.objects.select_for_update().filter(pk=partnerschap.pk).first()
    validate_member(ronde=partnerschap.ronde, registratie=registratie)
    existing = list(partnerschap.lidmaatschappen.values_list("registratie_id", "rol"))
    if any(pk == registratie.pk for pk, _rol in existing):
        raise ValidationError(MSG_ALREADY_MEMBER, code="al_lid", params={"naam": registratie.naam})
    validate_roles(rollen=[r for _pk, r in existing] + [rol])
    return Lidmaatschap.objects.create(
        partnerschap=partnerschap, registratie=registratie, rol=rol,
        acties=default_actions(registratie) if acties is None else list(acties),
    )


@transaction.atomic
def partnerschap_remove_member(*, partnerschap: Partnerschap, registratie: Registratie,
                               base: str = "", user=None) -> bool:
    """Take a member out (the registration stays); False when it was not one.

    The one path for a removal, the members inline's too: the history records who removed
    it, and its upcoming invitations are withdrawn (a cancellation for its calendar).
    """
    lid = (partnerschap.lidmaatschappen.select_for_update()
           .filter(registratie=registratie).first())
    if lid is None:
        return False
    lid._change_reason = REASON_REMOVED
    set_history_user(lid, user)
    lid.delete()
    gesprekken.uitnodigingen_withdraw(partnerschap=partnerschap, registratie_id=registratie.pk,
                                      base=base, user=user)
    return True


@dataclass
class BatchOutcome:
    """What adding a selection of registrations did: who joined where, who was refused and why."""

    partnerschap: Partnerschap | None  # None: too few qualified, nothing was created
    added: list[Registratie] = field(default_factory=list)
    refused: list[tuple[Registratie, ValidationError]] = field(default_factory=list)
    not_created: ValidationError | None = None  # why no partnership was created


def _sort_into(outcome: "BatchOutcome", registraties, attempt) -> None:
    """Run ``attempt`` per registration: refused (with why) when it raises, else added."""
    for registratie in registraties:
        try:
            attempt(registratie)
        except ValidationError as exc:
            outcome.refused.append((registratie, exc))
        else:
            outcome.added.append(registratie)


def partnerschap_add_registraties(
    *,
    registraties: Sequence[Registratie],
    partnerschap: Partnerschap | None = None,
    naam: str = "",
    basis: str = Basis.GELIJKAARDIGE_UITDAGINGEN,
    user=None,
) -> BatchOutcome:
    """Add a selection of registrations to ``partnerschap``, or create one named ``naam`` from it.

    A registration a rule refuses is reported with why; the others join. A new partnership
    is created only when at least MIN_MEMBERS qualify, else nothing is written. Raises a
    ValidationError when a new partnership would mix rounds.
    """
    outcome = BatchOutcome(partnerschap=partnerschap)
    if partnerschap is not None:
        _sort_into(outcome, registraties, lambda registratie: partnerschap_add_member(
            partnerschap=partnerschap, registratie=registratie))
        return outcome

    if len({r.ronde_id for r in registraties}) > 1:
        raise ValidationError(MSG_ONE_ROUND, code="meerdere_rondes")
    ronde = registraties[0].ronde if registraties else None
    _sort_into(outcome, registraties, lambda registratie: validate_member(
        ronde=ronde, registratie=registratie))
    try:
        validate_member_count(len(outcome.added))
    except ValidationError as exc:
        # No empty or one-member partnership: nobody joins anything.
        outcome.added, outcome.not_created = [], exc
        return outcome
    outcome.partnerschap = partnerschap_create(ronde=ronde, naam=naam.strip(),
                                               registraties=outcome.added, basis=basis, user=user)
    return outcome


def _names(names: Iterable[str]) -> str:
    return ", ".join(names)


def warnings_for_partnerships(partnerschappen: Sequence[Partnerschap]
                              ) -> dict[int, list[PartnershipWarning]]:
    """The warnings of several partnerships in two queries, whatever their number."""
    pks = [p.pk for p in partnerschappen]
    leden_per_partnerschap: dict[int, list[Lidmaatschap]] = defaultdict(list)
    for lid in (Lidmaatschap.objects.filter(partnerschap_id__in=pks)
                .select_related("registratie").order_by("pk")):
        leden_per_partnerschap[lid.partnerschap_id].append(lid)
    registratie_pks = {lid.registratie_id for leden in leden_per_partnerschap.values()
                       for lid in leden}
    elsewhere: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for registratie_id, partnerschap_id, naam in (
        Lidmaatschap.objects.filter(registratie_id__in=registratie_pks).in_active_partnership()
        .order_by("partnerschap__naam", "partnerschap_id")
        .values_list("registratie_id", "partnerschap_id", "partnerschap__naam")
    ):
        elsewhere[registratie_id].append((partnerschap_id, naam))

    result = {}
    for partnerschap in partnerschappen:
        result[partnerschap.pk] = _warnings(partnerschap, leden_per_partnerschap[partnerschap.pk],
                                            elsewhere)
    return result


def _warnings(partnerschap, leden, elsewhere) -> list[PartnershipWarning]:
    warnings: list[PartnershipWarning] = []
    if not leden:
        return [PartnershipWarning("geen_leden", str(WARN_NO_MEMBERS))]
    if not any(lid.rol == LidRol.REGISSEUR for lid in leden):
        warnings.append(PartnershipWarning("geen_regisseur", str(WARN_NO_REGISSEUR)))
    taken = {actie for lid in leden for actie in lid.acties or []}
    missing = [label for code, label in Actie.choices if code not in taken]
    if missing:
        warnings.append(PartnershipWarning(
            "acties_onbemand", str(WARN_ACTIONS_UNCOVERED) % {"acties": _names(map(str, missing))}))
    for lid in leden:
        others = [naam for pk, naam in elsewhere.get(lid.registratie_id, [])
                  if pk != partnerschap.pk]
        if others:
            warnings.append(PartnershipWarning("ook_elders", str(WARN_ALSO_ELSEWHERE) % {
                "naam": lid.registratie.naam, "andere": _names(others)}))
    for lid in leden:
        if lid.registratie.status == review.REFUSED:
            warnings.append(PartnershipWarning("niet_ontvankelijk", str(
                WARN_REFUSED_SINCE) % {"naam": lid.registratie.naam}))
    to_review = [lid.registratie.naam for lid in leden
                 if lid.registratie.status in review.TO_REVIEW]
    if to_review:
        warnings.append(PartnershipWarning("te_beoordelen",
                                           str(WARN_TO_REVIEW) % {"namen": _names(to_review)}))
    return warnings


def partnerschap_warnings(*, partnerschap: Partnerschap) -> list[PartnershipWarning]:
    """What staff should still look at in this partnership (shown, never blocking)."""
    return warnings_for_partnerships([partnerschap])[partnerschap.pk]


