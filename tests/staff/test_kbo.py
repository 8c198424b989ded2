"""Staff and the enterprise register: what the KBO says beside what was declared, the
"KBO-controle" filter, and re-checking a round after a new import."""
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from kbo.models import Onderneming, Snapshot
from registraties.constants import KboControle, Vlag
from registraties.models import Registratie
from registraties.register_check import KBO_RECHECK_REASON
from tests.factories import make_registratie

pytestmark = pytest.mark.django_db

LIST = reverse("admin:registraties_registratie_changelist")


def detail(client, registratie) -> str:
    response = client.get(reverse("admin:registraties_registratie_change", args=[registratie.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_detail_page_shows_the_register_beside_the_declaration_with_its_date(
        reviewer_client, open_ronde, kbo_register):
    registratie = make_registratie(open_ronde, ondernemingsnummer="0417497106", naam="Bouwfonds",
                                   postcode="2000", gemeente="Antwerpen", straat="Meir 1")
    html = detail(reviewer_client, registratie)
    assert "Volgens de KBO-gegevens van 30/04/2026" in html
    assert "Bouwfonds Test" in html and "Kouter 1, 9000 Gent" in html
    assert "Meir 1, 2000 Antwerpen" in html
    assert "≠ Kouter 1, 9000 Gent" in html  # the seat differs: marked
    assert "<strong>verschilt</strong> (de maatschappelijke zetel heeft een andere postcode)" in html
    # Saved before the register was loaded: the page says the stored verdict is older.
    assert "Opgeslagen bij de laatste toetsing: niet geverifieerd." in html


def test_without_register_data_the_detail_page_says_nothing_was_verified(reviewer_client,
                                                                         open_ronde):
    html = detail(reviewer_client, make_registratie(open_ronde))
    assert "Er zijn geen KBO-gegevens geladen: niet geverifieerd in de KBO." in html


def test_the_detail_page_judges_on_the_register_as_loaded_now(reviewer_client, open_ronde,
                                                              kbo_register):
    registratie = make_registratie(open_ronde, ondernemingsnummer="0417497106")
    Onderneming.objects.filter(pk="0417497106").update(actief=False)
    assert "stopgezet" in detail(reviewer_client, registratie)


def test_the_kbo_filter_returns_exactly_the_matching_rows(reviewer_client, open_ronde):
    rows = {state: make_registratie(open_ronde, naam=f"Org {state}", kbo_controle=state)
            for state in KboControle.values}
    for state, registratie in rows.items():
        response = reviewer_client.get(LIST, {"status": "alle", "kbo_controle__exact": state})
        assert [r.pk for r in response.context["cl"].result_list] == [registratie.pk]


def _round_before_the_register(open_ronde):
    """Three registrations made before any register was loaded."""
    same = make_registratie(open_ronde, ondernemingsnummer="0417497106", postcode="9000",
                            gemeente="Gent", rechtsvorm="vzw", naam="Bouwfonds Gent vzw")
    moved = make_registratie(open_ronde, ondernemingsnummer="0403170701", postcode="3500",
                             gemeente="Hasselt", rechtsvorm="vzw", naam="Metaalunie Limburg")
    gone = make_registratie(open_ronde, ondernemingsnummer="0202239951", postcode="9000",
                            gemeente="Gent")
    assert {r.kbo_controle for r in (same, moved, gone)} == {KboControle.NIET_GEVERIFIEERD}
    return same, moved, gone


def _load_register():
    Snapshot.objects.create(snapshot_datum=date(2026, 5, 31), extract_type="full")
    Onderneming.objects.create(ondernemingsnummer="0417497106", actief=True, rechtspersoon=True,
                               rechtsvorm="Vereniging zonder winstoogmerk", naam="Bouwfonds Gent",
                               postcode="9000", gemeente="Gent")
    Onderneming.objects.create(ondernemingsnummer="0403170701", actief=True, rechtspersoon=True,
                               rechtsvorm="Vereniging zonder winstoogmerk", naam="METAALUNIE LIMBURG V.Z.W.",
                               postcode="9000", gemeente="Gent")


def test_the_recheck_action_judges_again_and_records_what_changed_in_the_history(
        coordinator_client, coordinator, open_ronde):
    same, moved, gone = _round_before_the_register(open_ronde)
    _load_register()
    response = coordinator_client.post(LIST + "?status=alle", {
        "action": "kbo_hercontrole", "_selected_action": [same.pk, moved.pk, gone.pk]},
        follow=True)
    assert "3 registraties getoetst aan de KBO-gegevens van 31/05/2026; 3 met een ander " \
           "oordeel" in response.content.decode()
    for row in (same, moved, gone):
        row.refresh_from_db()
    assert (same.kbo_controle, same.kbo_snapshot_datum) == (KboControle.GEVERIFIEERD,
                                                            date(2026, 5, 31))
    assert Vlag.KBO_NIET_GEVERIFIEERD not in same.vlaggen
    assert (moved.kbo_controle, moved.kbo_bevindingen) == (KboControle.VERSCHILT,
                                                           ["zetel_verschilt"])
    assert Vlag.KBO_ZETEL in moved.vlaggen
    assert (gone.kbo_controle, gone.kbo_bevindingen) == (KboControle.NIET_GEVONDEN, ["onbekend"])
    assert Vlag.KBO_NIET_GEVONDEN in gone.vlaggen
    latest = moved.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_change_reason, latest.history_user) == (KBO_RECHECK_REASON, coordinator)
    # Nothing changed on a second run: no new history rows, the same answer.
    before = Registratie.history.count()
    response = coordinator_client.post(LIST + "?status=alle", {
        "action": "kbo_hercontrole", "_selected_action": [same.pk, moved.pk, gone.pk]},
        follow=True)
    assert "0 met een ander oordeel" in response.content.decode()
    assert Registratie.history.count() == before


def test_the_recheck_uses_a_fixed_number_of_queries_whatever_the_round(open_ronde,
                                                                       django_assert_max_num_queries):
    from registraties.register_check import registraties_recheck_register

    _load_register()
    for _ in range(30):
        make_registratie(open_ronde)
    # The snapshot, the locked rows, the register's entries, the update and the history rows
    # (and the test transaction's savepoints): the same for 3 or 3,000 registrations.
    with django_assert_max_num_queries(8):
        result = registraties_recheck_register(registraties=Registratie.objects.all())
    assert (result.checked, result.changed) == (30, 30)


def test_the_recheck_command_checks_a_whole_round(open_ronde):
    same, moved, gone = _round_before_the_register(open_ronde)
    _load_register()
    out = StringIO()
    call_command("kbo_hercontrole", "--ronde", open_ronde.slug, stdout=out)
    assert "KBO-gegevens van 31-05-2026." in out.getvalue()
    assert "Registraties getoetst: 3; met een ander oordeel: 3" in out.getvalue()
    assert set(Registratie.objects.values_list("kbo_controle", flat=True)) == {
        KboControle.GEVERIFIEERD, KboControle.VERSCHILT, KboControle.NIET_GEVONDEN}


def test_reviewers_read_the_register_but_cannot_run_the_recheck(reviewer_client, open_ronde,
                                                                kbo_register):
    registratie = make_registratie(open_ronde, ondernemingsnummer="0417497106")
    assert reviewer_client.get(reverse("admin:kbo_onderneming_changelist")).status_code == 200
    response = reviewer_client.get(LIST + "?status=alle")
    assert "kbo_hercontrole" not in response.content.decode()
    reviewer_client.post(LIST + "?status=alle", {"action": "kbo_hercontrole",
                                                 "_selected_action": [registratie.pk]})
    registratie.refresh_from_db()
    assert registratie.kbo_controle == KboControle.NIET_GEVERIFIEERD
