"""The short load run in `make test`: 200 registrations from 20 visitors at once against
gunicorn with production settings, on a throwaway PostgreSQL database (tests/load/)."""
import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from tests.load import harness
from tests.load.registraties import check_load, run_load

pytestmark = [
    pytest.mark.load,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="the load run needs PostgreSQL: SQLite serialises every writer, "
                              "and production runs on PostgreSQL"),
]

COUNT, CONCURRENCY = 200, 20


def test_short_load_saves_every_registration_once_with_its_mail():
    with harness.portal(base_url=os.environ["DATABASE_URL"]) as portal:
        # In a thread of its own: the browser tests leave Playwright's event loop running in
        # this one, and asyncio.run() refuses to start inside a running loop.
        with ThreadPoolExecutor(max_workers=1) as pool:
            report = pool.submit(asyncio.run, run_load(portal.url, count=COUNT,
                                                       concurrency=CONCURRENCY,
                                                       time_limit=600)).result()
        summary = portal.database("summary", harness.PREFIX)
    checks = check_load(report, summary, COUNT)
    print("\n".join([*report.lines(), *(check.line() for check in checks)]))
    assert [check.line() for check in checks if check.ok is False] == []
    # Here the queue exists: the mail check must have run, not been skipped.
    assert all(check.ok is not None for check in checks)
