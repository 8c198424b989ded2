"""A full import on PostgreSQL builds the new register table beside the old one and swaps
them by renaming: the table keeps its name, its keys and indexes and their names, and other
connections see the old data until the swap commits."""
import pytest
from django.apps import apps
from django.db import connection, models

from kbo.importer import KboImportError, build, kbo_import
from kbo.models import Onderneming
from kbo.synthetic import synthetic_dump

from .conftest import AANTAL

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason="the swap by renaming is PostgreSQL's; SQLite replaces the rows")
TABLE = Onderneming._meta.db_table


def _reader():
    """A connection of its own, as a web request beside the import would have."""
    import psycopg2

    settings = connection.settings_dict
    reader = psycopg2.connect(dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
                              host=settings["HOST"], port=settings["PORT"] or None)
    reader.autocommit = True
    return reader


def _count(reader, timeout_ms=5000):
    with reader.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = {timeout_ms}")
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608 - the model's own table name
        return cursor.fetchone()[0]


def _one_row(cursor, sql, params=()):
    cursor.execute(sql, params)
    return cursor.fetchone()


def test_no_model_points_at_the_register():
    # The full import drops the old table: a foreign key to it would block that (the import
    # then falls back to replacing the rows in place, far slower). The portal refers to an
    # enterprise by its number, never by a relation.
    pointing = [f"{model._meta.label}.{field.name}" for model in apps.get_models()
                for field in model._meta.get_fields()
                if isinstance(field, models.ForeignObject | models.ManyToManyField)
                and field.related_model is Onderneming]
    assert pointing == []


@postgres_only
@pytest.mark.django_db
def test_the_primary_key_keeps_its_name_and_a_lookup_uses_it(imported, full_dump):
    with connection.cursor() as cursor:
        before = _one_row(cursor, "SELECT %s::regclass::oid", [TABLE])[0]
        report = kbo_import(full_dump)
        after = _one_row(cursor, "SELECT %s::regclass::oid", [TABLE])[0]
        constraints = connection.introspection.get_constraints(cursor, TABLE)
        leftover = _one_row(cursor, "SELECT to_regclass(%s)", [build.NEW])[0]
    assert after != before  # a new table, not the old one refilled
    assert {"opbouw", "index", "wissel"} <= set(report.fasen)
    assert constraints["kbo_onderneming_pkey"]["primary_key"]
    assert constraints["kbo_onderneming_pkey"]["columns"] == ["ondernemingsnummer"]
    assert len(constraints) == 1
    assert leftover is None
    number = Onderneming.objects.order_by("?").values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the tiny test table would be read whole
        plan = Onderneming.objects.filter(pk=number).explain()
    assert "Index Scan using kbo_onderneming_pkey on kbo_onderneming" in plan
    assert Onderneming.objects.count() == AANTAL


@postgres_only
@pytest.mark.django_db
def test_an_index_added_by_a_later_migration_survives_the_swap_with_its_name(imported, full_dump):
    index = models.Index(fields=["naam"], name="kbo_onderneming_naam_idx")
    with connection.schema_editor() as editor:
        editor.add_index(Onderneming, index)
    kbo_import(full_dump)
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
    assert constraints["kbo_onderneming_naam_idx"]["columns"] == ["naam"]
    assert constraints["kbo_onderneming_naam_idx"]["index"]
    # A later migration finds what it removes and alters.
    with connection.schema_editor() as editor:
        editor.remove_index(Onderneming, index)
        old_field = Onderneming._meta.get_field("rechtsvorm_code")
        new_field = models.CharField(max_length=5, blank=True)
        new_field.set_attributes_from_name("rechtsvorm_code")
        editor.alter_field(Onderneming, old_field, new_field, strict=True)
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, TABLE)
        length = _one_row(cursor, "SELECT character_maximum_length FROM information_schema.columns "
                                  "WHERE table_name = %s AND column_name = 'rechtsvorm_code'", [TABLE])[0]
    assert "kbo_onderneming_naam_idx" not in constraints
    assert length == 5


@postgres_only
@pytest.mark.django_db
def test_grants_comment_and_column_definitions_survive_the_swap(imported, full_dump):
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT SELECT ON {TABLE} TO PUBLIC")
        cursor.execute(f"COMMENT ON TABLE {TABLE} IS 'Het register, uit KBO Open Data'")
        cursor.execute(f"COMMENT ON COLUMN {TABLE}.naam IS 'De naam in het Nederlands als die er is'")
        definitions = _columns(cursor)
        kbo_import(full_dump)
        grants = _one_row(cursor, "SELECT array_agg(a.privilege_type) FROM pg_class c, aclexplode(c.relacl) a "
                                  "WHERE c.oid = %s::regclass AND a.grantee = 0", [TABLE])[0]
        comment = _one_row(cursor, "SELECT obj_description(%s::regclass, 'pg_class')", [TABLE])[0]
        column_comment = _one_row(cursor, "SELECT col_description(attrelid, attnum) FROM pg_attribute "
                                          "WHERE attrelid = %s::regclass AND attname = 'naam'", [TABLE])[0]
        assert _columns(cursor) == definitions
    assert grants == ["SELECT"]
    assert comment == "Het register, uit KBO Open Data"
    assert column_comment == "De naam in het Nederlands als die er is"


def _columns(cursor):
    cursor.execute("SELECT attnum, attname, format_type(atttypid, atttypmod), attnotnull, attcollation "
                   "FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
                   "ORDER BY attnum", [TABLE])
    return cursor.fetchall()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_other_connections_see_the_old_register_until_the_swap_commits(tmp_path, full_dump):
    kbo_import(synthetic_dump(tmp_path / "klein", aantal=50, seed=3))
    reader = _reader()
    seen = {}

    def look(step):
        if step == "opgebouwd":
            # The new table is complete: readers are not held up and see the old rows.
            seen[step] = _count(reader)
        else:
            # Renamed, not yet committed: a reader waits for the commit instead of seeing
            # an empty or half table.
            import psycopg2

            with pytest.raises(psycopg2.errors.QueryCanceled):
                _count(reader, timeout_ms=300)
            seen[step] = "wacht"

    try:
        kbo_import(full_dump, during_swap=look)
        seen["na de commit"] = _count(reader)
    finally:
        reader.close()
    assert seen == {"opgebouwd": 50, "gewisseld": "wacht", "na de commit": AANTAL}


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_that_keeps_the_table_open_makes_the_import_give_up(tmp_path, full_dump, monkeypatch):
    kbo_import(synthetic_dump(tmp_path / "klein", aantal=50, seed=3))
    monkeypatch.setattr(build, "SWAP_ATTEMPTS", 3)
    monkeypatch.setattr(build, "SWAP_LOCK_TIMEOUT_MS", 50)
    monkeypatch.setattr(build, "SWAP_PAUSE", 0)
    reader = _reader()
    try:
        with reader.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608 - the model's own table name
            with pytest.raises(KboImportError, match="bleef in gebruik door een andere verbinding"):
                kbo_import(full_dump)
            cursor.execute("COMMIT")
        assert _count(reader) == 50
    finally:
        reader.close()
    with connection.cursor() as cursor:
        assert _one_row(cursor, "SELECT to_regclass(%s)", [build.NEW])[0] is None
        assert "kbo_onderneming_pkey" in connection.introspection.get_constraints(cursor, TABLE)


@postgres_only
@pytest.mark.django_db
def test_an_import_interrupted_after_the_renaming_leaves_the_old_register(tmp_path, full_dump):
    kbo_import(synthetic_dump(tmp_path / "klein", aantal=50, seed=3))
    before = list(Onderneming.objects.order_by("pk").values_list())

    def interrupt(step):
        if step == "gewisseld":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        kbo_import(full_dump, during_swap=interrupt)
    assert list(Onderneming.objects.order_by("pk").values_list()) == before
    with connection.cursor() as cursor:
        assert "kbo_onderneming_pkey" in connection.introspection.get_constraints(cursor, TABLE)


@postgres_only
@pytest.mark.django_db
def test_a_view_on_the_register_makes_the_import_replace_the_rows_in_place(imported, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE VIEW kbo_test_rechtspersonen AS SELECT ondernemingsnummer "  # noqa: S608
                       f"FROM {TABLE} WHERE rechtspersoon")
        report = kbo_import(synthetic_dump(tmp_path / "klein", aantal=50, seed=3))
        count = _one_row(cursor, "SELECT count(*) FROM kbo_test_rechtspersonen")[0]
    assert "opbouw (ter plaatse)" in report.fasen
    assert Onderneming.objects.count() == 50
    assert count == Onderneming.objects.filter(rechtspersoon=True).count() > 0
