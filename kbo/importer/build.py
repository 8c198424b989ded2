"""A full file: the new register built beside the old table from the staging tables, its
primary key created afterwards, and the two swapped by renaming (PostgreSQL); or all rows
replaced in place (SQLite, or a table PostgreSQL cannot swap)."""
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, transaction
from django.utils.translation import gettext as _

from .. import layout
from ..models import Onderneming
from .report import ImportReport, KboImportError
from .staging import postgres

FINAL = Onderneming._meta.db_table
NEW = f"{FINAL}_nieuw"

# Memory of the server for this import's own transaction (never a server setting): the
# hash tables of the build and the sort of the primary key stay in memory this way.
BUILD_WORK_MEM = "256MB"
INDEX_MEM = "512MB"
# The swap waits for readers of the old table in short turns, so that lookups queued behind
# it wait at most one turn; after all turns the import gives up and the old data stays.
SWAP_LOCK_TIMEOUT_MS = 500
SWAP_ATTEMPTS = 20
SWAP_PAUSE = 0.5

# -- the register's rows from the staging tables (also what an update file changes) ----------

COLUMNS_FINAL = ("ondernemingsnummer, actief, rechtspersoon, rechtsvorm_code, rechtsvorm, naam, "
                 "naam_taal, namen, postcode, gemeente, straat, land, startdatum")
_OFFICIAL = f"soort = '{layout.DENOMINATION_OFFICIAL}'"


def best_names() -> str:
    """One row per number: the official name in the best language (Dutch first), then the first."""
    if postgres():
        return (f"(SELECT DISTINCT ON (nummer) nummer, naam, taal, rang FROM kbo_stg_denomination "
                f"WHERE {_OFFICIAL} ORDER BY nummer, rang, regel)")
    return ("(SELECT nummer, naam, taal, rang FROM (SELECT nummer, naam, taal, rang, ROW_NUMBER() "
            f"OVER (PARTITION BY nummer ORDER BY rang, regel) AS rn FROM kbo_stg_denomination WHERE {_OFFICIAL}) "
            "WHERE rn = 1)")


def newline() -> str:
    return "chr(10)" if postgres() else "char(10)"


def joined_names(where: str = "") -> str:
    """One row per number: its names, one a line (``where``: which rows count)."""
    joined = f"string_agg(naam, {newline()})" if postgres() else f"group_concat(naam, {newline()})"
    return f"(SELECT nummer, {joined} AS namen FROM kbo_stg_denomination {where} GROUP BY nummer)"


def _other_names() -> str:
    """The names besides a Dutch official one (which is then the shown name): official names
    in other languages, abbreviations, trade names. Only those rows are grouped (a hash
    aggregate over a filter), not every name: that keeps the build's cost small."""
    dutch = layout.LANGUAGE_RANK[layout.LANGUAGE_DUTCH]
    return joined_names(f"WHERE NOT ({_OFFICIAL} AND rang = {dutch})")


def first_rows(table: str, columns: str) -> str:
    """One row per number of a staging table: the first in the file."""
    if postgres():
        return f"(SELECT DISTINCT ON (nummer) {columns} FROM {table} ORDER BY nummer, regel)"
    return (f"(SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY nummer "
            f"ORDER BY regel) AS rn FROM {table}) WHERE rn = 1)")


ENTERPRISE_COLUMNS = "nummer, actief, rechtspersoon, rechtsvorm_code, startdatum"
ADDRESS_COLUMNS = "nummer, postcode, gemeente, straat, land"


def _full_select(*, once: bool) -> str:
    """The register's rows from the staging tables. ``once``: take the first row of a number
    that comes twice (not in a real dump; costs two sorts); else every row as it comes."""
    enterprises = first_rows("kbo_stg_enterprise", ENTERPRISE_COLUMNS) if once else "kbo_stg_enterprise"
    addresses = first_rows("kbo_stg_address", ADDRESS_COLUMNS) if once else "kbo_stg_address"
    return ("SELECT e.nummer, e.actief, e.rechtspersoon, e.rechtsvorm_code, COALESCE(c.omschrijving, ''), "
            "COALESCE(n.naam, ''), COALESCE(n.taal, ''), COALESCE(m.namen, ''), COALESCE(a.postcode, ''), "
            "COALESCE(a.gemeente, ''), COALESCE(a.straat, ''), COALESCE(a.land, ''), e.startdatum "
            f"FROM {enterprises} e LEFT JOIN {best_names()} n ON n.nummer = e.nummer "
            f"LEFT JOIN {_other_names()} m ON m.nummer = e.nummer "
            f"LEFT JOIN {addresses} a ON a.nummer = e.nummer "
            "LEFT JOIN kbo_stg_code c ON c.code = e.rechtsvorm_code")


@dataclass
class _Table:
    """What the register table carries besides its rows, to give the new one the same."""

    indexes: list[tuple[str, str | None, str]]  # (index, constraint or None, definition)
    grants: list[tuple[str, str, bool]]  # (grantee, privilege, with grant option)
    options: list[str]
    comment: str | None
    blockers: list[str]  # what would break when the table is dropped and replaced


def _table_info(cursor) -> _Table:
    cursor.execute(
        "SELECT ci.relname, con.conname, CASE WHEN con.oid IS NULL THEN pg_get_indexdef(i.indexrelid) "
        "ELSE pg_get_constraintdef(con.oid) END FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid "
        "AND con.contype IN ('p', 'u', 'x') WHERE i.indrelid = %s::regclass ORDER BY ci.relname", [FINAL])
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END, a.privilege_type, "
        "a.is_grantable FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
        "LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE c.oid = %s::regclass AND a.grantee <> c.relowner",
        [FINAL])
    grants = cursor.fetchall()
    cursor.execute("SELECT reloptions, obj_description(oid, 'pg_class'), relrowsecurity FROM pg_class "
                   "WHERE oid = %s::regclass", [FINAL])
    options, comment, row_security = cursor.fetchone()
    cursor.execute(
        "SELECT 'verwijzende sleutel ' || conname || ' van ' || conrelid::regclass FROM pg_constraint "
        "WHERE confrelid = %(t)s::regclass AND contype = 'f' "
        "UNION ALL SELECT DISTINCT 'view ' || r.ev_class::regclass FROM pg_depend d "
        "JOIN pg_rewrite r ON r.oid = d.objid WHERE d.classid = 'pg_rewrite'::regclass "
        "AND d.refobjid = %(t)s::regclass AND r.ev_class <> %(t)s::regclass "
        "UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = %(t)s::regclass "
        "AND NOT tgisinternal "
        "UNION ALL SELECT 'publicatie ' || p.pubname FROM pg_publication_rel pr "
        "JOIN pg_publication p ON p.oid = pr.prpubid WHERE pr.prrelid = %(t)s::regclass", {"t": FINAL})
    blockers = [row[0] for row in cursor.fetchall()] + (["row level security"] if row_security else [])
    return _Table(indexes, grants, options or [], comment, blockers)


def _temporary(name: str) -> str:
    # The old table keeps its names until the swap: the new one's have to differ meanwhile.
    return f"{name[:48]}_kbo_nieuw"


def _create_indexes(cursor, table: _Table) -> None:
    """The old table's primary key, constraints and indexes, on the new table, built once
    the rows are in (far cheaper than keeping an index up to date row by row)."""
    for index, constraint, definition in table.indexes:
        if constraint is not None:
            cursor.execute(f"ALTER TABLE {NEW} ADD CONSTRAINT {_temporary(constraint)} {definition}")
        else:
            unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
            cursor.execute(f"CREATE {unique}INDEX {_temporary(index)} ON {NEW} "
                           f"{definition[definition.index(' USING '):]}")


def _rename_indexes(cursor, table: _Table) -> None:
    for index, constraint, _definition in table.indexes:
        if constraint is not None:
            cursor.execute(f"ALTER TABLE {FINAL} RENAME CONSTRAINT {_temporary(constraint)} TO {constraint}")
            if index != constraint:
                cursor.execute(f"ALTER INDEX {constraint} RENAME TO {index}")
        else:
            cursor.execute(f"ALTER INDEX {_temporary(index)} RENAME TO {index}")


def _lock_register(cursor) -> None:
    """The old table to ourselves, for the swap: in short turns, so that readers queued
    behind this lock never wait long; it is held until the swap commits."""
    for _attempt in range(SWAP_ATTEMPTS):
        try:
            with transaction.atomic():
                cursor.execute(f"SET LOCAL lock_timeout = {int(SWAP_LOCK_TIMEOUT_MS)}")
                cursor.execute(f"LOCK TABLE {FINAL} IN ACCESS EXCLUSIVE MODE")
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
            return
        except OperationalError as exc:
            if getattr(exc.__cause__, "pgcode", None) != "55P03":  # lock_not_available
                raise
            time.sleep(SWAP_PAUSE)
    raise KboImportError(_(
        "De tabel van het register bleef in gebruik door een andere verbinding (een open "
        "transactie?); de nieuwe gegevens zijn niet gewisseld en de vorige blijven staan. "
        "Probeer het opnieuw wanneer die verbinding klaar is."))


def swap_full(cursor, report: ImportReport, during_swap: Callable[[str], None] | None) -> None:
    """PostgreSQL: the new table beside the old one, without index; then its primary key
    (and whatever other index the old one has); then the swap by renaming. All of it in
    the caller's transaction: readers see the old table until it commits."""
    began = time.perf_counter()
    table = _table_info(cursor)
    if table.blockers:
        # A view, a trigger or a foreign key on the table would be lost or block the drop:
        # then the rows are replaced in place (slower; the same for readers).
        replace_in_place(cursor, report)
        report.fasen["opbouw (ter plaatse)"] = time.perf_counter() - began
        return
    cursor.execute(f"SET LOCAL work_mem = '{BUILD_WORK_MEM}'")
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_MEM}'")
    options = f" WITH ({', '.join(table.options)})" if table.options else ""
    cursor.execute(f"CREATE TABLE {NEW} (LIKE {FINAL} INCLUDING ALL EXCLUDING INDEXES){options}")
    cursor.execute(f"INSERT INTO {NEW} ({COLUMNS_FINAL}) {_full_select(once=False)}")
    report.toegevoegd = cursor.rowcount
    built = time.perf_counter()
    report.fasen["opbouw"] = built - began
    try:
        with transaction.atomic():
            _create_indexes(cursor, table)
    except IntegrityError:
        # A number twice in enterprise.csv, or two registered offices: the primary key
        # refused it. Again, with the first row of each number.
        cursor.execute(f"TRUNCATE {NEW}")
        cursor.execute(f"INSERT INTO {NEW} ({COLUMNS_FINAL}) {_full_select(once=True)}")
        report.toegevoegd = cursor.rowcount
        _create_indexes(cursor, table)
    cursor.execute("SET LOCAL default_statistics_target = DEFAULT")
    cursor.execute(f"ANALYZE {NEW}")
    if table.comment is not None:
        cursor.execute(f"COMMENT ON TABLE {NEW} IS %s", [table.comment])
    indexed = time.perf_counter()
    report.fasen["index"] = indexed - built
    if during_swap is not None:
        during_swap("opgebouwd")
    _lock_register(cursor)
    cursor.execute(f"DROP TABLE {FINAL}")
    cursor.execute(f"ALTER TABLE {NEW} RENAME TO {FINAL}")
    _rename_indexes(cursor, table)
    for grantee, privilege, grantable in table.grants:
        cursor.execute(f"GRANT {privilege} ON {FINAL} TO {grantee}{' WITH GRANT OPTION' if grantable else ''}")
    if during_swap is not None:
        during_swap("gewisseld")
    report.fasen["wissel"] = time.perf_counter() - indexed


def replace_in_place(cursor, report: ImportReport) -> None:
    """All rows of the register replaced in its own table (SQLite, or a table PostgreSQL
    cannot swap). A repeated number keeps its first row."""
    if postgres():
        cursor.execute(f"SET LOCAL work_mem = '{BUILD_WORK_MEM}'")
    cursor.execute(f"DELETE FROM {FINAL}")
    cursor.execute(f"INSERT INTO {FINAL} ({COLUMNS_FINAL}) {_full_select(once=True)} "
                   "WHERE TRUE ON CONFLICT (ondernemingsnummer) DO NOTHING")
    report.toegevoegd = cursor.rowcount
