"""A guarded, streaming reader of the first sheet of an .xlsx upload: limits first, then rows.

An .xlsx file is a zip of XML. A few hundred kilobytes can unpack to gigabytes (a zip bomb,
millions of empty rows, one cell of 300 MB) and a general-purpose reader builds all of that
in memory before we see a single row. This reader checks the zip's declared sizes before
it unpacks anything, and then reads the sheet XML with expat in chunks, stopping at the
first row, column or cell over the limits below; memory stays bounded whatever the file.
The same pass yields the rows, so a file that passes is read once more at most.
openpyxl's read-only mode was measured behind the same zip checks and does not hold these
limits: it builds a whole row, a whole text and the whole shared-string table first
(BENCHMARKS.md, "Excel-lezer").
"""
import io
import posixpath
import re
import zipfile
from array import array
from collections.abc import Iterator
from xml.etree import ElementTree
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.utils.escape import unescape

# Our own export of 20,000 demo registrations is 4.4 MB zipped and 43 MB unpacked: the
# limits leave room for the 20,000 rows the README promises, with longer answers.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the file as uploaded (compressed)
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # the sum of the zip members, as declared
MAX_ROWS = 20_000  # registrations, below the header row
MAX_COLUMNS = 100
MAX_CELL_CHARS = 4_000  # the longest answer the form accepts (forms.LONG_TEXT_MAX)
MAX_SHARED_STRINGS = 1_000_000  # distinct texts in the workbook's shared-string table
# The workbook's index and relations are a few kilobytes; more is not a spreadsheet.
_MAX_INDEX_BYTES = 1024 * 1024
# A workbook has a few dozen zip entries; 10 MB of nothing but entries is 223,000 of them,
# which zipfile reads in full (100 MB, a second) when it opens the file.
_MAX_ZIP_ENTRIES = 10_000
_CENTRAL_DIRECTORY_ENTRY = b"PK\x01\x02"
_CHUNK = 64 * 1024
# An exported text that starts like a formula carries one leading apostrophe more.
_QUOTE_SLACK = 1
# OOXML writes control characters as _xHHHH_ (7 characters for 1); while streaming, a cell
# is stopped once even that reading cannot bring it under the limit.
_RAW_CELL_CHARS = 7 * (MAX_CELL_CHARS + _QUOTE_SLACK)

_MAIN_NS = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            "http://purl.oclc.org/ooxml/spreadsheetml/main")
_REL_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
           "http://purl.oclc.org/ooxml/officeDocument/relationships")
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)$")


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why and what to do, in Dutch."""


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def not_readable() -> ImportFileError:
    return ImportFileError(_("Dit is geen leesbaar Excel-bestand (.xlsx)."))


def too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("Het bestand heeft meer dan %(max)s rijen. Splits het op in bestanden van hoogstens "
          "%(max)s registraties en importeer ze na elkaar.") % {"max": _number(MAX_ROWS)})


def too_many_columns() -> ImportFileError:
    return ImportFileError(
        _("Het bestand heeft meer dan %(max)s kolommen. Gebruik de kolommen van de export en "
          "verwijder de andere.") % {"max": _number(MAX_COLUMNS)})


def cell_too_long(row: int | None) -> ImportFileError:
    if row is None:
        return ImportFileError(
            _("Een cel in het bestand heeft meer dan %(max)s tekens. Kort die tekst in: geen "
              "antwoord mag langer zijn.") % {"max": _number(MAX_CELL_CHARS)})
    return ImportFileError(
        _("Rij %(rij)s heeft een cel met meer dan %(max)s tekens. Kort die tekst in: geen "
          "antwoord mag langer zijn.") % {"rij": row, "max": _number(MAX_CELL_CHARS)})


def check_size(size: int) -> None:
    """The upload's own size: refused before anything is read."""
    if size == 0:
        raise ImportFileError(_("Het bestand is leeg. Kies het Excel-bestand (.xlsx) met de "
                                "registraties."))
    if size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            _("Het bestand is groter dan %(max)s MB. Splits het op in kleinere bestanden en "
              "importeer ze na elkaar.") % {"max": MAX_UPLOAD_BYTES // (1024 * 1024)})


def _open_zip(content: bytes) -> zipfile.ZipFile:
    check_size(len(content))
    # Every entry zipfile accepts starts with this signature: counting the bytes bounds the
    # entries before zipfile builds one object per entry.
    if content.count(_CENTRAL_DIRECTORY_ENTRY) > _MAX_ZIP_ENTRIES:
        raise not_readable()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise not_readable() from exc
    # Declared sizes bound what zipfile will ever unpack: it stops at the declared size (and
    # a lying header fails the CRC check), so this sum caps every read below.
    if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            _("Het bestand is uitgepakt groter dan %(max)s MB. Een bestand met %(rijen)s "
              "registraties is veel kleiner: bewaar het opnieuw vanuit Excel zonder afbeeldingen "
              "of extra bladen, of splits het op.")
            % {"max": MAX_UNCOMPRESSED_BYTES // (1024 * 1024), "rijen": _number(MAX_ROWS)})
    return archive


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise not_readable() from exc
    if info.file_size > _MAX_INDEX_BYTES:
        raise not_readable()
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError) as exc:
        raise not_readable() from exc


def _parse_small(data: bytes) -> ElementTree.Element:
    # Excel writes UTF-8 and never a DTD: refusing any other encoding makes the byte test for
    # a DTD reliable, so no entity can be declared, let alone expanded.
    if not data.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<") \
            or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise not_readable()
    try:
        return ElementTree.fromstring(data)  # noqa: S314 (DTD refused above, size bounded)
    except ElementTree.ParseError as exc:
        raise not_readable() from exc


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """{relation id: (type, member name)} of a part, e.g. the workbook's sheets."""
    folder, name = posixpath.split(part)
    rels = _parse_small(_read_small(archive, posixpath.join(folder, "_rels", name + ".rels")))
    result = {}
    for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
        result[rel.get("Id", "")] = (rel.get("Type", ""), path)
    return result


def _workbook_parts(archive: zipfile.ZipFile) -> tuple[str, str | None, str | None]:
    """The member names of the first sheet, the shared-string table and the styles."""
    root_rels = _relations(archive, "")
    workbook = next((path for kind, path in root_rels.values()
                     if kind.endswith("/officeDocument")), None)
    if workbook is None:
        raise not_readable()
    tree = _parse_small(_read_small(archive, workbook))
    relations = _relations(archive, workbook)
    first = None
    for ns in _MAIN_NS:
        first = tree.find(f"{{{ns}}}sheets/{{{ns}}}sheet")
        if first is not None:
            break
    if first is None:
        raise not_readable()
    rel_id = next((first.get(f"{{{ns}}}id") for ns in _REL_NS if first.get(f"{{{ns}}}id")), None)
    if rel_id not in relations:
        raise not_readable()
    strings = next((path for kind, path in relations.values()
                    if kind.endswith("/sharedStrings")), None)
    styles = next((path for kind, path in relations.values() if kind.endswith("/styles")), None)
    return relations[rel_id][1], strings, styles


class QuotedText(str):
    """Text from a cell with Excel's quote-prefix style: exactly as typed, never a formula."""


def _quote_prefixed_styles(archive: zipfile.ZipFile, name: str | None) -> frozenset[int]:
    """The cell style numbers that carry the quote prefix (portaal.excel.write_xlsx)."""
    if name is None or name not in archive.namelist():
        return frozenset()
    tree = _parse_small(_read_small(archive, name))
    for ns in _MAIN_NS:
        formats = tree.find(f"{{{ns}}}cellXfs")
        if formats is not None:
            return frozenset(index for index, xf in enumerate(formats.iter(f"{{{ns}}}xf"))
                             if xf.get("quotePrefix") in ("1", "true"))
    return frozenset()


def _stream(archive: zipfile.ZipFile, name: str, parser) -> None:
    """Feed a member to an expat parser in chunks; the handlers raise to stop early."""
    try:
        with archive.open(name) as member:
            while chunk := member.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except KeyError as exc:
        raise not_readable() from exc
    except (expat.ExpatError, zipfile.BadZipFile, OSError, NotImplementedError,
            RuntimeError, EOFError) as exc:
        raise not_readable() from exc


def _new_parser(start, end, text):
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = _CHUNK
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text

    def refuse_doctype(*args):
        raise not_readable()

    # OOXML never declares a DTD; refusing one rules out entity expansion of any kind.
    parser.StartDoctypeDeclHandler = refuse_doctype
    return parser


def _tags(*local: str) -> dict[str, str]:
    return {f"{ns} {name}": name for ns in _MAIN_NS for name in local}


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _check_text(parts: list[str], length: int, row: int | None) -> str:
    text = "".join(parts)
    if "_x" in text:
        text = unescape(text)
    if len(text) > MAX_CELL_CHARS + _QUOTE_SLACK:
        raise cell_too_long(row)
    return text


class SharedStrings:
    """The workbook's shared-string table, compact: all texts as UTF-8 in one buffer.

    A list of str would do, but Python stores a whole text at 4 bytes a character as soon as
    it holds one emoji: the table of a legal file (100 MB unpacked, a million distinct texts)
    then takes over 400 MB. Here it takes what it takes on disk; a cell decodes its text.
    """

    def __init__(self):
        self._buffer = bytearray()
        self._ends = array("Q")

    def append(self, text: str) -> None:
        # surrogatepass: an _xD800_ escape unescapes to a lone surrogate, which stays as read.
        self._buffer += text.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._buffer))

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        end = self._ends[index]
        start = self._ends[index - 1] if index else 0
        return self._buffer[start:end].decode("utf-8", "surrogatepass")


def read_shared_strings(archive: zipfile.ZipFile, name: str | None) -> SharedStrings:
    strings = SharedStrings()
    if name is None or name not in archive.namelist():
        return strings
    tags = _tags("si", "t", "rPh")
    state = {"in_si": False, "in_t": False, "in_rph": False, "parts": [], "length": 0}

    def start(tag, attrs):
        kind = tags.get(tag)
        if kind == "si":
            if len(strings) >= MAX_SHARED_STRINGS:
                raise ImportFileError(
                    _("Het bestand bevat meer dan %(max)s verschillende teksten. Splits het op.")
                    % {"max": _number(MAX_SHARED_STRINGS)})
            state.update(in_si=True, parts=[], length=0)
        elif kind == "rPh":
            state["in_rph"] = True  # phonetic hints are no part of the text
        elif kind == "t" and state["in_si"] and not state["in_rph"]:
            state["in_t"] = True

    def end(tag):
        kind = tags.get(tag)
        if kind == "t":
            state["in_t"] = False
        elif kind == "rPh":
            state["in_rph"] = False
        elif kind == "si":
            strings.append(_check_text(state["parts"], state["length"], None))
            state["in_si"] = False

    def text(data):
        if state["in_t"]:
            state["length"] += len(data)
            if state["length"] > _RAW_CELL_CHARS:
                raise cell_too_long(None)
            state["parts"].append(data)

    _stream(archive, name, _new_parser(start, end, text))
    return strings


def _cast(kind: str | None, raw: str, strings: SharedStrings):
    if kind == "s":
        try:
            return strings[int(raw)]
        except (ValueError, IndexError) as exc:
            raise not_readable() from exc
    if kind in ("str", "inlineStr", "e", "d"):
        return raw
    if raw == "":
        return None
    if kind == "b":
        return raw.strip() in ("1", "true")
    try:
        if "." in raw or "E" in raw or "e" in raw:
            return float(raw)
        return int(raw)
    except ValueError:
        return raw


def _column_names(count: int) -> dict[str, int]:
    """{"A": 1, …, "CV": 100}: a cell reference's letters to its column, for the allowed ones."""
    names = {}
    for index in range(1, count + 1):
        name, rest = "", index
        while rest:
            rest, digit = divmod(rest - 1, 26)
            name = chr(65 + digit) + name
        names[name] = index
    return names


_COLUMN_OF = _column_names(MAX_COLUMNS)
_DIGITS = "0123456789"


class _SheetReader:
    """Expat handlers for a worksheet: checks the limits and collects each row's values.

    Called for every element of up to 100 MB of XML, so written for speed: one dict lookup
    per tag, the common cell path first, no helper calls on it.
    """

    def __init__(self, strings: SharedStrings, quoted: frozenset[int]):
        self.strings = strings
        self.quoted = quoted
        self.tags = _tags("dimension", "row", "c", "v", "is", "t", "rPh")
        self.rows: list[tuple[int, list]] = []  # filled per chunk, drained by the caller
        self.row_number = 0
        self.cells: dict[int, object] = {}
        self.column = 0
        self.kind = self.style = None
        self.in_cell = self.in_inline = self.in_rph = self.collecting = False
        self.parts: list[str] = []
        self.length = 0

    def start(self, tag, attrs):
        kind = self.tags.get(tag)
        if kind == "c":
            ref = attrs.get("r")
            if ref:
                column = _COLUMN_OF.get(ref.rstrip(_DIGITS))
                if column is None:
                    raise too_many_columns() if ref[:1].isalpha() else not_readable()
                self.column = column
            else:
                self.column += 1
            if self.column > MAX_COLUMNS or len(self.cells) >= MAX_COLUMNS:
                raise too_many_columns()
            self.kind = attrs.get("t")
            self.style = attrs.get("s")
            self.in_cell, self.parts, self.length = True, [], 0
        elif kind == "t":
            if self.in_inline and not self.in_rph:
                self.collecting = True
        elif kind == "v":
            if self.in_cell:
                self.collecting = True
        elif kind == "is":
            if self.in_cell:
                self.in_inline = True
        elif kind == "row":
            r = attrs.get("r")
            try:
                self.row_number = int(r) if r else self.row_number + 1
            except ValueError as exc:
                raise not_readable() from exc
            if self.row_number > MAX_ROWS + 1:
                raise too_many_rows()
            self.cells, self.column = {}, 0
        elif kind == "rPh":
            self.in_rph = True
        elif kind == "dimension":
            # What the sheet says about itself: refuse a huge sheet before its first row.
            last = _CELL_REF.match(attrs.get("ref", "").rpartition(":")[2])
            if last and int(last.group(2)) > MAX_ROWS + 1:
                raise too_many_rows()
            if last and _column_index(last.group(1)) > MAX_COLUMNS:
                raise too_many_columns()

    def end(self, tag):
        kind = self.tags.get(tag)
        if kind == "c":
            self.in_cell = False
            if not self.length:
                return
            text = self.parts[0] if len(self.parts) == 1 else "".join(self.parts)
            if "_x" in text:
                text = unescape(text)
            if len(text) > MAX_CELL_CHARS + _QUOTE_SLACK:
                raise cell_too_long(self.row_number)
            kind = self.kind
            value = text if kind == "inlineStr" or kind == "str" else _cast(kind, text, self.strings)
            if value is not None and value != "":
                if self.quoted and isinstance(value, str) and self.style \
                        and self.style.isdigit() and int(self.style) in self.quoted:
                    value = QuotedText(value)
                self.cells[self.column] = value
        elif kind == "t" or kind == "v":
            self.collecting = False
        elif kind == "is":
            self.in_inline = False
        elif kind == "rPh":
            self.in_rph = False
        elif kind == "row" and self.cells:
            values = [None] * max(self.cells)
            for column, value in self.cells.items():
                values[column - 1] = value
            self.rows.append((self.row_number, values))

    def text(self, data):
        if self.collecting:
            self.length += len(data)
            if self.length > _RAW_CELL_CHARS:
                raise cell_too_long(self.row_number)
            self.parts.append(data)


def iter_rows(content: bytes) -> Iterator[tuple[int, list]]:
    """(Excel row number, values) of every non-empty row of the first sheet, streamed.

    Raises ImportFileError (Dutch) as soon as the file breaks a limit: sizes before
    anything is unpacked, rows, columns and cell lengths while reading.
    """
    archive = _open_zip(content)
    with archive:
        sheet, strings_part, styles_part = _workbook_parts(archive)
        strings = read_shared_strings(archive, strings_part)
        reader = _SheetReader(strings, _quote_prefixed_styles(archive, styles_part))
        parser = _new_parser(reader.start, reader.end, reader.text)
        try:
            with archive.open(sheet) as member:
                while chunk := member.read(_CHUNK):
                    parser.Parse(chunk, False)
                    yield from reader.rows
                    reader.rows.clear()
                parser.Parse(b"", True)
                yield from reader.rows
        except KeyError as exc:
            raise not_readable() from exc
        except (expat.ExpatError, zipfile.BadZipFile, OSError, NotImplementedError,
                RuntimeError, EOFError) as exc:
            raise not_readable() from exc


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_SI_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="[A-Z]*[0-9]*:?([A-Z]{1,3})([0-9]+)"')
_ROOT_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?(?:worksheet|sst)[\s>]")
# Between two tags, text of more bytes than this cannot be a cell the form accepts (4 bytes
# a character in UTF-8); the worker's reader then counts the characters exactly.
_MAX_TEXT_BYTES = 4 * (MAX_CELL_CHARS + _QUOTE_SLACK)
# Anchored on "<": the engine jumps from tag to tag instead of retrying inside every text.
_LONG_TEXT = re.compile(rb"<[^<]{%d}" % (_MAX_TEXT_BYTES + 64))
_CARRY_LIMIT = _MAX_TEXT_BYTES + 1024


def _scan_member(archive: zipfile.ZipFile, name: str, *, sheet: bool) -> int:
    """One pass over a member's bytes at C speed (regex and bytes.count, no XML objects).

    For a sheet: rows (count and number), cells per row, the dimension and the longest
    text; for the shared strings: their count and the longest text. Stops at the first
    limit broken. Returns the number of rows (sheet) or strings.
    """
    rows = strings = 0
    row_number = 0
    cells_in_row = 0
    cell_tokens: tuple[bytes, ...] = ()
    carry = b""
    first = True
    try:
        member = archive.open(name)
    except KeyError as exc:
        raise not_readable() from exc
    try:
        with member:
            while True:
                chunk = member.read(_CHUNK)
                data = carry + chunk
                if not chunk:
                    carry, cut = b"", len(data)
                else:
                    # Process up to the last tag start: no token is cut in two.
                    cut = data.rfind(b"<")
                    if cut <= 0:
                        cut = len(data) if len(data) > _CARRY_LIMIT else 0
                    carry = data[cut:]
                part = data[:cut]
                if first and part:
                    first = False
                    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
                        raise not_readable()
                    root = _ROOT_PREFIX.search(data)
                    prefix = (root.group(1) or b"") if root else b""
                    cell_tokens = tuple(b"<" + prefix + b"c" + end
                                        for end in (b" ", b">", b"/", b"\t", b"\n", b"\r"))
                    dimension = _DIMENSION.search(data) if sheet else None
                    if dimension:
                        if int(dimension.group(2)) > MAX_ROWS + 1:
                            raise too_many_rows()
                        if _column_index(dimension.group(1).decode()) > MAX_COLUMNS:
                            raise too_many_columns()
                if _LONG_TEXT.search(part):
                    raise cell_too_long(row_number if sheet and row_number else None)
                if sheet:
                    start = 0
                    for match in _ROW_TAG.finditer(part):
                        cells_in_row += sum(part.count(t, start, match.start())
                                            for t in cell_tokens)
                        if cells_in_row > MAX_COLUMNS:
                            raise too_many_columns()
                        rows += 1
                        row_number += 1
                        r = re.match(rb'[^>]*?\br="([0-9]{1,10})"', part[match.end():match.end() + 200])
                        if r:
                            row_number = int(r.group(1))
                        if rows > MAX_ROWS + 1 or row_number > MAX_ROWS + 1:
                            raise too_many_rows()
                        cells_in_row, start = 0, match.end()
                    cells_in_row += sum(part.count(t, start) for t in cell_tokens)
                    if cells_in_row > MAX_COLUMNS:
                        raise too_many_columns()
                else:
                    strings += sum(1 for _ in _SI_TAG.finditer(part))
                    if strings > MAX_SHARED_STRINGS:
                        raise ImportFileError(
                            _("Het bestand bevat meer dan %(max)s verschillende teksten. "
                              "Splits het op.") % {"max": _number(MAX_SHARED_STRINGS)})
                if not chunk:
                    break
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError, EOFError) as exc:
        raise not_readable() from exc
    return rows if sheet else strings


def check_file(content: bytes) -> int:
    """Refuse a file over the limits before it is parsed; returns its number of rows.

    For the upload, in the web request: sizes, the zip's declared sizes, then one pass over
    the sheet and the shared strings at C speed that keeps nothing in memory. The worker's
    reader (``iter_rows``) checks the same limits exactly while it reads.
    """
    archive = _open_zip(content)
    with archive:
        sheet, strings_part, _styles = _workbook_parts(archive)
        if strings_part is not None and strings_part in archive.namelist():
            _scan_member(archive, strings_part, sheet=False)
        rows = _scan_member(archive, sheet, sheet=True)
    if rows == 0:
        raise ImportFileError(_("Het bestand is leeg: de eerste rij moet de kolomnamen bevatten."))
    return rows - 1
