"""Partnerships in Excel: one row per member, and the partnerships column of the registration sheet."""
from typing import BinaryIO

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portaal.excel import (
    LIST_SEPARATOR,
    BrusselsDateTimeWidget,
    ChoiceListWidget,
    ChoiceWidget,
    Column,
    FormulaSafeResource,
    TextWidget,
    write_xlsx,
)
from portaal.extensions import SheetColumn
from registraties.constants import Actie, Gewest, Provincie, RegistratieStatus, Thema
from registraties.excel.columns import OndernemingsnummerWidget
from registraties.excel.export import PERSONAL_DATA_NOTICE

from .constants import Antwoord, Basis, Deelname, GesprekStatus, LidRol, PartnerschapStatus
from .models import Gesprek, Lidmaatschap, Partnerschap, Uitnodiging

NO_CONSENT = _("(geen toestemming om te delen)")
NOT_INVITED = _("niet uitgenodigd")
NOT_ANSWERED = _("nog niet geantwoord")


class LidmaatschapResource(FormulaSafeResource):
    """The members of partnerships, partnership first, regisseur before partners."""

    partnerschap = Column(attribute="partnerschap__naam", column_name=_("Partnerschap"),
                          widget=TextWidget(), width=30)
    ronde = Column(attribute="partnerschap__ronde__titel", column_name=_("Ronde"),
                   widget=TextWidget(), width=20)
    basis = Column(attribute="partnerschap__basis", column_name=_("Basis van de bundeling"),
                   widget=ChoiceWidget(Basis), width=30)
    basis_andere = Column(attribute="partnerschap__basis_andere", column_name=_("Andere basis"),
                          widget=TextWidget(), width=20)
    partnerschap_status = Column(attribute="partnerschap__status",
                                 column_name=_("Status partnerschap"), widget=ChoiceWidget(PartnerschapStatus),
                                 width=14)
    partnerschap_themas = Column(attribute="partnerschap__themas",
                                 column_name=_("Thema's partnerschap"),
                                 widget=ChoiceListWidget(Thema), width=40)
    rol = Column(attribute="rol", column_name=_("Rol"), widget=ChoiceWidget(LidRol), width=20)
    acties = Column(attribute="acties", column_name=_("Acties"), widget=ChoiceListWidget(Actie),
                    width=50)
    referentie = Column(attribute="registratie__referentie", column_name=_("Referentie"),
                        widget=TextWidget(), width=14)
    naam = Column(attribute="registratie__naam", column_name=_("Naam organisatie"),
                  widget=TextWidget(), width=32)
    ondernemingsnummer = Column(attribute="registratie__ondernemingsnummer",
                                column_name=_("Ondernemingsnummer"),
                                widget=OndernemingsnummerWidget(), width=16)
    registratie_status = Column(attribute="registratie__status",
                                column_name=_("Status registratie"),
                                widget=ChoiceWidget(RegistratieStatus), width=16)
    gewest = Column(attribute="registratie__gewest", column_name=_("Gewest"),
                    widget=ChoiceWidget(Gewest), width=22)
    provincie = Column(attribute="registratie__provincie", column_name=_("Provincie"),
                       widget=ChoiceWidget(Provincie), width=16)
    contact_naam = Column(attribute="registratie__contact_naam",
                          column_name=_("Naam contactpersoon"), widget=TextWidget(), width=22)
    contact_email = Column(attribute="registratie__contact_email",
                           column_name=_("E-mailadres contactpersoon"), widget=TextWidget(),
                           width=30)
    contact_telefoon = Column(attribute="registratie__contact_telefoon",
                              column_name=_("Telefoon contactpersoon"), widget=TextWidget(),
                              width=16)
    toestemming_delen = Column(column_name=_("Toestemming om contactgegevens te delen"),
                               widget=TextWidget(), width=10)
    toegevoegd_op = Column(attribute="toegevoegd_op", column_name=_("Toegevoegd op"),
                           widget=BrusselsDateTimeWidget(), width=17)
    deelname = Column(attribute="deelname", column_name=_("Deelname"),
                      widget=ChoiceWidget(Deelname), width=16)
    # The member's state in the partnership's latest conversation that was not cancelled.
    gesprek_op = Column(attribute="gesprek_op", column_name=_("Laatste gesprek"),
                        widget=BrusselsDateTimeWidget(), width=17)
    uitgenodigd_op = Column(attribute="uitgenodigd_op", column_name=_("Uitgenodigd op"),
                            widget=BrusselsDateTimeWidget(), width=17)
    antwoord = Column(column_name=_("Antwoord op de uitnodiging"), widget=TextWidget(), width=24)
    antwoord_opmerking = Column(attribute="antwoord_opmerking",
                                column_name=_("Opmerking bij het antwoord"), widget=TextWidget(),
                                width=40)
    beantwoord_op = Column(attribute="beantwoord_op", column_name=_("Beantwoord op"),
                           widget=BrusselsDateTimeWidget(), width=17)
    notities = Column(attribute="partnerschap__notities", column_name=_("Notities partnerschap"),
                      widget=TextWidget(), width=40)

    def dehydrate_antwoord(self, lid: Lidmaatschap) -> str:
        if lid.gesprek_op is None:
            return ""
        if lid.uitgenodigd_op is None:
            return str(NOT_INVITED)
        return str(Antwoord(lid.antwoord).label) if lid.antwoord else str(NOT_ANSWERED)

    def dehydrate_toestemming_delen(self, lid: Lidmaatschap) -> str:
        return str(_("ja") if lid.registratie.toestemming_delen else _("nee"))

    # This file is the one that goes to the partners' table: contact details only of
    # organisations that agreed to share them.
    def _contact(self, lid: Lidmaatschap, name: str) -> str:
        shared = lid.registratie.contact_for_partners()
        return str(NO_CONSENT) if shared is None else shared[name]

    def dehydrate_contact_naam(self, lid: Lidmaatschap) -> str:
        return self._contact(lid, "contact_naam")

    def dehydrate_contact_email(self, lid: Lidmaatschap) -> str:
        return self._contact(lid, "contact_email")

    def dehydrate_contact_telefoon(self, lid: Lidmaatschap) -> str:
        return self._contact(lid, "contact_telefoon")

    def export_queryset(self, partnerschappen: QuerySet) -> QuerySet:
        """The members of ``partnerschappen`` with everything the columns read, in one query."""
        latest = (Gesprek.objects.filter(partnerschap_id=OuterRef("partnerschap_id"))
                  .exclude(status=GesprekStatus.GEANNULEERD).order_by("-begint_op", "-pk"))
        invitation = Uitnodiging.objects.filter(gesprek_id=OuterRef("gesprek_id"),
                                                registratie_id=OuterRef("registratie_id"),
                                                ingetrokken=False)
        return (Lidmaatschap.objects.filter(partnerschap__in=partnerschappen)
                .select_related("partnerschap__ronde", "registratie")
                .annotate(gesprek_id=Subquery(latest.values("pk")[:1]),
                          gesprek_op=Subquery(latest.values("begint_op")[:1]))
                .annotate(uitgenodigd_op=Subquery(invitation.values("uitgenodigd_op")[:1]),
                          antwoord=Subquery(invitation.values("antwoord")[:1]),
                          antwoord_opmerking=Subquery(invitation.values("opmerking")[:1]),
                          beantwoord_op=Subquery(invitation.values("beantwoord_op")[:1]))
                .order_by("partnerschap__naam", "partnerschap__pk", "-rol", "registratie__naam",
                          "pk"))


def partnerschappen_export(*, queryset: QuerySet | None = None, target: str | BinaryIO) -> int:
    """Write one row per member of the partnerships in ``queryset`` (all by default)."""
    if queryset is None:
        queryset = Partnerschap.objects.all()
    resource = LidmaatschapResource()
    return write_xlsx(target=target, resource=resource, rows=resource.export_rows(queryset),
                      sheet_title=str(_("Partnerschappen")), comments=str(PERSONAL_DATA_NOTICE))


def partnerschappen_count_text(queryset: QuerySet) -> str:
    partnerships = queryset.count()
    members = Lidmaatschap.objects.filter(partnerschap__in=queryset).count()
    return ngettext(
        "Het bestand bevat %(rows)d rij: één per lid van de %(partnerships)d gekozen "
        "partnerschap(pen).",
        "Het bestand bevat %(rows)d rijen: één per lid van de %(partnerships)d gekozen "
        "partnerschap(pen).", members) % {"rows": members, "partnerships": partnerships}


def partnership_names(registratie_ids: list[int]) -> dict[int, str]:
    """{registration id: the names of its partnerships, sorted}, in one query."""
    names: dict[int, list[str]] = {}
    pairs = (Lidmaatschap.objects.filter(registratie_id__in=registratie_ids)
             .order_by("partnerschap__naam").values_list("registratie_id", "partnerschap__naam"))
    for registratie_id, naam in pairs:
        names.setdefault(registratie_id, []).append(naam)
    return {pk: LIST_SEPARATOR.join(found) for pk, found in names.items()}


# The registration sheet's column, added by PartnerschappenConfig.ready().
PARTNERSHIPS_COLUMN = SheetColumn(key="partnerschappen", column_name=_("Partnerschappen"),
                                  load=partnership_names)
