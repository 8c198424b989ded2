"""Concurrent submissions get distinct, gap-free references (row lock on the round)."""
import threading

import pytest
from django.db import connection, connections

from registraties import services
from registraties.demo import demo_answers
from registraties.models import Registratie

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="SQLite serialises all writers; row locks (SELECT … FOR UPDATE) "
                              "are only exercised on PostgreSQL"),
]

THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_gap_free_references(open_ronde):
    open_ronde.referentie_prefix = "RACE"
    open_ronde.save()
    answers = demo_answers(THREADS, seed=7)
    start = threading.Barrier(THREADS)
    errors = []

    def submit(data):
        try:
            start.wait()
            services.registratie_submit(ronde=open_ronde, data=data)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(data,)) for data in answers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    references = sorted(Registratie.objects.filter(ronde=open_ronde)
                        .values_list("referentie", flat=True))
    assert references == [f"RACE-{n:04d}" for n in range(1, THREADS + 1)]
    open_ronde.refresh_from_db()
    assert open_ronde.laatste_volgnummer == THREADS


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_keep_one_and_leave_no_gap(open_ronde):
    data = demo_answers(1, seed=3)[0]
    start = threading.Barrier(6)
    outcomes = []

    def submit():
        try:
            start.wait()
            services.registratie_submit(ronde=open_ronde, data=dict(data))
            outcomes.append("saved")
        except services.DuplicateRegistration:
            outcomes.append("duplicate")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["duplicate"] * 5 + ["saved"]
    open_ronde.refresh_from_db()
    assert open_ronde.laatste_volgnummer == 1
    assert Registratie.objects.get().volgnummer == 1
