"""The numbers of the building blocks, read through the selectors the staff pages use.

The round in figures comes from ``registraties.admin.overview.registratie_overview`` (the
overview's own counts, never recounted here) and ``partnerschappen.selectors.partnership_counts``;
sectors and joint committees are read as the suggestion engine reads them
(``suggestions.sector_names``, ``suggestions.joint_committees``). What the partnerships settled
comes from their agreements (``afspraken.py``). A fixed number of queries whatever the size.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from registraties.admin.overview import registratie_overview
from registraties.constants import Provincie, Thema
from registraties.models import Registratie
from verkenning.models import Ronde

from .. import afspraken
from ..constants import Deelname, PartnerschapStatus
from ..models import AfspraakLid, Bevestiging, Lidmaatschap, Partnerschap
from ..selectors import partnership_counts
from ..suggestions import joint_committees, sector_names

# The overview's charts the document shows, in its order (the per-day chart and the review
# flags are staff work, not the call's).
GROUPS = ("type", "provincie", "gewest", "status", "thema", "rol", "vaardigheid")
# Flanders's five provinces and Brussels: the map's tiles and the coverage table.
MAP_PROVINCES = (Provincie.WEST_VLAANDEREN, Provincie.OOST_VLAANDEREN, Provincie.ANTWERPEN,
                 Provincie.LIMBURG, Provincie.VLAAMS_BRABANT, Provincie.BRUSSEL)
# Partnerships the document describes page by page.
DESCRIBED = (PartnerschapStatus.IN_GESPREK, PartnerschapStatus.GEVORMD)
SMALL_MAJORITY = 50  # percent: "mostly small companies" (the call's ≤ 50 employees)


@dataclass
class Group:
    key: str
    title: str
    rows: list[tuple[str, int]]


@dataclass
class SmallShare:
    """What the registrations say of the companies they reach."""

    answered: int  # registrations that gave both a number and a share
    mostly_small: int  # ... of which at least half small companies
    companies: int  # companies they reach together
    small_companies: int  # ... of which small (number × share, summed)

    @property
    def percentage(self) -> int:
        return round(100 * self.small_companies / self.companies) if self.companies else 0


@dataclass
class MemberView:
    naam: str
    rol: str
    acties: list[str]
    sectoren: str = ""
    paritaire_comites: str = ""
    provincies: list[str] = field(default_factory=list)
    bereik_ondernemingen: int | None = None
    bereik_werknemers: int | None = None
    bijdrage: str = ""
    bevestigd: str = ""  # "bevestigd op 03/10/2026", "opmerking op …", "nog niet"


@dataclass
class AgreementView:
    nummer: int
    vastgelegd_op: object
    voorgelegd_op: object
    themas: list[str]
    thema_codes: list[str]
    doelgroep: str
    open_vragen: str
    volgende_stap: str
    confirmed_by: list[str]  # organisation names
    confirmed_count: int
    member_count: int
    # code of a province -> reach in companies (a member's reach shared over its provinces)
    reach_per_province: Counter = field(default_factory=Counter)

    @property
    def all_confirmed(self) -> bool:
        return self.member_count > 0 and self.confirmed_count == self.member_count


@dataclass
class PartnershipView:
    pk: int
    naam: str
    status: str
    status_code: str
    themas: list[str]
    thema_codes: list[str]
    members: list[MemberView]
    sectors: list[str]
    committees: list[str]
    provinces: list[str]  # codes
    agreement: AgreementView | None = None

    @property
    def reach_companies(self) -> int:
        return sum(m.bereik_ondernemingen or 0 for m in self.members)

    @property
    def reach_workers(self) -> int:
        return sum(m.bereik_werknemers or 0 for m in self.members)


@dataclass
class CoverageRow:
    key: str  # sector name, joint committee number, province or theme code
    label: str
    registrations: int
    partnerships: list[str]  # names of the partnerships in conversation or formed
    formed: list[str]  # ... of which formed


@dataclass
class Figures:
    ronde: Ronde
    total: int
    to_review: int
    groups: list[Group]
    partnerships_per_status: list[tuple[str, int]]
    small: SmallShare
    sectors: list[CoverageRow]
    committees: list[CoverageRow]
    provinces: list[CoverageRow]
    themes: list[CoverageRow]
    # province code -> registrations, confirmed reach (companies) of formed partnerships
    map_registrations: dict[str, int]
    map_reach: dict[str, int]
    partnerships: list[PartnershipView]

    def group(self, key: str) -> Group:
        return next(group for group in self.groups if group.key == key)

    @property
    def white_sectors(self) -> list[CoverageRow]:
        return [row for row in self.sectors if row.registrations and not row.formed]

    @property
    def white_committees(self) -> list[CoverageRow]:
        return [row for row in self.committees if row.registrations and not row.formed]

    @property
    def white_provinces(self) -> list[CoverageRow]:
        return [row for row in self.provinces if row.registrations and not row.formed]

    @property
    def white_themes(self) -> list[CoverageRow]:
        return [row for row in self.themes if row.registrations and not row.formed]

    @property
    def open_questions(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """[(theme, [(partnership, questions), …]), …] in the call's order of themes; an
        agreement with several themes is listed under each."""
        by_theme: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for view in self.partnerships:
            agreement = view.agreement
            if agreement is None or not agreement.open_vragen.strip():
                continue
            for code in agreement.thema_codes or [Thema.ANDERE]:
                by_theme[code].append((view.naam, agreement.open_vragen.strip()))
        return [(str(label), by_theme[code]) for code, label in Thema.choices if by_theme[code]]


def _small_share(rows) -> SmallShare:
    answered = rows.filter(aantal_ondernemingen__isnull=False,
                           aandeel_kleine_ondernemingen__isnull=False)
    totals = answered.aggregate(
        answered=Count("pk"),
        mostly_small=Count("pk", filter=Q(aandeel_kleine_ondernemingen__gte=SMALL_MAJORITY)),
        companies=Sum("aantal_ondernemingen"))
    small = 0
    # Per share (at most 101 groups), so that rounding is done once, as the Excel sheet's reader would.
    for share, companies in (answered.values_list("aandeel_kleine_ondernemingen")
                             .annotate(n=Sum("aantal_ondernemingen")).order_by()):
        small += companies * share
    return SmallShare(answered=totals["answered"] or 0, mostly_small=totals["mostly_small"] or 0,
                      companies=totals["companies"] or 0, small_companies=round(small / 100))


def _coverage(counts: Counter, labels: dict[str, str], covering: dict[str, list[PartnershipView]],
              keep_order: bool = False) -> list[CoverageRow]:
    keys = list(labels) if keep_order else sorted(
        set(counts) | set(covering), key=lambda key: (-counts[key], labels.get(key, key)))
    rows = []
    for key in keys:
        views = covering.get(key, [])
        rows.append(CoverageRow(
            key=key, label=labels.get(key, key), registrations=counts[key],
            partnerships=[view.naam for view in views],
            formed=[view.naam for view in views if view.status_code == PartnerschapStatus.GEVORMD]))
    return rows


def _partnerships(ronde: Ronde) -> list[PartnershipView]:
    """The partnerships in conversation or formed, with their members, in two queries (and
    those of their agreements)."""
    partnerships = list(Partnerschap.objects.filter(ronde=ronde, status__in=DESCRIBED)
                        .order_by("naam", "pk"))
    members: dict[int, list[Lidmaatschap]] = defaultdict(list)
    for lid in (Lidmaatschap.objects.filter(partnerschap__in=partnerships)
                .exclude(deelname=Deelname.AFGEHAAKT)
                .select_related("registratie").order_by("-rol", "registratie__naam", "pk")):
        members[lid.partnerschap_id].append(lid)
    agreements = _agreements(partnerships)
    views = []
    for partnerschap in partnerships:
        leden = members[partnerschap.pk]
        agreement, agreement_members = agreements.get(partnerschap.pk, (None, {}))
        member_views, sectors, committees, provinces = [], [], [], []
        for lid in leden:
            registratie = lid.registratie
            view = agreement_members.get(registratie.pk) or MemberView(
                naam=registratie.naam, rol="", acties=lid.acties_labels,
                sectoren=registratie.sectoren, paritaire_comites=registratie.paritaire_comites,
                provincies=[registratie.provincie] if registratie.provincie else [])
            view.rol = str(lid.get_rol_display())
            member_views.append(view)
            for name in sector_names(view.sectoren):
                if name not in sectors:
                    sectors.append(name)
            for number in joint_committees(view.paritaire_comites):
                if number not in committees:
                    committees.append(number)
            for code in view.provincies:
                if code not in provinces:
                    provinces.append(code)
        thema_codes = agreement.thema_codes if agreement else list(partnerschap.themas or [])
        views.append(PartnershipView(
            pk=partnerschap.pk, naam=partnerschap.naam, status=partnerschap.get_status_display(),
            status_code=partnerschap.status,
            themas=[str(label) for label in Partnerschap._meta.get_field("themas").labels(thema_codes)],
            thema_codes=thema_codes, members=member_views, sectors=sectors,
            committees=committees, provinces=provinces, agreement=agreement))
    return views


def _shared_reach(reach: int, provinces: list[str]) -> Counter:
    """A member's reach shared evenly over its provinces (the first ones take the remainder),
    so that the map's provinces add up to the partnerships' reach."""
    if not provinces:
        return Counter()
    share, rest = divmod(reach, len(provinces))
    return Counter({code: share + (1 if index < rest else 0)
                    for index, code in enumerate(provinces)})


def _agreements(partnerships: list[Partnerschap]) -> dict[int, tuple[AgreementView, dict]]:
    """{partnership pk: (its current agreement, {registration pk: MemberView})}, read with the
    agreement's own selectors (afspraken.current_versions, afspraken.confirmation_counts)."""
    pks = [partnerschap.pk for partnerschap in partnerships]
    versions = {afspraak.pk: afspraak for afspraak in afspraken.current_versions(pks)}
    if not versions:
        return {}
    counts = afspraken.confirmation_counts(pks)
    answers: dict[int, dict[int, Bevestiging]] = defaultdict(dict)
    for bevestiging in Bevestiging.objects.filter(afspraak__in=list(versions)):
        answers[bevestiging.afspraak_id][bevestiging.registratie_id] = bevestiging
    members: dict[int, dict[int, MemberView]] = defaultdict(dict)
    for lid in (AfspraakLid.objects.filter(afspraak__in=list(versions))
                .select_related("registratie").order_by("pk")):
        answer = answers[lid.afspraak_id].get(lid.registratie_id)
        members[lid.afspraak_id][lid.registratie_id] = MemberView(
            naam=lid.registratie.naam, rol="", acties=[str(a) for a in lid.acties_labels],
            sectoren=lid.sectoren, paritaire_comites=lid.paritaire_comites,
            provincies=list(lid.provincies or []),
            bereik_ondernemingen=lid.bereik_ondernemingen, bereik_werknemers=lid.bereik_werknemers,
            bijdrage=lid.bijdrage, bevestigd=_answer_text(answer))
    result = {}
    for afspraak in versions.values():
        count = counts[afspraak.partnerschap_id]
        remaining = set(count.missing)
        described = members[afspraak.pk]
        confirmed = sorted(view.naam for pk, view in described.items()
                           if pk not in remaining and (answer := answers[afspraak.pk].get(pk))
                           and answer.akkoord)
        reach: Counter = Counter()
        for view in described.values():
            reach.update(_shared_reach(view.bereik_ondernemingen or 0, view.provincies))
        result[afspraak.partnerschap_id] = (AgreementView(
            nummer=afspraak.nummer, vastgelegd_op=afspraak.aangemaakt_op,
            voorgelegd_op=afspraak.voorgelegd_op,
            themas=[str(label) for label in afspraak.themas_labels],
            thema_codes=list(afspraak.themas or []), doelgroep=afspraak.doelgroep,
            open_vragen=afspraak.open_vragen, volgende_stap=afspraak.volgende_stap,
            confirmed_by=confirmed, confirmed_count=count.bevestigd, member_count=count.totaal,
            reach_per_province=reach), described)
    return result


def _answer_text(answer: Bevestiging | None) -> str:
    if answer is None:
        return str(_("nog niet bevestigd"))
    day = date_format(timezone.localtime(answer.op), "d/m/Y")
    if answer.akkoord:
        return str(_("bevestigd op %(dag)s") % {"dag": day})
    return str(_("opmerking op %(dag)s") % {"dag": day})


def round_figures(*, ronde: Ronde) -> Figures:
    """Every number and name the document shows, for ``ronde``."""
    overview = registratie_overview(ronde=ronde, use_cache=False)
    charts = {chart.key: chart for chart in overview.charts}
    groups = [Group(key=key, title=charts[key].title,
                    rows=[(bar.label, bar.count) for bar in charts[key].bars]) for key in GROUPS]
    per_status, _per_answer = partnership_counts(ronde=ronde)
    rows = Registratie.objects.filter(ronde=ronde)

    sector_counts: Counter = Counter()
    committee_counts: Counter = Counter()
    theme_counts: Counter = Counter()
    for sectoren, comites, themas in rows.values_list("sectoren", "paritaire_comites", "themas"):
        sector_counts.update(sector_names(sectoren))
        committee_counts.update(joint_committees(comites))
        theme_counts.update(set(themas or []))

    views = _partnerships(ronde)
    by_sector, by_committee, by_province, by_theme = (defaultdict(list) for _i in range(4))
    for view in views:
        for name in view.sectors:
            by_sector[name].append(view)
        for number in view.committees:
            by_committee[number].append(view)
        for code in view.provinces:
            by_province[code].append(view)
        for code in view.thema_codes:
            by_theme[code].append(view)

    province_labels = dict(Provincie.choices)
    label_to_code = {str(label): code for code, label in Provincie.choices}
    province_counts = Counter({label_to_code[label]: count
                               for label, count in groups[GROUPS.index("provincie")].rows})

    reach: Counter = Counter()
    for view in views:
        if view.status_code == PartnerschapStatus.GEVORMD and view.agreement is not None \
                and view.agreement.all_confirmed:
            reach.update(view.agreement.reach_per_province)

    return Figures(
        ronde=ronde, total=overview.total, to_review=overview.to_review, groups=groups,
        partnerships_per_status=[(str(label), per_status[code])
                                 for code, label in PartnerschapStatus.choices],
        small=_small_share(rows),
        sectors=_coverage(sector_counts, {}, by_sector),
        committees=_coverage(committee_counts, {}, by_committee),
        provinces=_coverage(province_counts, {code: str(province_labels[code])
                                              for code in MAP_PROVINCES}, by_province,
                            keep_order=True),
        themes=_coverage(theme_counts, {code: str(label) for code, label in Thema.choices},
                         by_theme, keep_order=True),
        map_registrations={code: province_counts[code] for code in MAP_PROVINCES},
        map_reach={code: reach[code] for code in MAP_PROVINCES},
        partnerships=views)

