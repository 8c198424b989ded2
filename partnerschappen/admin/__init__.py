"""Staff backend of partnerships, and what partnerships add to the registration pages.

partnerschap.py       the partnership list and page, members inline (PartnerschapAdmin)
actions.py            batch actions: add registrations to a partnership, export to Excel
suggestion_views.py   the page with suggested partnerships
gesprek_views.py      the conversation pages: plan, change, invite, remind, cancel, report, outcome
overview.py           the overview's charts of partnerships and invitations
bouwstenen.py         /beheer/bouwstenen/: the building blocks of the subsidy call (make, download)
registratie_panel.py  the panel on a registration's detail page: its partnerships

What this app adds to the registration pages is registered in PartnerschappenConfig.ready()
(portaal/extensions.py), not here.
"""
from django.contrib import admin

from . import partnerschap  # noqa: F401 (registers PartnerschapAdmin)
from .bouwstenen import bouwstenen_download_view, bouwstenen_view

admin.site.register_view("bouwstenen/", bouwstenen_view, name="bouwstenen")
admin.site.register_view("bouwstenen/<int:pk>/<str:form>/", bouwstenen_download_view,
                         name="bouwstenen_download")
