"""The import of a KBO Open Data dump (full or update file, ZIP or folder).

Each file goes into a raw staging table with one text column per CSV column and the row's
line number; on PostgreSQL that is ``COPY`` of the file as it is. One SQL statement per file
then checks every row (number, codes, date) and keeps what the portal needs in a staging
table of its own; the malformed rows are reported with their file and line number and
skipped. A full file builds the new register table beside the old one, without index,
creates the primary key afterwards and swaps the two by renaming; an update file changes the
table in place. Either way the register changes in one transaction: until it commits, and
when the import stops halfway, readers see the previous data. SQLite reads the files in
Python into the same staging tables (there only correctness counts).

One module per phase: ``reading`` (a file into staging), ``checks`` (the rows checked in
SQL), ``build`` (a full file: build and swap), ``update`` (an update file, in place); ``run``
puts them in order, ``staging`` holds the staging tables, ``report`` what an import did.
"""
from .checks import start_date
from .report import ImportReport, KboImportError, RowError
from .run import kbo_import

__all__ = ["ImportReport", "KboImportError", "RowError", "kbo_import", "start_date"]
