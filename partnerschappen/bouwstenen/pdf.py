"""The document as a tagged PDF: the structure through a Django template into WeasyPrint.

Tagged (PDF/UA-1: a structure tree, the language, the title), so that a screen reader follows
headings, lists and tables in reading order. Fonts come from the system (Debian's DejaVu,
``make pdf``); nothing is fetched while drawing.
"""
import logging

from django.template.loader import render_to_string

from .content import Document


def document_html(document: Document) -> str:
    return render_to_string("bouwstenen/document.html", {"document": document})


def _no_fetch(url: str, *args, **kwargs):
    """The document links nothing external; any fetch is refused (no network in the worker)."""
    raise ValueError(f"Geen externe bronnen in het document: {url}")


def document_pdf(document: Document) -> bytes:
    # WeasyPrint logs every page it lays out (and its own style sheets as it loads) at INFO:
    # a hundred lines per document in the worker's log. Its warnings still show.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from weasyprint import HTML  # heavy (Pango): loaded where a PDF is drawn, not at start-up

    return HTML(string=document_html(document), url_fetcher=_no_fetch, base_url=".").write_pdf(
        pdf_tags=True, pdf_variant="pdf/ua-1")
