"""Re-importing rows that already exist (updates): the form's rules, history rows, all or nothing."""
import pytest
from django.forms.models import model_to_dict

from registraties.excel import bulk, imports
from registraties.excel.imports import IMPORT_REASON, UNCHANGED, UPDATE, registraties_import
from registraties.models import Registratie
from registraties.questions import ANSWER_FIELDS
from tests.excel.test_import import edit_cells, export_bytes
from tests.factories import make_registratie, make_registraties

pytestmark = pytest.mark.django_db

# The stored row of a registration as its history row repeats it (all but the edit link).
HISTORY_FIELDS = [f.attname for f in Registratie.history.model.tracked_fields]


def stored_rows(ronde) -> dict[int, dict]:
    return {r.pk: model_to_dict(r) | {"gewijzigd_op": r.gewijzigd_op, "status": r.status}
            for r in Registratie.objects.filter(ronde=ronde)}


def every_row(content: bytes, count: int, header: str, value) -> bytes:
    return edit_cells(content, {(row, header): value for row in range(2, count + 2)})


@pytest.fixture
def small_batches(monkeypatch):
    """Chunks and save batches of 4 rows, so that 10 rows cross every batch boundary."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 4)
    monkeypatch.setattr(bulk, "BULK_BATCH_SIZE", 4)


def test_a_re_import_updates_every_row_with_one_history_row_each(open_ronde, coordinator,
                                                                 small_batches):
    registraties = make_registraties(open_ronde, 10, seed=3)
    Registratie.objects.filter(pk=registraties[0].pk).update(status="ontvankelijk")
    history_before = Registratie.history.count()
    content = every_row(export_bytes(), 10, "Opmerkingen", "Nagekeken door ESF.")
    # One row moves to Brussels: its region is derived again, as the form would.
    content = edit_cells(content, {(2, "Postcode"): 1000, (2, "Gemeente"): "Brussel (rij 2)",
                                   (2, "Toelichting bij de werking"): "Vooral Vlaamse kmo's."})

    preview = registraties_import(ronde=open_ronde, source=content)
    assert preview.errors == [] and preview.actions == [UPDATE] * 10
    result = registraties_import(ronde=open_ronde, source=content, dry_run=False,
                                 expected_actions=preview.actions, user=coordinator)

    assert result.saved, result.errors
    rows = Registratie.objects.filter(ronde=open_ronde)
    assert rows.count() == 10
    assert set(rows.values_list("opmerkingen", flat=True)) == {"Nagekeken door ESF."}
    moved = rows.get(gemeente="Brussel (rij 2)")
    assert (moved.postcode, moved.gewest, moved.provincie) == ("1000", "brussel", "BRU")
    # Only answers are written: the status a reviewer set stays.
    assert rows.get(pk=registraties[0].pk).status == "ontvankelijk"
    assert Registratie.history.count() == history_before + 10
    for registratie in rows:
        entry = registratie.history.first()
        assert (entry.history_type, entry.history_change_reason, entry.history_user) == \
            ("~", IMPORT_REASON, coordinator)
        # The history row holds the row as it now is, every field of it.
        assert {name: getattr(entry, name) for name in HISTORY_FIELDS} == \
            {name: getattr(registratie, name) for name in HISTORY_FIELDS}


def test_one_update_breaking_a_rule_saves_none_of_the_updates(open_ronde, small_batches):
    make_registraties(open_ronde, 10, seed=4)
    before = stored_rows(open_ronde)
    history_before = Registratie.history.count()
    content = every_row(export_bytes(), 10, "Opmerkingen", "Nagekeken door ESF.")
    # Row 9 (in the third batch) now claims a seat in Wallonia and an invalid e-mail address.
    content = edit_cells(content, {(9, "Postcode"): 4000, (9, "Gemeente"): "Luik",
                                   (9, "E-mailadres contactpersoon"): "geen-adres"})

    result = registraties_import(ronde=open_ronde, source=content, dry_run=False)

    assert not result.saved
    assert [row.number for row in result.rows if row.errors] == [9]
    assert len(result.errors) == 2
    assert "Rij 9 – E-mailadres contactpersoon: Geef een geldig e-mailadres, bv. " \
        "naam@organisatie.be." in result.errors
    assert any(error.startswith("Rij 9 – Postcode: Uw zetel ligt in het Waals Gewest.")
               for error in result.errors)
    assert stored_rows(open_ronde) == before
    assert Registratie.history.count() == history_before


def test_a_failing_save_of_the_updates_leaves_every_row_as_it_was(open_ronde, small_batches,
                                                                  monkeypatch):
    """All or nothing also when the database refuses in a later batch, after earlier ones."""
    make_registraties(open_ronde, 10, seed=5)
    before = stored_rows(open_ronde)
    history_before = Registratie.history.count()
    content = every_row(export_bytes(), 10, "Opmerkingen", "Nagekeken door ESF.")
    writes = []
    real_update = bulk._BulkWriter.update

    def update_then_fail(self, rows, fields):
        real_update(self, rows, fields)
        writes.append(len(rows))
        if len(writes) == 2:
            raise bulk.IntegrityError("refused by the database")

    monkeypatch.setattr(bulk._BulkWriter, "update", update_then_fail)
    result = registraties_import(ronde=open_ronde, source=content, dry_run=False)

    assert writes == [4, 4]  # two batches were written before the refusal
    assert not result.saved
    assert "Er werd niets geïmporteerd" in result.errors[0]
    assert stored_rows(open_ronde) == before
    assert Registratie.history.count() == history_before


def test_confirm_refuses_when_a_row_was_edited_since_the_preview(open_ronde):
    registratie = make_registratie(open_ronde, opmerkingen="")
    content = edit_cells(export_bytes(), {(2, "Opmerkingen"): "Nagekeken door ESF."})
    preview = registraties_import(ronde=open_ronde, source=content)
    assert preview.actions == [UPDATE]
    # Meanwhile the organisation types the very same remark through its edit link.
    Registratie.objects.filter(pk=registratie.pk).update(opmerkingen="Nagekeken door ESF.",
                                                         status="ontvankelijk")
    edited = stored_rows(open_ronde)

    result = registraties_import(ronde=open_ronde, source=content, dry_run=False,
                                 expected_actions=preview.actions)

    assert not result.saved
    assert result.actions == [UNCHANGED]
    assert any("Sinds de voorvertoning" in error for error in result.errors)
    assert stored_rows(open_ronde) == edited


def test_an_unchanged_re_import_writes_nothing(open_ronde):
    make_registraties(open_ronde, 3, seed=6)
    before, history_before = stored_rows(open_ronde), Registratie.history.count()
    result = registraties_import(ronde=open_ronde, source=export_bytes(), dry_run=False)
    assert result.saved and result.actions == [UNCHANGED] * 3
    assert stored_rows(open_ronde) == before
    assert Registratie.history.count() == history_before


@pytest.mark.parametrize("count", [3, 40])
def test_preview_and_confirm_of_updates_take_the_same_few_queries_for_any_row_count(
        open_ronde, coordinator, count, django_assert_max_num_queries):
    """No query per row: the stored answers are read per chunk, written per batch."""
    make_registraties(open_ronde, count, seed=7)
    content = every_row(export_bytes(), count, "Opmerkingen", "Nagekeken door ESF.")
    # numbers (1) + whether a register is loaded (1) + stored answers (1 per chunk of 500)
    with django_assert_max_num_queries(3):
        preview = registraties_import(ronde=open_ronde, source=content)
    assert preview.actions == [UPDATE] * count
    # the same, then in one transaction: lock and read the rows (1), update them (1
    # executemany), their history rows (1), plus the transaction's own statements
    with django_assert_max_num_queries(8):
        result = registraties_import(ronde=open_ronde, source=content, dry_run=False,
                                     expected_actions=preview.actions, user=coordinator)
    assert result.saved
    assert Registratie.objects.filter(opmerkingen="Nagekeken door ESF.").count() == count


@pytest.mark.parametrize("count", [3, 40])
def test_new_rows_take_the_same_few_queries_for_any_row_count(
        open_ronde, closed_ronde, count, django_assert_max_num_queries):
    make_registraties(closed_ronde, count, seed=8)
    content = export_bytes(Registratie.objects.filter(ronde=closed_ronde))
    # numbers (1); lock the round (1), insert the rows (1) and their history rows (1), move
    # the round's counter (1), whether a register is loaded (1), plus the transaction's own
    # statements
    with django_assert_max_num_queries(8):
        result = registraties_import(ronde=open_ronde, source=content, dry_run=False)
    assert result.saved, result.errors
    assert Registratie.objects.filter(ronde=open_ronde).count() == count
    assert Registratie.history.filter(ronde_id=open_ronde.pk, history_type="+").count() == count


def test_the_answers_waiting_for_the_save_are_what_the_form_cleaned(open_ronde, small_batches):
    pending = imports._Pending()
    rows = [{name: f"{name} {i}" for name in ANSWER_FIELDS[:3]} | {"themas": ["doorgroei"]}
            for i in range(10)]
    for row in rows:
        pending.append(row)
    assert len(pending.packed) == 2  # two chunks of 4 compressed, two rows still open
    assert list(pending) == rows
