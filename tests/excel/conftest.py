"""Fixtures for the Excel tests: staff users with or without the export right, sheet reading."""
import io

from openpyxl import load_workbook


def read_sheet(source) -> tuple[list[str], list[dict]]:
    """(headers, rows as {header: cell}) of the first sheet of an .xlsx file, path or bytes."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    workbook = load_workbook(source)
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    headers = list(values[0])
    return headers, [dict(zip(headers, row, strict=True)) for row in values[1:]]


def cells_by_header(source) -> list[dict]:
    """Rows as {header: openpyxl cell}, to look at cell types."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    sheet = load_workbook(source).worksheets[0]
    rows = list(sheet.iter_rows())
    headers = [cell.value for cell in rows[0]]
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]
