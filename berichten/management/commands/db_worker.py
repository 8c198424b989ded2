"""`manage.py db_worker`: django-tasks-db's worker, with a heartbeat and a recovery sweep.

Besides running the queue's tasks, every worker (not in ``--batch`` mode) records that it is
alive, renews the claims of the jobs it runs, and takes up the jobs that wait too long,
whatever the state of their task (berichten/worker.py).
"""
import logging
import os
import threading

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from berichten import worker as housekeeping

logger = logging.getLogger(__name__)
# How long a stopping worker waits for the job its sweep is on (above EMAIL_TIMEOUT; systemd's
# TimeoutStopSec in the README is 60 s).
STOP_WAIT_SECONDS = 45


class Worker(db_worker.Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.stop = threading.Event()

    def run(self) -> None:
        housekeeping.set_worker_id(self.worker_id)
        threads = [] if self.batch else housekeeping.start_housekeeping(self.stop)
        try:
            super().run()
        finally:
            # The sweep may finish the mail or file it is on; the heartbeat renews its claim
            # meanwhile and stops with it.
            self.stop.set()
            for thread in reversed(threads):
                thread.join(timeout=STOP_WAIT_SECONDS)

    def shutdown(self, signum, frame) -> None:
        self.stop.set()
        super().shutdown(signum, frame)


class Command(db_worker.Command):
    help = ("Voert de achtergrondtaken uit (e-mails, Excel-imports) en neemt taken op die "
            "blijven wachten, ook die van een werker die stopte.")

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay,
               reload, max_tasks, worker_id, exclude_queues, **options):
        # As django-tasks-db's command, with this module's Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("--reload en --batch gaan niet samen: herladen staat uit.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(queue_names=queue_names, interval=interval, batch=batch,
                        backend_name=backend_name, startup_delay=startup_delay,
                        max_tasks=max_tasks, worker_id=worker_id,
                        excluded_queue_names=excluded_queue_names)
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
