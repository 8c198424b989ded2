"""Staff backend of registrations.

registratie.py   list and detail page (RegistratieAdmin), what other apps contribute to it
review.py        the review panel: status changes, notes, their log (ReviewAdminMixin)
excel.py         export of the filtered list, batch export, import (ExcelAdminMixin)
filters.py       the list's filters and its quick date drill-down
overview.py      /beheer/overzicht/: the numbers and the page (portaal/charts.py draws them)
persoonsgegevens.py  /beheer/persoonsgegevens/: one contact person's data (GDPR), download, erase
"""
from django.contrib import admin

from . import registratie, review  # noqa: F401 (registers the model admins)
from .overview import overview_view
from .persoonsgegevens import persoonsgegevens_view

admin.site.register_view("overzicht/", overview_view, name="overzicht")
admin.site.register_view("persoonsgegevens/", persoonsgegevens_view, name="persoonsgegevens")
