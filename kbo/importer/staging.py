"""The staging tables of an import and how rows get into them: COPY on PostgreSQL, batched
inserts on SQLite."""
import csv
import io
from collections.abc import Iterable

from django.db import connection

BATCH = 5_000
CHUNK = 1 << 20

# Staging tables of the checked rows: name → columns (name, PostgreSQL type, SQLite type).
# ``regel`` is the row's line number, ``fout`` the code of what is wrong with it (NULL: nothing).
_CHECKED = (("regel", "bigint", "integer"), ("fout", "smallint", "integer"))
# Byte order for the number: the sorts by number (best name, first row) are much cheaper
# than in the database's linguistic collation, and for digits the order is the same.
_NUMBER = 'text COLLATE "C"'

STAGING = {
    "kbo_stg_code": (("code", "text", "text"), ("omschrijving", "text", "text")),
    "kbo_stg_datum": (("tekst", "text", "text"), ("datum", "date", "text")),
    "kbo_stg_enterprise": (*_CHECKED, ("nummer", _NUMBER, "text"), ("actief", "boolean", "integer"),
                           ("rechtspersoon", "boolean", "integer"), ("rechtsvorm_code", "text", "text"),
                           ("startdatum", "date", "text")),
    "kbo_stg_denomination": (*_CHECKED, ("nummer", _NUMBER, "text"), ("rang", "smallint", "integer"),
                             ("taal", "text", "text"), ("naam", "text", "text"), ("soort", "text", "text")),
    "kbo_stg_address": (*_CHECKED, ("nummer", _NUMBER, "text"), ("postcode", "text", "text"),
                        ("gemeente", "text", "text"), ("straat", "text", "text"), ("land", "text", "text")),
    "kbo_stg_enterprise_del": (*_CHECKED, ("nummer", "text", "text")),
    "kbo_stg_denomination_del": (*_CHECKED, ("nummer", "text", "text")),
    "kbo_stg_address_del": (*_CHECKED, ("nummer", "text", "text")),
}
RAW = "kbo_stg_ruw"


def postgres() -> bool:
    return connection.vendor == "postgresql"


class _CopyStream(io.RawIOBase):
    """A file that COPY reads: CSV text made from rows as they come, a batch at a time."""

    def __init__(self, rows: Iterable[tuple]):
        self.rows = iter(rows)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, _size: int = -1) -> bytes:  # COPY asks for its buffer size; a batch comes instead
        self.buffer.seek(0)
        self.buffer.truncate()
        try:
            for _i, row in zip(range(BATCH), self.rows, strict=False):
                self.writer.writerow(row)
        except BaseException as exc:
            # psycopg2 turns it into "COPY cancelled"; the caller raises the real one.
            self.error = exc
            raise
        return self.buffer.getvalue().encode()


def copy_in(cursor, sql: str, stream) -> int:
    """COPY … FROM STDIN from a file-like ``stream``; the rows copied. An error of the stream
    itself (a broken ZIP, an interrupt) comes out as it is, not as "COPY cancelled"."""
    try:
        cursor.cursor.copy_expert(sql, stream, size=CHUNK)
    except Exception:  # psycopg2's own errors: the raw cursor does not wrap them
        if stream.error is not None:
            raise stream.error from None
        raise
    return cursor.cursor.rowcount


def insert_rows(cursor, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
    """Rows into a staging table: COPY on PostgreSQL, batched inserts on SQLite. Empty
    strings stay empty strings."""
    if postgres():
        copy_in(cursor, f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, "
                f"FORCE_NOT_NULL ({', '.join(columns)}))", _CopyStream(rows))
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            cursor.executemany(sql, batch)
            batch.clear()
    if batch:
        cursor.executemany(sql, batch)


def create_staging(cursor) -> None:
    pg = postgres()
    for table, columns in STAGING.items():
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        spec = ", ".join(f"{name} {pg_type if pg else lite_type}" for name, pg_type, lite_type in columns)
        # Unlogged: a staging table is rebuilt from the file after a crash anyway.
        cursor.execute(f"CREATE {'UNLOGGED ' if pg else ''}TABLE {table} ({spec})")
    cursor.execute(f"DROP TABLE IF EXISTS {RAW}")


def drop_staging(cursor) -> None:
    for table in (*STAGING, RAW):
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
