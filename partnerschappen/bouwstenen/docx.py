"""The document as an editable Word file (python-docx): real headings and tables, so that the
people who draft the call can restructure it; the map's numbers come as its table."""
import io

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

from .content import Document, Table


def _table(word, table: Table) -> None:
    caption = word.add_paragraph(style="Caption")
    caption.add_run(table.caption).bold = True
    grid = word.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = header
        cell.paragraphs[0].runs[0].bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, row, strict=True)):
            cell.text = value
            if index in table.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    word.add_paragraph()


def document_docx(document: Document) -> bytes:
    word = WordDocument()
    word.core_properties.title = f"{document.title} – {document.subtitle}"
    word.core_properties.language = "nl-BE"
    word.core_properties.author = "ESF&DO"
    word.styles["Normal"].font.size = Pt(10)
    word.add_heading(document.title, level=0)
    word.add_paragraph(document.subtitle)
    word.add_paragraph(document.made_on)
    for section in document.sections:
        if section.new_page:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        word.add_heading(section.title, level=section.level)
        for block in section.blocks:
            if block.heading:
                word.add_heading(block.heading, level=section.level + 1)
            if block.text:
                word.add_paragraph(block.text)
            for item in block.items:
                word.add_paragraph(item, style="List Bullet")
            if block.table is not None:
                _table(word, block.table)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
