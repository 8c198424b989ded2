"""Crafted .xlsx files, small on disk and huge when unpacked, written without building them in
memory (the members are streamed into the zip). Used by the limit and memory tests; also
runnable on its own: ``python -m tests.excel.crafted DIR`` writes them all to DIR."""
import io
import struct
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '{extra}</Types>')
# openpyxl finds the shared-string table through its content type, not the workbook's relations.
STRINGS_TYPE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>')
STRINGS_REL = ('<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/'
               '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetData>')
SHEET_END = "</sheetData></worksheet>"
HEADER_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Ondernemingsnummer</t></is></c>'
              '<c r="B1" t="inlineStr"><is><t>Naam organisatie</t></is></c></row>')


def _chunks(parts: Iterator[str], size: int = 1 << 20) -> Iterator[bytes]:
    buffer, length = [], 0
    for part in parts:
        buffer.append(part)
        length += len(part)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()


def write_xlsx(path: Path, sheet_parts: Callable[[], Iterator[str]],
               strings_parts: Callable[[], Iterator[str]] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml",
                         CONTENT_TYPES.format(extra=STRINGS_TYPE if strings_parts else ""))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels",
                         WORKBOOK_RELS.format(extra=STRINGS_REL if strings_parts else ""))
        if strings_parts is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
                for chunk in _chunks(strings_parts()):
                    member.write(chunk)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for chunk in _chunks(sheet_parts()):
                member.write(chunk)
    return path


def wide_row(path: Path, cells: int = 2_000_000) -> Path:
    """One row with two million inline cells (about 226 KB zipped)."""
    def parts():
        yield SHEET_START + '<row r="1">'
        for _ in range(cells):
            yield '<c t="inlineStr"><is><t>x</t></is></c>'
        yield "</row>" + SHEET_END
    return write_xlsx(path, parts)


def empty_rows(path: Path, rows: int = 5_000_000) -> Path:
    """Five million empty rows after a header (tens of KB zipped)."""
    def parts():
        yield SHEET_START + HEADER_ROW
        for _ in range(rows):
            yield "<row/>"
        yield SHEET_END
    return write_xlsx(path, parts)


def long_cell(path: Path, megabytes: int = 300) -> Path:
    """One cell of ``megabytes`` MB of text (300 MB: about 310 KB zipped)."""
    def parts():
        yield SHEET_START + HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = "a" * (1 << 20)
        for _ in range(megabytes):
            yield block
        yield "</t></is></c></row>" + SHEET_END
    return write_xlsx(path, parts)


def long_shared_string(path: Path, megabytes: int = 60) -> Path:
    """A shared string of ``megabytes`` MB, referenced by one cell."""
    def strings():
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
               'schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
        block = "b" * (1 << 20)
        for _ in range(megabytes):
            yield block
        yield "</t></si></sst>"

    def sheet():
        yield SHEET_START + HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>' + SHEET_END
    return write_xlsx(path, sheet, strings)


def many_shared_strings(path: Path, count: int = 1_000_000) -> Path:
    """As many distinct short shared strings as the limit allows, under a small sheet."""
    def strings():
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
               'schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for number in range(count):
            yield f"<si><t>{number:x}</t></si>"
        yield "</sst>"

    def sheet():
        yield SHEET_START + HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>5</v></c></row>' + SHEET_END
    return write_xlsx(path, sheet, strings)


def distinct_shared_strings(path: Path, count: int = 1_000_000, mark: str = "") -> Path:
    """The worst file the limits let through: a shared-string table of just under 100 MB
    unpacked, ``count`` distinct strings of 88 bytes, a small sheet (about 2.6 MB zipped).
    With ``mark`` (an emoji, say) in every string Python keeps each one at 4 bytes a
    character: the same table takes four times the memory."""
    pad = "x" * (81 - len(mark.encode()))

    def strings():
        yield ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://'
               'schemas.openxmlformats.org/spreadsheetml/2006/main">')
        for number in range(count):
            yield f"<si><t>{number:07d}{mark}{pad}</t></si>"
        yield "</sst>"

    def sheet():
        yield SHEET_START + HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>5</v></c></row>' + SHEET_END
    return write_xlsx(path, sheet, strings)


def prefixed_wide_row(path: Path, cells: int = 2_000_000) -> Path:
    """``wide_row`` with every cell under a second prefix of the sheet's namespace: the same
    XML to a parser, other bytes to a scanner that looks for ``<c`` (about 120 KB zipped)."""
    def parts():
        yield SHEET_START.replace("<worksheet ", '<worksheet xmlns:q="http://schemas.'
                                  'openxmlformats.org/spreadsheetml/2006/main" ') + '<row r="1">'
        for _ in range(cells):
            yield "<q:c><q:v>1</q:v></q:c>"
        yield "</row>" + SHEET_END
    return write_xlsx(path, parts)


def split_long_cell(path: Path, megabytes: int = 60) -> Path:
    """``long_cell`` with its text cut by an XML comment every kilobyte: one text to a parser,
    no long run of text between two tags."""
    def parts():
        yield SHEET_START + HEADER_ROW + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = ("a" * 1017 + "<!---->") * 1024
        for _ in range(megabytes):
            yield block
        yield "</t></is></c></row>" + SHEET_END
    return write_xlsx(path, parts)


def many_entries(path: Path, size: int = 10 * 1024 * 1024) -> Path:
    """A zip that is nearly all central directory: as many entries (one-letter names, no
    data) as ``size`` bytes hold, about 223,000 for the 10 MB upload limit. zipfile reads
    every entry when it opens the file, before any check can count them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a", b"")
    data = buffer.getvalue()
    directory = data.rfind(b"PK\x01\x02")
    body, entry = data[:directory], data[directory:data.rfind(b"PK\x05\x06")]
    count = (size - len(body) - 56 - 20 - 22) // len(entry)
    entries = entry * count
    # More than 65,535 entries: the zip64 end record and its locator, then the classic end.
    zip64_end = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count, count,
                            len(entries), len(body))
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(body) + len(entries), 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                      0xFFFFFFFF, 0)
    path.write_bytes(body + entries + zip64_end + locator + end)
    return path


def zip_bomb(path: Path, megabytes: int = 200) -> Path:
    """A sheet member of ``megabytes`` MB of zeros (about 1 KB zipped per MB)."""
    def parts():
        block = "0" * (1 << 20)
        for _ in range(megabytes):
            yield block
    return write_xlsx(path, parts)


ALL = {"wide_row": wide_row, "empty_rows": empty_rows, "long_cell": long_cell,
       "long_shared_string": long_shared_string, "many_shared_strings": many_shared_strings,
       "zip_bomb": zip_bomb, "distinct_shared_strings": distinct_shared_strings,
       "prefixed_wide_row": prefixed_wide_row, "split_long_cell": split_long_cell,
       "many_entries": many_entries}


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for name, make in ALL.items():
        made = make(target / f"{name}.xlsx")
        print(name, made.stat().st_size)
