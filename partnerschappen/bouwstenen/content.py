"""The document as plain sections of paragraphs, lists and tables: what the PDF and the Word
file both show, built once from the figures (so the two can never tell a different story).

Dutch throughout; organisations by name only, never a person.
"""
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .figures import MAP_PROVINCES, CoverageRow, Figures, PartnershipView
from .tilemap import SHORT_NAMES, tile_map


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()  # columns with numbers (right-aligned)
    # Column widths in percent: the PDF lays the table out at once from them (a fixed table
    # layout), instead of measuring every cell's text first.
    widths: tuple[int, ...] = ()

    def __post_init__(self):
        if not self.widths:
            first = 70 if len(self.headers) == 2 else 40
            rest = (100 - first) // max(1, len(self.headers) - 1)
            self.widths = (first, *([rest] * (len(self.headers) - 1)))


@dataclass
class Block:
    text: str = ""
    heading: str = ""  # a subheading (level 3)
    items: list[str] = field(default_factory=list)
    table: Table | None = None
    svg: SafeString | None = None  # the PDF draws it; the Word file has the table beside it
    caption: str = ""  # the map's caption (a figure in the tagged PDF; a line in Word)


@dataclass
class Section:
    title: str
    blocks: list[Block]
    level: int = 1
    new_page: bool = False
    # The anchor of the section (the PDF's bookmarks and the table of contents).
    key: str = ""


@dataclass
class Document:
    title: str
    subtitle: str
    made_on: str
    sections: list[Section]


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y") if moment else "–"


def _names(names: list[str]) -> str:
    return ", ".join(names) if names else "–"


# A coverage cell names at most this many partnerships; every partnership's own page names
# all its sectors, committees and provinces.
NAMED = 6


def _some_names(names: list[str], formed: list[str] | None = None) -> str:
    """'12 (8 gevormd): A, B, C, D, E, F en nog 6', or the names when there are few."""
    if not names:
        return "–"
    shown = ", ".join(names[:NAMED])
    if len(names) > NAMED:
        shown = _("%(names)s en nog %(rest)d") % {"names": shown, "rest": len(names) - NAMED}
    if formed is None:
        return shown
    return _("%(n)d (%(formed)d gevormd): %(names)s") % {
        "n": len(names), "formed": len(formed), "names": shown}


def _figures_section(figures: Figures) -> Section:
    blocks = [Block(text=_("Registraties in deze ronde: %(total)d. Nog te beoordelen: "
                           "%(to_review)d.") % {"total": figures.total,
                                                "to_review": figures.to_review})]
    for group in figures.groups:
        blocks.append(Block(table=Table(caption=group.title,
                                        headers=[_("Antwoord"), _("Registraties")],
                                        rows=[[label, str(count)] for label, count in group.rows],
                                        numeric=(1,))))
    small = figures.small
    blocks.append(Block(table=Table(
        caption=_("Kleine ondernemingen (hoogstens 50 werknemers)"),
        headers=[_("Gegeven"), _("Aantal")],
        rows=[[_("Registraties met een aantal en een aandeel"), str(small.answered)],
              [_("waarvan minstens de helft kleine ondernemingen"), str(small.mostly_small)],
              [_("Bereikte ondernemingen samen"), str(small.companies)],
              [_("waarvan kleine ondernemingen (aantal × aandeel)"), str(small.small_companies)],
              [_("Aandeel kleine ondernemingen"), f"{small.percentage} %"]],
        numeric=(1,))))
    blocks.append(Block(table=Table(
        caption=_("Partnerschappen per status"), headers=[_("Status"), _("Partnerschappen")],
        rows=[[label, str(count)] for label, count in figures.partnerships_per_status],
        numeric=(1,))))
    return Section(title=_("De ronde in cijfers"), blocks=blocks, key="cijfers")


def _coverage_table(caption: str, first: str, rows: list[CoverageRow]) -> Table:
    return Table(caption=caption,
                 headers=[first, _("Registraties"), _("Partnerschappen in gesprek of gevormd")],
                 rows=[[row.label, str(row.registrations),
                        _some_names(row.partnerships, row.formed)]
                       for row in rows], numeric=(1,), widths=(26, 16, 58))


def _white_spots(label: str, rows: list[CoverageRow]) -> Block:
    return Block(heading=label, items=[
        ngettext("%(name)s (%(count)d registratie)", "%(name)s (%(count)d registraties)",
                 row.registrations) % {"name": row.label, "count": row.registrations}
        for row in rows] or [_("Geen: elk heeft een gevormd partnerschap.")])


def _coverage_section(figures: Figures) -> Section:
    provinces = {row.key: row for row in figures.provinces}
    registrations_title = _("Registraties per provincie")
    reach_title = _("Bevestigd bereik van gevormde partnerschappen (ondernemingen)")
    map_blocks = [Block(text=_(
        "De kaart toont per provincie hoeveel organisaties zich registreerden, en hoeveel "
        "kleine ondernemingen de gevormde partnerschappen volgens hun bevestigde afspraak "
        "samen bereiken (het bereik van een lid gelijk verdeeld over zijn provincies).")),
        Block(svg=tile_map(figures.map_registrations, title=registrations_title,
                           unit=_("registraties")), caption=_("Kaart: %(title)s") % {
                               "title": registrations_title}),
        Block(svg=tile_map(figures.map_reach, title=reach_title, unit=_("ondernemingen")),
              caption=_("Kaart: %(title)s") % {"title": reach_title}),
        Block(table=Table(
            caption=_("Dekking per provincie"),
            headers=[_("Provincie"), _("Registraties"), _("Bevestigd bereik"),
                     _("Gevormde partnerschappen")],
            rows=[[SHORT_NAMES[code], str(figures.map_registrations[code]),
                   str(figures.map_reach[code]),
                   _some_names(provinces[code].formed)]
                  for code in MAP_PROVINCES], numeric=(1, 2), widths=(25, 17, 20, 38)))]
    return Section(title=_("Dekking"), key="dekking", new_page=True, blocks=[
        *map_blocks,
        Block(table=_coverage_table(_("Sectoren"), _("Sector"), figures.sectors)),
        Block(table=_coverage_table(_("Paritaire comités"), _("Paritair comité"),
                                    figures.committees)),
        Block(heading=_("Witte vlekken"), text=_(
            "Met interesse in de registraties, maar zonder gevormd partnerschap:")),
        _white_spots(_("Sectoren"), figures.white_sectors),
        _white_spots(_("Paritaire comités"), figures.white_committees),
        _white_spots(_("Provincies"), figures.white_provinces),
        _white_spots(_("Thema's"), figures.white_themes),
    ])


def _sentence(text: str) -> str:
    text = " ".join((text or "–").split())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _partnership_section(view: PartnershipView) -> Section:
    agreement = view.agreement
    blocks = [Block(text=_("Status: %(status)s. Thema's: %(themas)s.") % {
        "status": view.status, "themas": _names(view.themas)})]
    blocks.append(Block(table=Table(
        caption=_("Leden en hun acties (bereik: ondernemingen met hoogstens 50 werknemers, "
                  "werknemers van wie de competenties in kaart gebracht worden)"),
        headers=[_("Organisatie"), _("Rol en acties"), _("Provincies"), _("Ondernemingen"),
                 _("Werknemers")],
        rows=[[member.naam, f"{member.rol}: {_names(member.acties)}",
               _names([SHORT_NAMES.get(code, code) for code in member.provincies]),
               "–" if member.bereik_ondernemingen is None else str(member.bereik_ondernemingen),
               "–" if member.bereik_werknemers is None else str(member.bereik_werknemers)]
              for member in view.members], numeric=(3, 4), widths=(23, 26, 15, 19, 17))))
    if agreement is None:
        blocks.append(Block(text=_("Nog geen afspraak vastgelegd. Sectoren en provincies komen "
                                   "uit de registraties van de leden.")))
        blocks.append(Block(heading=_("Sectoren van de leden"), items=[
            _("%(naam)s: sectoren %(sectoren)s; paritaire comités %(pc)s.") % {
                "naam": m.naam, "sectoren": m.sectoren or "–", "pc": m.paritaire_comites or "–"}
            for m in view.members]))
        return Section(title=view.naam, blocks=blocks, level=2, new_page=True,
                       key=f"partnerschap-{view.pk}")
    blocks += [
        Block(heading=_("Afspraak, versie %(nummer)d") % {"nummer": agreement.nummer},
              text=_("Vastgelegd op %(op)s; ter bevestiging voorgelegd op %(voorgelegd)s. "
                     "Bevestigd door %(n)d van %(total)d: %(wie)s.") % {
                  "op": _day(agreement.vastgelegd_op), "voorgelegd": _day(agreement.voorgelegd_op),
                  "n": agreement.confirmed_count, "total": agreement.member_count,
                  "wie": _names(agreement.confirmed_by)}),
        Block(text=_("Verwacht bereik: %(ondernemingen)d ondernemingen met hoogstens 50 "
                     "werknemers; %(werknemers)d werknemers van wie de competenties in kaart "
                     "gebracht worden.") % {"ondernemingen": view.reach_companies,
                                            "werknemers": view.reach_workers}),
        Block(heading=_("Doelgroep"), text=agreement.doelgroep),
        Block(heading=_("Volgende stap"), text=agreement.volgende_stap),
        # Full-width lines rather than a table of narrow columns: read more easily, and the PDF
        # lays out far fewer wrapped lines (its time and memory grow with them).
        Block(heading=_("Bijdrage per lid"), items=[
            _("%(naam)s (%(bevestiging)s): %(bijdrage)s Sectoren: %(sectoren)s; paritaire "
              "comités: %(pc)s.") % {
                "naam": m.naam, "bevestiging": m.bevestigd or "–",
                "bijdrage": _sentence(m.bijdrage), "sectoren": m.sectoren or "–",
                "pc": m.paritaire_comites or "–"} for m in view.members]),
    ]
    return Section(title=view.naam, blocks=blocks, level=2, new_page=True,
                   key=f"partnerschap-{view.pk}")


def _questions_section(figures: Figures) -> Section:
    grouped = figures.open_questions
    blocks = [Block(heading=theme, items=[f"{naam}: {vragen}" for naam, vragen in questions])
              for theme, questions in grouped]
    if not blocks:
        blocks = [Block(text=_("De afspraken vermelden (nog) geen open vragen."))]
    return Section(title=_("Open vragen voor ESF&DO"), blocks=blocks, new_page=True,
                   key="vragen")


def document_content(figures: Figures, *, now=None) -> Document:
    partnerships = [_partnership_section(view) for view in figures.partnerships]
    intro = Section(title=_("Partnerschappen in gesprek of gevormd"), key="partnerschappen",
                    new_page=True, blocks=[Block(text=_(
                        "Per partnerschap: de leden en hun acties, de huidige versie van de "
                        "afspraak, wie ze bevestigde en het verwachte bereik. Partnerschappen: "
                        "%(n)d.") % {"n": len(partnerships)})])
    return Document(
        title=_("Bouwstenen voor de subsidieoproep"),
        subtitle=figures.ronde.titel,
        made_on=_("Opgemaakt op %(dag)s. Dit document noemt alleen organisaties, geen "
                  "personen.") % {"dag": _day(now or timezone.now())},
        sections=[_figures_section(figures), _coverage_section(figures), intro, *partnerships,
                  _questions_section(figures)])
