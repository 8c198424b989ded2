"""The real queue and a real worker for tests: database backend, `db_worker --batch`."""
import signal
import socket

from django.core.management import call_command

# The production queue: rows in the database, run by `manage.py db_worker`.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["default"]}}


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_settings(port: int) -> dict:
    return {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": port, "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False, "EMAIL_TIMEOUT": 5}


def run_worker() -> None:
    """`manage.py db_worker --batch`: run every task that is due, then stop."""
    # The worker installs its own signal handlers; the test process keeps pytest's.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0",
                     "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
