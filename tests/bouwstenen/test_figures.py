"""Every figure of the building blocks equals the staff overview's and the Excel export's, in
the PDF's text and in the Word file's tables, on SQLite and PostgreSQL; no personal data."""
import io
from collections import Counter

import pytest
from openpyxl import load_workbook

from partnerschappen.bouwstenen.content import document_content
from partnerschappen.bouwstenen.docx import document_docx
from partnerschappen.bouwstenen.figures import round_figures
from partnerschappen.bouwstenen.pdf import document_pdf
from partnerschappen.selectors import partnership_counts
from registraties import eligibility
from registraties.admin.overview import registratie_overview
from registraties.constants import Provincie, RegistratieStatus, Thema
from registraties.excel.export import registraties_export
from registraties.models import Registratie

from .conftest import SECRET, build_round, docx_rows, docx_text, pdf_text


@pytest.fixture
def files(built_round):
    figures = round_figures(ronde=built_round.ronde)
    document = document_content(figures)
    return figures, document_pdf(document), document_docx(document)


def _sheet(ronde) -> list[dict]:
    out = io.BytesIO()
    registraties_export(queryset=Registratie.objects.filter(ronde=ronde), target=out)
    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True).active
    rows = sheet.iter_rows(values_only=True)
    headers = next(rows)
    return [dict(zip(headers, row, strict=False)) for row in rows]


def test_the_figures_are_the_overviews(built_round):
    figures = round_figures(ronde=built_round.ronde)
    overview = registratie_overview(ronde=built_round.ronde, use_cache=False)
    charts = {chart.key: chart for chart in overview.charts}
    assert figures.total == overview.total == 25
    assert figures.to_review == overview.to_review
    for group in figures.groups:
        assert group.rows == [(bar.label, bar.count) for bar in charts[group.key].bars]
    per_status, _answers = partnership_counts(ronde=built_round.ronde)
    assert dict(figures.partnerships_per_status) == {"voorstel": 1, "in gesprek": 1, "gevormd": 1,
                                                     "afgehaakt": 0}
    assert sum(count for _label, count in figures.partnerships_per_status) == sum(
        per_status.values())


def test_the_figures_are_the_excel_exports(built_round):
    figures = round_figures(ronde=built_round.ronde)
    rows = _sheet(built_round.ronde)
    assert len(rows) == figures.total
    assert dict(figures.group("type").rows) == {
        label: sum(1 for row in rows if row["Type organisatie"] == label)
        for label, _count in figures.group("type").rows}
    assert dict(figures.group("status").rows) == {
        label: sum(1 for row in rows if row["Status"] == label)
        for label, _count in figures.group("status").rows}
    themes = Counter(label for row in rows for label in (row["Thema's"] or "").split("; ") if label)
    assert {label: count for label, count in figures.group("thema").rows} == {
        str(label): themes[str(label)] for _code, label in Thema.choices}
    provinces = Counter(eligibility.province_for_postcode(int(row["Postcode"])) for row in rows)
    assert {code: figures.map_registrations[code] for code in figures.map_registrations} == {
        code: provinces[code] for code in figures.map_registrations}
    answered = [row for row in rows if row["Aantal bereikte ondernemingen"] is not None
                and row["Aandeel kleine ondernemingen (%)"] is not None]
    assert figures.small.answered == len(answered)
    assert figures.small.companies == sum(row["Aantal bereikte ondernemingen"] for row in answered)
    assert figures.small.small_companies == round(sum(
        row["Aantal bereikte ondernemingen"] * row["Aandeel kleine ondernemingen (%)"]
        for row in answered) / 100)


def test_the_pdf_and_the_word_file_show_every_figure(files):
    figures, pdf, docx = files
    text, rows = pdf_text(pdf), docx_rows(docx)
    assert f"Registraties in deze ronde: {figures.total}." in text
    for group in figures.groups:
        for label, count in group.rows:
            assert f"{label} {count}" in text, (group.key, label)
            assert (label, str(count)) in rows, (group.key, label)
    small = figures.small
    for label, value in (("Bereikte ondernemingen samen", small.companies),
                         ("waarvan kleine ondernemingen (aantal × aandeel)", small.small_companies),
                         ("Aandeel kleine ondernemingen", f"{small.percentage} %")):
        assert f"{label} {value}" in text
        assert (label, str(value)) in rows
    for code in figures.map_registrations:
        name = dict(Provincie.choices)[code]
        assert any(row[:3] == (str(name), str(figures.map_registrations[code]),
                               str(figures.map_reach[code])) for row in rows), name


def test_coverage_confirmed_reach_and_white_spots(built_round, files):
    figures, pdf, docx = files
    # Only the formed partnership's confirmed agreement counts on the map: 30 + 21 + 10,
    # the 21 shared over Oost- and West-Vlaanderen (the first in the call's order takes the rest).
    assert figures.map_reach == {"VWV": 40, "VOV": 11, "VAN": 10, "VLI": 0, "VBR": 0, "BRU": 0}
    sectors = {row.key: row for row in figures.sectors}
    assert sectors["bouw"].formed == ["Bouw West"]
    assert sectors["glas"].registrations >= 1 and sectors["glas"].formed == ["Bouw West"]
    white = {row.key for row in figures.white_sectors}
    assert "bouw" not in white and "zorg" not in {row.key for row in figures.sectors
                                                  if row.formed}
    assert {row.key for row in figures.white_themes} == {
        code for code, _label in Thema.choices
        if code != "behoeftedetectie" and any(row.key == code and row.registrations
                                              for row in figures.themes)}
    assert "Limburg" in {row.label for row in figures.white_provinces}
    text, docx_all = pdf_text(pdf), docx_text(docx)
    for output in (text, docx_all):
        assert "Witte vlekken" in output
        assert "Kaart: Registraties per provincie" in output
        assert "Bouw West" in output and "Zorg Samen" in output
        assert "Enkel Voorstel" not in output.split("Partnerschappen in gesprek of gevormd")[-1] \
            .split("Open vragen")[0]
        assert "Bevestigd door 3 van 3" in output and "Bevestigd door 1 van 2" in output
        assert "Verwacht bereik: 61 ondernemingen" in output
        # The open questions grouped by theme.
        assert "Mag een sectorfonds ook de regierol opnemen?" in output
        assert "Telt een werknemer van een uitzendkantoor mee?" in output


def test_no_personal_data_in_either_file(files):
    _figures, pdf, docx = files
    for output in (pdf_text(pdf), docx_text(docx)):
        assert "Geheimhouders vzw" in output
        for value in SECRET.values():
            assert value not in output
        for registratie in Registratie.objects.all():
            assert registratie.contact_email not in output
            assert registratie.contact_naam not in output


def test_the_pdf_is_tagged_dutch_and_titled(files):
    from pypdf import PdfReader

    _figures, pdf, _docx = files
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "nl"
    assert "Bouwstenen voor de subsidieoproep" in str(PdfReader(io.BytesIO(pdf)).metadata.title)


def test_figures_take_the_same_queries_whatever_the_size(open_ronde):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from verkenning.models import Ronde

    build_round(open_ronde, count=8)
    with CaptureQueriesContext(connection) as small:
        round_figures(ronde=open_ronde)
    other = Ronde.objects.create(titel="Groter", slug="groter", opent_op=open_ronde.opent_op,
                                 sluit_op=open_ronde.sluit_op)
    build_round(other, count=30)
    with CaptureQueriesContext(connection) as large:
        round_figures(ronde=other)
    assert len(small.captured_queries) <= 20
    assert len(large.captured_queries) == len(small.captured_queries)


def test_an_empty_round_still_makes_a_document(open_ronde):
    figures = round_figures(ronde=open_ronde)
    document = document_content(figures)
    text = pdf_text(document_pdf(document))
    assert "Registraties in deze ronde: 0." in text
    assert "De afspraken vermelden (nog) geen open vragen." in text
    assert figures.group("status").rows[0] == (str(RegistratieStatus.INGEDIEND.label), 0)
