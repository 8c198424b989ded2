"""The public pages over HTTP, against the stack's own floor (issue 9, table of section 1).

gunicorn (4 sync workers, production settings) on a throwaway database, `wrk -t2 -c16
-d10s` per page. The floors (tests/bench/urls_http.py) pass the same middleware in the same
run, so each ratio compares like with like on whatever machine runs it. Writes the table
to BENCHMARKS.md, section "HTTP (gunicorn, wrk)".

Environment: DATABASE_URL (PostgreSQL server for the throwaway database; SQLite without),
BENCH_HTTP_DURATION (seconds per page, default 10).
"""
import json
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

from tests.load import harness

SECTION = "HTTP (gunicorn, wrk)"
SCRIPT = Path(__file__).with_name("http.lua")
THREADS, CONNECTIONS = 2, 16
# One line per request of the preparation would drown the table.
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    method: str
    expect: int
    floor: str | None = None
    min_ratio: float | None = None
    max_p99_ms: float | None = None

    @property
    def target(self) -> str:
        if self.min_ratio is None:
            return "—"
        target = f"≥ {self.min_ratio:g}× {self.floor}"
        return f"{target}, p99 ≤ {self.max_p99_ms:g} ms" if self.max_p99_ms else target


PAGES = [
    Page("hello", "`hello` (floor for GETs)", "/bench/hello/", "GET", 200),
    Page("landing", "landing page `/`", "/", "GET", 200, "hello", 0.5),
    Page("formulier", "form page `/interesse/` GET", "/interesse/", "GET", 200, "hello", 0.25, 100),
    Page("insert", "bare insert POST (floor for POSTs)", "/bench/insert/", "POST", 302),
    Page("indienen", "valid form POST → 303", "/interesse/", "POST", 303, "insert", 0.5),
]


@dataclass
class Result:
    page: Page
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[int, int]
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def unexpected(self) -> int:
        return sum(n for status, n in self.statuses.items() if status != self.page.expect) \
            + self.socket_errors


def wrk(url: str, *, method: str, body_file: Path | None, cookie: str, duration: int) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(SCRIPT), url, "--", method, str(body_file or ""), cookie]
    output = subprocess.run(command, capture_output=True, text=True, check=True,  # noqa: S603
                            timeout=duration + 60).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK-JSON "))
    return json.loads(line.removeprefix("WRK-JSON "))


def prepare_posts(url: str, workdir: Path) -> tuple[str, dict[str, Path]]:
    """A CSRF cookie and token fetched once, as a browser would, reused by every POST."""
    page = httpx.get(f"{url}/interesse/")
    page.raise_for_status()
    cookies = harness.response_cookies(page.headers)
    token = harness.csrf_token(page.text)
    cookie = harness.cookie_header({"csrftoken": cookies["csrftoken"]})
    form = {**harness.registration_data(0, "ONDERNEMINGSNUMMER"), "csrfmiddlewaretoken": token}
    bodies = {
        "insert": urlencode({"naam": "Bouwfonds Test vzw", "email": "an@bouwfonds-test.be",
                             "aantal": "250", "csrfmiddlewaretoken": token}),
        # The number is filled in per request by http.lua; urlencode keeps the placeholder.
        "indienen": urlencode(form, doseq=True),
    }
    files = {}
    for key, body in bodies.items():
        files[key] = workdir / f"{key}.body"
        files[key].write_text(body, encoding="ascii")
    return cookie, files


def measure(duration: int) -> tuple[list[Result], str]:
    base_url = os.environ.get("DATABASE_URL")
    workdir = Path(tempfile.mkdtemp(prefix="bench-http-"))
    try:
        with harness.portal(base_url=base_url, settings="tests.bench.settings_http",
                            extra_env={"BENCH_ROOT_URLCONF": "tests.bench.urls_http"}) as portal:
            portal.database("bench_table")
            cookie, bodies = prepare_posts(portal.url, workdir)
            results = []
            for page in PAGES:
                data = wrk(portal.url + page.path, method=page.method,
                           body_file=bodies.get(page.key), cookie=cookie, duration=duration)
                errors = data["errors"]
                results.append(Result(
                    page=page, requests=data["requests"], seconds=data["duration_us"] / 1e6,
                    p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000,
                    statuses={int(k): v for k, v in data["statuses"].items()},
                    socket_errors=errors["connect"] + errors["read"] + errors["write"]
                    + errors["timeout"]))
                print(f"   {page.key}: {results[-1].rps:.0f} req/s", flush=True)
            rows = portal.database("summary", harness.PREFIX)["rows"]
            bench_rows = portal.database("bench_rows")["rows"]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    by_key = {result.page.key: result for result in results}
    # wrk stops counting at the deadline; requests still in flight may have been saved.
    checks = [("registraties", rows, by_key["indienen"].statuses.get(303, 0)),
              ("bench_insert", bench_rows, by_key["insert"].statuses.get(302, 0))]
    notes = []
    for table, saved, answered in checks:
        ok = answered <= saved <= answered + CONNECTIONS
        notes.append(f"{table}: {saved} rijen bewaard voor {answered} getelde antwoorden "
                     f"({'klopt' if ok else 'KLOPT NIET'})")
    return results, "; ".join(notes)


def table(results: list[Result]) -> tuple[str, bool]:
    by_key = {result.page.key: result for result in results}
    lines = ["| page | req/s | p50 / p99 | ratio to its floor | target | met | unexpected answers |",
             "|---|---|---|---|---|---|---|"]
    all_met = True
    for result in results:
        page = result.page
        if page.floor is None:
            ratio, met = "1", "—"
        else:
            value = result.rps / by_key[page.floor].rps
            ratio = f"{value:.2f}× {page.floor}"
            ok = value >= page.min_ratio and (page.max_p99_ms is None
                                              or result.p99_ms <= page.max_p99_ms)
            ok = ok and result.unexpected == 0
            all_met &= ok
            met = "ja" if ok else "**nee**"
        unexpected = ", ".join(f"{n}× {status}" for status, n in sorted(result.statuses.items())
                               if status != page.expect)
        if result.socket_errors:
            unexpected = ", ".join(filter(None, [unexpected, f"{result.socket_errors} socketfouten"]))
        lines.append(f"| {page.label} | {result.rps:.0f} | {result.p50_ms:.0f} / "
                     f"{result.p99_ms:.0f} ms | {ratio} | {page.target} | {met} | "
                     f"{unexpected or '0'} |")
    return "\n".join(lines), all_met


def run() -> None:
    if shutil.which("wrk") is None:
        print("   wrk ontbreekt: `apt-get install -y wrk` (make bench doet dat zelf).")
        return
    duration = int(os.environ.get("BENCH_HTTP_DURATION", "10"))
    base_url = os.environ.get("DATABASE_URL")
    results, notes = measure(duration)
    text, all_met = table(results)
    heading = (f"{harness.machine()}; {harness.database_label(base_url)}; gunicorn 4 sync "
               f"workers, productie-instellingen; `wrk -t{THREADS} -c{CONNECTIONS} "
               f"-d{duration}s` per pagina.")
    body = "\n".join([
        heading, "", text, "",
        f"Controle: {notes}.",
        "Doelen " + ("allemaal gehaald." if all_met else "nog niet allemaal gehaald."),
        "", "Opnieuw meten: `make bench BENCH_ARGS=http` (met `DATABASE_URL=postgres://…` op "
        "PostgreSQL).",
    ])
    print(heading)
    print(text)
    print(f"Controle: {notes}")
    harness.write_section(SECTION, body)
    print(f"   geschreven naar {harness.BENCHMARKS.name}, sectie '{SECTION}'")
