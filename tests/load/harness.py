"""The portal as production runs it, on a throwaway database: for the HTTP benchmark, the
load run and the fault run (and the short load test in `make test`).

``portal()`` creates the database (a temporary SQLite file, or ``bench_http_<pid>`` on the
PostgreSQL server that ``DATABASE_URL`` names), migrates it, collects the static files,
opens a round, starts gunicorn with production settings on a free port of 127.0.0.1, and
takes everything down again when the block ends. Nothing here touches the database that
``DATABASE_URL`` itself names.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
# The round every run registers in; the checks read its references.
PREFIX = "LOAD"


def is_postgres(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in {"postgres", "postgresql", "pgsql"}


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin_connection(url: str):
    import psycopg2

    parts = urlsplit(_with_database(url, "postgres"))
    connection = psycopg2.connect(host=parts.hostname or HOST, port=parts.port or 5432,
                                  user=parts.username or "postgres", password=parts.password,
                                  dbname="postgres")
    connection.autocommit = True
    return connection


@contextmanager
def throwaway_database(base_url: str | None, workdir: Path, *,
                      name: str = "bench_http") -> Iterator[str]:
    """A fresh, empty database (``<name>_<pid>`` on PostgreSQL); dropped (or deleted) afterwards."""
    if not is_postgres(base_url):
        path = workdir / "portaal.sqlite3"
        yield f"sqlite:///{path}"
        return
    name = f"{name}_{os.getpid()}"
    # Not `with connection:` — psycopg2 would open a transaction, and CREATE DATABASE
    # cannot run inside one.
    admin = _admin_connection(base_url)
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    try:
        yield _with_database(base_url, name)
    finally:
        admin = _admin_connection(base_url)
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(database_url: str, *, static_root: Path, settings: str = "portaal.settings",
               extra: dict | None = None) -> dict:
    """Production settings as README.md describes them, for plain HTTP on 127.0.0.1."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "DATABASE_", "EMAIL_", "REDIS_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": settings,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        # No TLS proxy in front: plain HTTP must be served, not redirected.
        "SECURE_SSL_REDIRECT": "false",
        # Every visitor comes from 127.0.0.1; the limits would refuse all but a few.
        "RATELIMIT_ENABLE": "false",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra or {})
    return env


def manage(env: dict, *args: str, timeout: float = 300) -> str:
    result = subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=BASE_DIR, env=env,  # noqa: S603
                            capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} faalde:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def database_call(env: dict, name: str, *args: str, timeout: float = 120):
    """Run one function of tests/load/database.py against the throwaway database."""
    result = subprocess.run([str(BIN / "python"), "-m", "tests.load.database", name, *args],  # noqa: S603
                            cwd=BASE_DIR, env=env, capture_output=True, text=True,
                            timeout=timeout, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"tests.load.database {name} faalde:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


@dataclass
class Gunicorn:
    env: dict
    workers: int = 4
    port: int = field(default_factory=free_port)
    log: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 60) -> None:
        log = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "portaal.wsgi", "--bind", f"{HOST}:{self.port}",
             "--workers", str(self.workers), "--worker-class", "sync", "--timeout", "60"],
            cwd=BASE_DIR, env=self.env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopte bij het starten (zie {self.log})")
            with suppress(OSError, urllib.error.URLError), \
                    urllib.request.urlopen(f"{self.url}/gezondheid/", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn antwoordde niet binnen {timeout:.0f} s (zie {self.log})")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def worker_pids(self) -> set[int]:
        """The master's current workers; a restarted worker has a new id."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()


@dataclass
class Portal:
    url: str
    env: dict
    server: Gunicorn
    workdir: Path

    def database(self, name: str, *args: str):
        return database_call(self.env, name, *args)


@contextmanager
def portal(*, base_url: str | None = None, settings: str = "portaal.settings",
           extra_env: dict | None = None, workers: int = 4) -> Iterator[Portal]:
    """gunicorn with production settings on a throwaway database with one open round.

    ``base_url`` is the PostgreSQL server to use (default: ``DATABASE_URL`` when it names
    PostgreSQL); otherwise a temporary SQLite file.
    """
    if base_url is None:
        base_url = os.environ.get("DATABASE_URL")
    workdir = Path(tempfile.mkdtemp(prefix="portaal-http-"))
    try:
        with throwaway_database(base_url, workdir) as database_url:
            env = server_env(database_url, static_root=workdir / "static", settings=settings,
                             extra=extra_env)
            manage(env, "migrate", "--noinput")
            manage(env, "collectstatic", "--noinput")
            database_call(env, "open_round", PREFIX)
            server = Gunicorn(env=env, workers=workers, log=workdir / "gunicorn.log")
            server.start()
            try:
                yield Portal(url=server.url, env=env, server=server, workdir=workdir)
            finally:
                server.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def machine() -> str:
    """nproc, CPU model and today's date, for the figures' heading."""
    model = "onbekend"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    # Figures from a machine busy with other work are lower; the load average says so.
    return (f"{os.cpu_count()} CPU's (nproc), {model}, {time.strftime('%Y-%m-%d')}, "
            f"load average bij de start {os.getloadavg()[0]:.1f}")


def database_label(base_url: str | None) -> str:
    if not is_postgres(base_url):
        return "SQLite (tijdelijk bestand)"
    with suppress(Exception):
        connection = _admin_connection(base_url)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        connection.close()
        return f"PostgreSQL {version.split()[0]} (wegwerpdatabank op {urlsplit(base_url).hostname})"
    return "PostgreSQL"


BENCHMARKS = BASE_DIR / "BENCHMARKS.md"


def write_section(title: str, body: str, path: Path = BENCHMARKS) -> None:
    """Replace (or add) the section ``## <title>`` of BENCHMARKS.md; other sections stay."""
    heading = f"## {title}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    lines = text.splitlines()
    try:
        start = lines.index(heading)
    except ValueError:
        start = None
    section = [heading, "", *body.strip("\n").splitlines(), ""]
    if start is None:
        lines = [*lines, "", *section] if lines and lines[-1] != "" else [*lines, *section]
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        lines = [*lines[:start], *section, *lines[end:]]
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if match is None:
        raise RuntimeError("Geen CSRF-token in de pagina.")
    return match.group(1)


def response_cookies(headers) -> dict[str, str]:
    """The cookies a response sets, read by hand: production marks them Secure, and an HTTP
    client keeps Secure cookies to itself over plain HTTP, as it should."""
    cookies = {}
    for header in headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def ondernemingsnummer_for(index: int) -> str:
    """The ``index``-th valid enterprise number (mod 97, as registraties/demo.py draws them):
    a run of N registrations needs N different ones. tests/bench/http.lua counts the same way."""
    base = 2_000_000 + index
    return f"0{base:07d}{97 - base % 97:02d}"


def registration_data(index: int, ondernemingsnummer: str | None = None) -> dict:
    """The answers of the ``index``-th visitor: the valid answers of the tests, with their own
    enterprise number, name and contact address (needs django.setup())."""
    from tests.factories import form_data

    return form_data(ondernemingsnummer=ondernemingsnummer or ondernemingsnummer_for(index),
                     naam=f"Belastingtest organisatie {index} vzw",
                     contact_email=f"contact{index}@belasting.example")
