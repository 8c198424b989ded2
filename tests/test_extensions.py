"""Where apps add to each other's pages: every point declared once (portaal/extensions.py),
and what is registered there once the apps are ready."""
from django.contrib import admin

from partnerschappen.models import Partnerschap
from portaal import extensions
from registraties.models import Registratie


def _name(item) -> str:
    if isinstance(item, extensions.Section):
        return f"{item.template} ({item.context.__module__}.{item.context.__name__})"
    if isinstance(item, extensions.SheetColumn):
        return f"column {item.key} ({item.load.__module__}.{item.load.__name__})"
    return f"{item.__module__}.{item.__name__}"


def test_what_the_apps_register_at_each_point():
    registered = {point.name: [_name(item) for item in extensions.items(point)]
                  for point in extensions.POINTS}
    assert registered == {
        "registratie_actions": ["partnerschappen.admin.actions.toevoegen_aan_partnerschap"],
        "registratie_panels": [
            "admin/partnerschappen/registratie_partnerschappen.html "
            "(partnerschappen.admin.registratie_panel.memberships_panel)"],
        "overview_charts": ["partnerschappen.admin.overview.partnership_charts"],
        "overview_links": ["partnerschappen.admin.bouwstenen.overview_links"],
        "registratie_columns": ["column partnerschappen (partnerschappen.excel.partnership_names)"],
        "edit_page_sections": [
            "partnerschappen/_dossier_afspraken.html "
            "(partnerschappen.selectors.edit_page_agreements)",
            "partnerschappen/_wijzigen_gesprekken.html "
            "(partnerschappen.selectors.edit_page_conversations)"],
        "kbo_lookup_answers": ["registraties.selectors.number_registered_now"],
        "demo_content": ["partnerschappen.demo.demo_partnerships"],
    }


def test_every_point_says_what_an_item_is_who_reads_it_and_who_fills_it():
    assert len({point.name for point in extensions.POINTS}) == len(extensions.POINTS)
    for point in extensions.POINTS:
        assert "Read by" in point.doc and "Filled by" in point.doc, point.name


def test_registering_again_adds_nothing():
    [action] = extensions.items(extensions.REGISTRATIE_ACTIONS)
    extensions.register(extensions.REGISTRATIE_ACTIONS, action)
    assert extensions.items(extensions.REGISTRATIE_ACTIONS) == (action,)


def test_the_registration_list_offers_its_own_actions_and_the_registered_one():
    registratie_admin = admin.site.get_model_admin(Registratie)
    assert registratie_admin.actions == ["change_status", "kbo_hercontrole",
                                         *extensions.items(extensions.REGISTRATIE_ACTIONS)]
    assert admin.site.is_registered(Partnerschap)


def test_apps_register_only_in_their_app_config():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    registering = sorted(str(path.relative_to(root))
                         for package in ("portaal", "medewerkers", "verkenning", "kbo",
                                         "berichten", "registraties", "partnerschappen")
                         for path in (root / package).rglob("*.py")
                         if "extensions.register(" in path.read_text())
    assert registering == ["partnerschappen/apps.py", "registraties/apps.py"]
