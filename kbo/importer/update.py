"""An update file: the register changed in place, from the staging tables of the deleted
and the inserted rows."""
from .. import layout
from .build import (
    ADDRESS_COLUMNS,
    COLUMNS_FINAL,
    ENTERPRISE_COLUMNS,
    FINAL,
    best_names,
    first_rows,
    joined_names,
    newline,
)
from .report import ImportReport

_RANK_OF_CURRENT = "CASE o.naam_taal " + " ".join(
    f"WHEN '{language}' THEN {rank}" for language, rank in layout.LANGUAGE_RANK.items()) + " ELSE 99 END"


def update_in_place(cursor, report: ImportReport) -> None:
    """The changes of an update file, in the register's own table (the caller's transaction)."""
    # Enterprises that go and do not come back.
    cursor.execute(f"DELETE FROM {FINAL} WHERE ondernemingsnummer IN (SELECT nummer FROM kbo_stg_enterprise_del) "
                   "AND ondernemingsnummer NOT IN (SELECT nummer FROM kbo_stg_enterprise)")
    report.verwijderd = cursor.rowcount
    # Enterprises that come (new) or come back changed: their name and address stay unless
    # the update also replaces those.
    cursor.execute(
        f"INSERT INTO {FINAL} ({COLUMNS_FINAL}) "
        "SELECT e.nummer, e.actief, e.rechtspersoon, e.rechtsvorm_code, COALESCE(c.omschrijving, ''), "
        f"'', '', '', '', '', '', '', e.startdatum FROM {first_rows('kbo_stg_enterprise', ENTERPRISE_COLUMNS)} e "
        "LEFT JOIN kbo_stg_code c ON c.code = e.rechtsvorm_code "
        "WHERE TRUE ON CONFLICT (ondernemingsnummer) DO UPDATE SET actief = excluded.actief, "
        "rechtspersoon = excluded.rechtspersoon, rechtsvorm_code = excluded.rechtsvorm_code, "
        "rechtsvorm = excluded.rechtsvorm, startdatum = excluded.startdatum")
    report.toegevoegd = cursor.rowcount
    # Names: the deleted ones go, new ones join those that stay, and a new official name
    # replaces the shown one when it is in a better language (or there is none left).
    cursor.execute(f"UPDATE {FINAL} SET naam = '', naam_taal = '', namen = '' "
                   "WHERE ondernemingsnummer IN (SELECT nummer FROM kbo_stg_denomination_del)")
    kept = (f"CASE WHEN o.naam = '' THEN o.namen WHEN o.namen = '' THEN o.naam "
            f"ELSE o.naam || {newline()} || o.namen END")
    cursor.execute(f"UPDATE {FINAL} AS o SET namen = CASE WHEN {kept} = '' THEN m.namen "
                   f"ELSE {kept} || {newline()} || m.namen END FROM {joined_names()} m "
                   "WHERE o.ondernemingsnummer = m.nummer")
    cursor.execute(f"UPDATE {FINAL} AS o SET naam = n.naam, naam_taal = n.taal FROM {best_names()} n "
                   f"WHERE o.ondernemingsnummer = n.nummer AND n.rang < {_RANK_OF_CURRENT}")
    cursor.execute(f"UPDATE {FINAL} SET postcode = '', gemeente = '', straat = '', land = '' "
                   "WHERE ondernemingsnummer IN (SELECT nummer FROM kbo_stg_address_del)")
    cursor.execute(f"UPDATE {FINAL} AS o SET postcode = a.postcode, gemeente = a.gemeente, "
                   f"straat = a.straat, land = a.land FROM {first_rows('kbo_stg_address', ADDRESS_COLUMNS)} a "
                   "WHERE o.ondernemingsnummer = a.nummer")
