"""The document as an editable Word file (python-docx): real headings and tables, so that the
people who draft the call can restructure it; the map's numbers come as its table."""
import io

from django.utils.translation import gettext as _
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

from .content import Document, Table


class _Writer:
    """Paragraphs and tables with their styles set by id: python-docx looks a style up by
    name (and compares it with the default) on every use, which dominates a long document."""

    def __init__(self, word):
        self.word = word
        self.style_ids = {name: word.styles[name].style_id for name in (
            "Caption", "List Bullet", "Table Grid", "Title",
            *(f"Heading {level}" for level in range(1, 5)))}

    def paragraph(self, text: str = "", style: str = ""):
        paragraph = self.word.add_paragraph(text)
        if style:
            paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = self.style_ids[style]
        return paragraph

    def heading(self, text: str, level: int):
        return self.paragraph(text, "Title" if level == 0 else f"Heading {min(level, 4)}")

    def table(self, table: Table) -> None:
        self.paragraph(style="Caption").add_run(table.caption).bold = True
        grid = self.word.add_table(rows=1 + len(table.rows), cols=len(table.headers))
        grid._tbl.tblPr.get_or_add_tblStyle().val = self.style_ids["Table Grid"]
        for row, values in zip(grid.rows, [table.headers, *table.rows], strict=True):
            header = values is table.headers
            for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                paragraph = cell.paragraphs[0]
                run = paragraph.add_run(value)
                if header:
                    run.bold = True
                elif index in table.numeric:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self.paragraph()


def document_docx(document: Document) -> bytes:
    word = WordDocument()
    word.core_properties.title = f"{document.title} – {document.subtitle}"
    word.core_properties.language = "nl-BE"
    word.core_properties.author = "ESF&DO"
    word.styles["Normal"].font.size = Pt(10)
    writer = _Writer(word)
    writer.heading(document.title, 0)
    writer.paragraph(document.subtitle)
    writer.paragraph(document.made_on)
    for section in document.sections:
        if section.new_page:
            writer.paragraph().add_run().add_break(WD_BREAK.PAGE)
        writer.heading(section.title, section.level)
        for block in section.blocks:
            if block.heading:
                writer.heading(block.heading, section.level + 1)
            if block.text:
                writer.paragraph(block.text)
            if block.caption:
                writer.paragraph(_("%(caption)s: de cijfers staan in de tabel ‘Dekking per "
                                   "provincie’.") % {"caption": block.caption})
            for item in block.items:
                writer.paragraph(item, "List Bullet")
            if block.table is not None:
                writer.table(block.table)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
