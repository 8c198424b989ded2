"""The database cache with an atomic ``incr``, so that rate limits hold across processes.

Django's DatabaseCache increments by reading and writing back: two processes that count
the same request at the same moment both write the same number, and the limit lets more
through than it says. It also rewrites the entry with the default timeout, so a counter
could outlive or fall short of its window. Here the row is locked for the increment (FOR
UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions already take the write lock) and only
the value is written, the expiry stays.
"""
import base64
import pickle

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router, transaction


class DatabaseCache(DjangoDatabaseCache):
    def incr(self, key, delta=1, version=None):
        made_key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                                   [made_key])
            value = self.get(key, version=version)
            if value is None:
                raise ValueError(f"Key '{made_key}' not found")
            new_value = value + delta
            pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET value = %s WHERE cache_key = %s",  # noqa: S608
                               [pickled, made_key])
        return new_value


def create_cache_table(sender, using="default", **kwargs) -> None:
    """post_migrate receiver: the database cache's table (settings.CACHES without REDIS_URL),
    made by every migrate; a table that exists is left as it is."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)
