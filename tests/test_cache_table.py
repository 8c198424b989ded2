"""Every migrate makes the database cache's table (portaal/apps.py), whichever apps it migrated."""
import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import override_settings

DATABASE_CACHE = {"default": {"BACKEND": "portaal.cache.DatabaseCache",
                              "LOCATION": "portaal_cache_proef"}}


@pytest.mark.django_db
def test_the_cache_table_is_made_after_migrate():
    assert "portaal_cache_proef" not in connection.introspection.table_names()
    with override_settings(CACHES=DATABASE_CACHE):
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert "portaal_cache_proef" in connection.introspection.table_names()
