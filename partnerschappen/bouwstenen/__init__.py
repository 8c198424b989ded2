"""The building blocks of the subsidy call (bouwstenen voor de subsidieoproep): one document
per round, as a tagged PDF and an editable Word file.

figures.py   the numbers: the overview's own selectors, the coverage, the partnerships
content.py   the document as sections of paragraphs, tables and the map (one structure for both)
tilemap.py   the map of Flanders's five provinces and Brussels as SVG tiles (no geodata)
pdf.py       the structure through a Django template into WeasyPrint (tagged PDF/UA)
docx.py      the structure into python-docx: headings and tables, editable
models.py    Bouwstenendocument: one generated document, its progress and its two files
tasks.py     the worker's job (claimed and recovered as berichten/worker.py describes)
"""
