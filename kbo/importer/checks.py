"""The checks of every row, one SQL statement per file from the raw staging table: number,
codes, date; what the portal keeps goes into the file's own staging table, the malformed
rows are reported with their line number and left out."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import layout
from .reading import Raw
from .report import KEEP_ERRORS, ImportReport
from .staging import RAW, STAGING, insert_rows, postgres


def _digits_only(expr: str) -> str:
    return f"{expr} !~ '[^0-9]'" if postgres() else f"{expr} NOT GLOB '*[^0-9]*'"


def _number_sql(column: str) -> str:
    """The ten digits of an enterprise number written ``0201.310.929`` (or with spaces,
    without dots, or nine digits without the leading zero); NULL when it cannot be one."""
    digits = f"replace(replace({column}, '.', ''), ' ', '')"
    other = (f"CASE WHEN length({digits}) IN (9, 10) AND {_digits_only(digits)} THEN "
             f"CASE WHEN length({digits}) = 9 THEN '0' || {digits} ELSE {digits} END END")
    if postgres():
        # The register's own notation first: LIKE is cheap, a regular expression is not.
        usual = (f"{column} LIKE '____.___.___' AND {column} NOT LIKE '%.%.%.%' "
                 f"AND {column} !~ '[^0-9.]'")
    else:
        usual = f"{column} GLOB '[0-9][0-9][0-9][0-9].[0-9][0-9][0-9].[0-9][0-9][0-9]'"
    return f"CASE WHEN {usual} THEN replace({column}, '.', '') ELSE {other} END"


_SPACES = (32, 9, 10, 11, 12, 13, 160)


def _strip(expr: str) -> str:
    """Spaces, tabs, line ends and no-break spaces off both ends, as Python's strip()."""
    if postgres():
        return f"btrim({expr}, {' || '.join(f'chr({c})' for c in _SPACES)})"
    return f"trim({expr}, char({', '.join(map(str, _SPACES))}))"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _either(first: str, second: str) -> str:
    return f"CASE WHEN {first} <> '' THEN {first} ELSE {second} END"


class _Rule(NamedTuple):
    """The SQL of a kind of file, over the raw columns (``col``)."""

    once: dict[str, str]  # name → expression, computed once per row; used as r.<name>
    columns: list[str]  # the staging table's columns after regel: fout (error code) first
    joins: str = ""
    where: str = ""  # the rows that count at all


@dataclass(frozen=True)
class Kind:
    """A kind of file: where its checked rows go, the columns it needs, its rule and for
    each error code the message and the column whose value it shows."""

    table: str
    required: tuple[str, ...]  # the first one is the enterprise number
    messages: dict[int, tuple[str, str]]
    rule: Callable[[Callable[[str], str]], _Rule]


def _enterprise_rule(col) -> _Rule:
    kind, start, form = col("TypeOfEnterprise"), col("StartDate"), col("JuridicalForm")
    fout = (f"CASE WHEN r.nummer IS NULL THEN 1 WHEN {kind} NOT IN ('0', '1', '2') THEN 2 "
            f"WHEN {start} <> '' AND d.tekst IS NULL THEN 3 WHEN length({form}) > 3 THEN 4 END")
    return _Rule({}, [fout, "r.nummer", f"{col('Status')} = '{layout.STATUS_ACTIVE}'",
                      f"{kind} = '{layout.TYPE_LEGAL_PERSON}'", form, "d.datum"],
                 joins=f"LEFT JOIN kbo_stg_datum d ON d.tekst = {start}")


def _denomination_rule(col) -> _Rule:
    language = col("Language")
    rank = f"CASE {language} " + " ".join(
        f"WHEN '{code}' THEN {value}" for code, value in layout.LANGUAGE_RANK.items()) + " END"
    kinds = ", ".join(f"'{kind}'" for kind in layout.DENOMINATIONS_KEPT)
    return _Rule({"rang": rank},
                 # The language only ranks official names: an abbreviation's is not checked.
                 ["CASE WHEN r.nummer IS NULL THEN 1 WHEN r.rang IS NULL AND "
                  f"{col('TypeOfDenomination')} = '{layout.DENOMINATION_OFFICIAL}' THEN 5 END", "r.nummer", "r.rang",
                  language, _strip(col("Denomination")), col("TypeOfDenomination")],
                 # The official name in each language, the abbreviation and the trade name: the
                 # first is shown, all of them are what the organisation may call itself.
                 where=f"{col('TypeOfDenomination')} IN ({kinds})")


def _address_rule(col) -> _Rule:
    street, house, box = "r.straat_naam", col("HouseNumber"), col("Box")
    with_house = (f"CASE WHEN {house} = '' THEN {street} WHEN {street} = '' THEN {house} "
                  f"ELSE {street} || ' ' || {house} END")
    before, _s, rest = _("%(straat)s bus %(bus)s").partition("%(straat)s")
    between, _b, after = rest.partition("%(bus)s")
    with_box = (f"CASE WHEN {box} = '' THEN {with_house} ELSE {_literal(before)} || {with_house} || "
                f"{_literal(between)} || {box} || {_literal(after)} END")
    return _Rule({"straat_naam": _either(col("StreetNL"), col("StreetFR")), "postcode": _strip(col("Zipcode"))},
                 ["CASE WHEN r.nummer IS NULL THEN 1 WHEN length(r.postcode) > 20 THEN 6 END", "r.nummer",
                  "r.postcode", _either(col("MunicipalityNL"), col("MunicipalityFR")), _strip(with_box),
                  _either(col("CountryNL"), col("CountryFR"))],
                 # Only the registered office, and not one that was struck off.
                 where=f"{col('TypeOfAddress')} = '{layout.ADDRESS_REGISTERED_OFFICE}' "
                       f"AND {col('DateStrikingOff')} = ''")


def _delete_rule(col) -> _Rule:
    return _Rule({}, ["CASE WHEN r.nummer IS NULL THEN 1 END", "r.nummer"])


_BAD_NUMBER = (gettext_lazy("ongeldig ondernemingsnummer %r"), "")
KINDS = {
    layout.ENTERPRISE: Kind(
        "kbo_stg_enterprise", ("EnterpriseNumber", "Status", "TypeOfEnterprise", "JuridicalForm", "StartDate"),
        {1: _BAD_NUMBER, 2: (gettext_lazy("onbekend TypeOfEnterprise %r"), "TypeOfEnterprise"),
         3: (gettext_lazy("ongeldige StartDate %r (verwacht dd-mm-jjjj)"), "StartDate"),
         4: (gettext_lazy("ongeldige JuridicalForm %r"), "JuridicalForm")},
        _enterprise_rule),
    layout.DENOMINATION: Kind(
        "kbo_stg_denomination", layout.COLUMNS[layout.DENOMINATION],
        {1: _BAD_NUMBER, 5: (gettext_lazy("onbekende taal %r"), "Language")}, _denomination_rule),
    layout.ADDRESS: Kind(
        "kbo_stg_address", layout.COLUMNS[layout.ADDRESS],
        {1: _BAD_NUMBER, 6: (gettext_lazy("ongeldige postcode %r (meer dan 20 tekens)"), "Zipcode")}, _address_rule),
}


def delete_kind(table: str) -> Kind:
    return Kind(f"{KINDS[table].table}_del", (layout.DELETE_COLUMN[table],), {1: _BAD_NUMBER},
                _delete_rule)


def check_rows(cursor, kind: Kind, raw: Raw, name: str, report: ImportReport) -> None:
    """The raw rows, checked, into the kind's staging table; the malformed ones reported."""
    pg = postgres()

    def col(column):
        return f"r.{raw.columns[column]}"

    if kind is KINDS[layout.ENTERPRISE]:
        _stage_start_dates(cursor, raw.columns["StartDate"])
    rule = kind.rule(col)
    select = ", ".join(f"{_cast(expr, pg_type if pg else lite_type)} AS {column}" for expr, (
        column, pg_type, lite_type) in zip(["r.regel", *rule.columns], STAGING[kind.table], strict=True))
    once = {"nummer": _number_sql(col(kind.required[0])), **rule.once}
    # What several columns use is computed once per row in a subquery; "OFFSET 0" keeps
    # PostgreSQL from folding it into the outer query (and computing it again per use).
    inner = (f"SELECT r.*, {', '.join(f'{expr} AS {name}' for name, expr in once.items())} FROM {RAW} r"
             + (f" WHERE {rule.where}" if rule.where else "") + (" OFFSET 0" if pg else ""))
    cursor.execute(f"DROP TABLE IF EXISTS {kind.table}")
    cursor.execute(f"CREATE {'UNLOGGED ' if pg else ''}TABLE {kind.table} AS "
                   f"SELECT {select} FROM ({inner}) r {rule.joins}")
    _report_errors(cursor, kind, raw, name, report)
    if pg:
        # A small sample: the planner needs the sizes, not fine distributions.
        cursor.execute("SET LOCAL default_statistics_target = 10")
        cursor.execute(f"ANALYZE {kind.table}")


def _cast(expr: str, type_: str) -> str:
    type_, _c, collation = type_.partition(" COLLATE ")
    return f"CAST({expr} AS {type_})" + (f" COLLATE {collation}" if collation else "")


def start_date(value: str) -> str | None:
    """StartDate ``dd-mm-yyyy`` → ``yyyy-mm-dd``; None when empty. Raises ValueError when it
    is not a real date written that way."""
    if not value:
        return None
    if len(value) != 10 or value[2] != "-" or value[5] != "-" or not (
            value[:2] + value[3:5] + value[6:]).isdigit() or not value.isascii():
        raise ValueError(value)
    return date(int(value[6:]), int(value[3:5]), int(value[:2])).isoformat()


def _stage_start_dates(cursor, column: str) -> None:
    """The distinct StartDates of the file, each checked once in Python (a dump has a few
    ten thousand), as a table the rows join: a date that is not in it is wrong."""
    cursor.execute(f"SELECT DISTINCT {column} FROM {RAW}")
    valid = []
    for (text,) in cursor.fetchall():
        try:
            iso = start_date(text)
        except ValueError:
            continue
        if iso is not None:
            valid.append((text, iso))
    cursor.execute("DELETE FROM kbo_stg_datum")
    insert_rows(cursor, "kbo_stg_datum", ["tekst", "datum"], valid)
    if postgres():
        cursor.execute("ANALYZE kbo_stg_datum")


def _report_errors(cursor, kind: Kind, raw: Raw, name: str, report: ImportReport) -> None:
    """Report the rows the rule refused (and those Python refused before), in line order,
    and take the refused ones out of the staging table."""
    cursor.execute(f"SELECT count(*) FROM {kind.table} WHERE fout IS NOT NULL")
    count = cursor.fetchone()[0]
    found = []
    if count:
        room = max(KEEP_ERRORS - len(report.fouten), 0)
        shown = sorted({column or kind.required[0] for _message_id, column in kind.messages.values()})
        cursor.execute(
            f"SELECT s.regel, s.fout, {', '.join('r.' + raw.columns[c] for c in shown)} FROM "
            f"(SELECT regel, fout FROM {kind.table} WHERE fout IS NOT NULL ORDER BY regel LIMIT {room}) s "
            f"JOIN {RAW} r ON r.regel = s.regel ORDER BY s.regel")
        rows = cursor.fetchall()
        lines = _lines(cursor, raw, [row[0] for row in rows])
        for regel, code, *values in rows:
            message, column = kind.messages[code]
            found.append((lines[regel], str(message) % values[shown.index(column or kind.required[0])]))
        cursor.execute(f"DELETE FROM {kind.table} WHERE fout IS NOT NULL")
    report.overgeslagen[name] += count
    for line, reason in sorted(raw.errors + found):
        report.note(name, line, reason)


def _lines(cursor, raw: Raw, regels: list[int]) -> dict[int, int]:
    """The line number in the file of each staged row."""
    if not raw.numbered_by_copy:
        return {regel: regel for regel in regels}
    breaks = []
    if raw.breaks_inside_fields and regels:
        # Rare: quoted fields with line ends in them. Each such row pushes the lines from
        # there on down by its number of line ends.
        text = " || ".join(dict.fromkeys(raw.columns.values()))
        cursor.execute(f"SELECT regel, length({text}) - length(replace({text}, chr(10), '')) FROM {RAW} "
                       f"WHERE regel <= {max(regels)} AND strpos({text}, chr(10)) > 0 ORDER BY regel")
        breaks = cursor.fetchall()
    lines, i, pushed = {}, 0, 0
    for regel in sorted(regels):
        while i < len(breaks) and breaks[i][0] <= regel:
            pushed += breaks[i][1]
            i += 1
        lines[regel] = raw.header_lines + regel + pushed
    return lines

