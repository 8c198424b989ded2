"""Every place where one app adds to another app's pages, declared once, in one shape.

The app that owns a page reads ``items(POINT)`` where the page is built; an app that adds to
it calls ``register(POINT, item)`` in its ``AppConfig.ready()`` (never as a side effect of
importing a module), so the direction of the apps holds: the owner knows no contributor.
Each point's ``doc`` says what an item is, who reads it and who fills it today;
tests/test_extensions.py lists what is registered.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    name: str
    doc: str


@dataclass(frozen=True)
class Section:
    """A piece of a page another app adds: ``context(...)`` returns what ``template`` needs."""

    template: str
    context: Callable


@dataclass(frozen=True)
class SheetColumn:
    """A read-only column another app adds to a sheet, placed before the dates.

    ``load`` gets a chunk of primary keys and returns {pk: cell value}, in one query.
    """

    key: str
    column_name: str
    load: Callable[[list[int]], dict[int, str]]
    width: int = 40


REGISTRATIE_ACTIONS = Point("registratie_actions", """\
Batch actions on the registration list in /beheer/: admin action functions (Django checks
their ``allowed_permissions``). Read by registraties.admin.registratie.RegistratieAdmin.
Filled by partnerschappen (add the chosen registrations to a partnership).""")

REGISTRATIE_PANELS = Point("registratie_panels", """\
Sections on a registration's detail page in /beheer/: ``Section(template,
context(request, registratie))``. Read by RegistratieAdmin.detail_context.
Filled by partnerschappen (the partnerships the registration belongs to).""")

OVERVIEW_CHARTS = Point("overview_charts", """\
Charts on /beheer/overzicht/: ``charts(request, ronde)`` returns one
``portaal.charts.render(...)`` per chart, or nothing the user may not see.
Read by registraties.admin.overview.overview_view.
Filled by partnerschappen (partnerships per status, answers to invitations).""")

OVERVIEW_LINKS = Point("overview_links", """\
Links to other staff pages on /beheer/overzicht/: ``links(request, ronde)`` returns
[(label, url), …], or nothing the user may not see. Read by
registraties.admin.overview.overview_view. Filled by partnerschappen (the building blocks of
the subsidy call).""")

REGISTRATIE_COLUMNS = Point("registratie_columns", """\
Columns of the registration sheet (Excel export): ``SheetColumn``. Read by
registraties.excel.columns.RegistratieResource. Filled by partnerschappen (the
"Partnerschappen" column).""")

EDIT_PAGE_SECTIONS = Point("edit_page_sections", """\
Sections on the organisation's edit-link page: ``Section(template, context(registratie))``,
only that registration's data. Read by registraties.views.WijzigenView.
Filled by partnerschappen (the conversations the organisation is invited to).""")

KBO_LOOKUP_ANSWERS = Point("kbo_lookup_answers", """\
What the public register lookup /kbo/<nummer>/ adds to every answer: ``answer(number)``
gets the 10 digits (or None when it cannot be a number) and returns a dict. Read by
kbo.views.kbo_lookup_json. Filled by registraties (whether the number already registered
in the current round: yes or no, never who).""")

DEMO_CONTENT = Point("demo_content", """\
What other apps add to the demo round of ``make run``: ``load(ronde, base)`` adds its content
(only what is not there yet: the command runs at every start) and returns Dutch lines to
print. Read by registraties' demo_data command. Filled by partnerschappen (two partnerships
after a conversation: one formed with a confirmed agreement, one waiting for a
confirmation).""")

POINTS = (REGISTRATIE_ACTIONS, REGISTRATIE_PANELS, OVERVIEW_CHARTS, OVERVIEW_LINKS,
          REGISTRATIE_COLUMNS, EDIT_PAGE_SECTIONS, KBO_LOOKUP_ANSWERS, DEMO_CONTENT)

_registered: dict[str, list] = {point.name: [] for point in POINTS}


def register(point: Point, item) -> None:
    """Add ``item`` to ``point``; registering the same item again changes nothing."""
    registered = _registered[point.name]  # a point declared nowhere above is a KeyError
    if item not in registered:
        registered.append(item)


def items(point: Point) -> tuple:
    """What the apps registered at ``point``, in the order they registered it."""
    return tuple(_registered[point.name])
