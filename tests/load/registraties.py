"""Load: N valid registrations from C visitors at once, against gunicorn on PostgreSQL.

    python -m tests.load.registraties [-n 2000] [-c 50] [--write]      (make load)

Each registration is a visitor of its own: GET the form (CSRF cookie and token), POST the
answers, follow the 303 to the confirmation. Checked at the end: no errors, exactly N rows,
references unique and gap-free, every confirmation mail queued. Prints req/s and
p50/p95/p99; --write puts the figures in BENCHMARKS.md. Bounded: at most N registrations
and --time-limit seconds, only to 127.0.0.1.
"""
import argparse
import asyncio
import logging
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from tests.load import harness

SECTION = "Load (registrations, gunicorn, PostgreSQL)"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
REFERENCE = re.compile(r'class="referentie">([A-Z0-9]+-\d{4,})<')
# What the Dutch outage page says (templates/503.html); a 503 without it is not ours.
OUTAGE_TEXT = "Tijdelijk niet beschikbaar"
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass
class Outcome:
    """One visitor's registration: ``ok``, ``503`` (the outage page) or ``error``."""

    index: int
    ondernemingsnummer: str
    kind: str = "error"
    detail: str = ""
    reference: str = ""
    posted: bool = False  # the POST was sent (it may have been saved whatever came back)


@dataclass
class LoadReport:
    outcomes: list[Outcome] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)
    seconds: float = 0.0

    def record(self, step: str, status: int, seconds: float) -> None:
        self.latencies.setdefault(step, []).append(seconds)
        counts = self.statuses.setdefault(step, {})
        counts[status] = counts.get(status, 0) + 1

    @property
    def requests(self) -> int:
        return sum(len(values) for values in self.latencies.values())

    def count(self, kind: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.kind == kind)

    def percentiles(self, step: str | None = None) -> tuple[float, float, float]:
        values = self.latencies.get(step, []) if step else \
            [v for values in self.latencies.values() for v in values]
        if len(values) < 2:
            single = values[0] * 1000 if values else 0.0
            return single, single, single
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000

    def lines(self) -> list[str]:
        lines = [f"{len(self.outcomes)} registraties in {self.seconds:.1f} s: "
                 f"{self.count('ok')} bewaard, {self.count('503')} met de storingspagina (503), "
                 f"{self.count('error')} fouten; {self.requests} verzoeken, "
                 f"{self.requests / max(self.seconds, 1e-9):.1f} req/s, "
                 f"{self.count('ok') / max(self.seconds, 1e-9):.1f} registraties/s", "",
                 "| stap | verzoeken | statussen | p50 | p95 | p99 |", "|---|---|---|---|---|---|"]
        for step in [*self.latencies, None]:
            p50, p95, p99 = self.percentiles(step)
            counts = self.statuses.get(step, {}) if step else {}
            lines.append(f"| {step or 'alle'} | {len(self.latencies[step]) if step else self.requests}"
                         f" | {', '.join(f'{n}× {s}' for s, n in sorted(counts.items())) or '—'}"
                         f" | {p50:.0f} ms | {p95:.0f} ms | {p99:.0f} ms |")
        return lines


def is_outage_page(response: httpx.Response) -> bool:
    return (response.status_code == 503 and OUTAGE_TEXT in response.text
            and response.headers.get("retry-after", "").isdigit())


async def register(client: httpx.AsyncClient, index: int, report: LoadReport) -> Outcome:
    """One visitor: a fresh session, the form, the POST, the confirmation."""
    data = harness.registration_data(index)
    outcome = Outcome(index=index, ondernemingsnummer=data["ondernemingsnummer"])
    cookies: dict[str, str] = {}

    async def step(name: str, method: str, path: str, **kwargs) -> httpx.Response:
        started = time.perf_counter()
        response = await client.request(method, path, headers={
            "Cookie": harness.cookie_header(cookies)} if cookies else {}, **kwargs)
        report.record(name, response.status_code, time.perf_counter() - started)
        cookies.update(harness.response_cookies(response.headers))
        return response

    def stop(response: httpx.Response, expected: str) -> Outcome:
        if is_outage_page(response):
            outcome.kind = "503"
        else:
            outcome.detail = f"{expected}: {response.status_code} {response.text[:200]!r}"
        return outcome

    try:
        page = await step("formulier GET", "GET", "/interesse/")
        if page.status_code != 200:
            return stop(page, "formulier")
        form = {**data, "csrfmiddlewaretoken": harness.csrf_token(page.text)}
        outcome.posted = True
        posted = await step("formulier POST", "POST", "/interesse/", data=form)
        if posted.status_code != 303 or urlsplit(posted.headers.get("location", "")).path \
                != "/interesse/bevestiging/":
            return stop(posted, "indienen")
        # Saved: from here on the registration counts as made, whatever the confirmation does.
        outcome.kind = "ok"
        confirmation = await step("bevestiging GET", "GET", "/interesse/bevestiging/")
        match = REFERENCE.search(confirmation.text)
        if confirmation.status_code == 200 and match:
            outcome.reference = match.group(1)
        elif not is_outage_page(confirmation):
            outcome.kind = "error"
            outcome.detail = f"bevestiging: {confirmation.status_code} zonder referentie"
    except (httpx.HTTPError, RuntimeError) as exc:
        # A broken connection or a page without its token is an error, also after a 303.
        outcome.kind = "error"
        outcome.detail = f"{type(exc).__name__}: {exc}"
    return outcome


async def run_load(url: str, *, count: int, concurrency: int, time_limit: float,
                   first_index: int = 1) -> LoadReport:
    """``count`` registrations by ``concurrency`` visitors at once, within ``time_limit``."""
    if urlsplit(url).hostname != harness.HOST:
        raise ValueError("De belastingstest stuurt alleen verzoeken naar 127.0.0.1.")
    report = LoadReport()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(first_index, first_index + count):
        queue.put_nowait(index)
    started = time.perf_counter()
    deadline = started + time_limit

    async def visitor() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60, follow_redirects=False) as client:
            while time.perf_counter() < deadline:
                try:
                    index = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                report.outcomes.append(await register(client, index, report))

    await asyncio.gather(*(visitor() for _ in range(concurrency)))
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class Check:
    name: str
    ok: bool | None  # None: could not be checked (said why)
    detail: str = ""

    def line(self) -> str:
        mark = {True: "OK  ", False: "FOUT", None: "—   "}[self.ok]
        return f"[{mark}] {self.name}" + (f": {self.detail}" if self.detail else "")


def check_rows(report: LoadReport, summary: dict, *, expected_rows: int | None) -> list[Check]:
    """The database after a run: rows, references, mails; ``expected_rows`` None for a
    fault run, where only the registrations that were answered 303 must be there."""
    saved = {o.ondernemingsnummer for o in report.outcomes if o.kind == "ok"}
    posted = {o.ondernemingsnummer for o in report.outcomes if o.posted}
    in_database = set(summary["ondernemingsnummers"])
    rows = summary["rows"]
    volgnummers = summary["volgnummers"]
    checks = []
    if expected_rows is not None:
        checks.append(Check(f"precies {expected_rows} rijen", rows == expected_rows
                            and in_database == saved, f"{rows} rijen"))
    else:
        checks.append(Check("elke 303 heeft zijn rij", saved <= in_database,
                            f"{len(saved - in_database)} ontbreken"))
        extra = in_database - saved
        checks.append(Check("geen rij zonder verstuurde POST", in_database <= posted,
                            f"{len(in_database - posted)} onverklaard"))
        if extra:
            checks.append(Check("rij bewaard terwijl de bezoeker een 503 kreeg", None,
                                f"{len(extra)} (dubbel indienen wordt daarna geweigerd met de "
                                "melding 'al geregistreerd')"))
    checks.append(Check("referenties uniek en zonder gaten",
                        len(set(summary["references"])) == rows
                        and volgnummers == list(range(1, rows + 1)),
                        f"{volgnummers[:1]}…{volgnummers[-1:]}" if volgnummers else "geen"))
    checks.append(Check("geen halve rijen", not summary["incomplete"],
                        ", ".join(summary["incomplete"][:5])))
    shown = {o.reference for o in report.outcomes if o.reference}
    checks.append(Check("elke getoonde referentie bestaat", shown <= set(summary["references"]),
                        f"{len(shown)} getoond"))
    if summary.get("queue") == "berichten":
        checks.append(Check("elke bevestigingsmail in de wachtrij",
                            summary["confirmations"] == summary["contact_emails"],
                            f"{len(summary['confirmations'])} bevestigingen voor {rows} rijen"))
    else:
        checks.append(Check("bevestigingsmails in de wachtrij", None,
                            "de app berichten is (nog) niet geïnstalleerd: niet gecontroleerd"))
    return checks


def check_load(report: LoadReport, summary: dict, count: int) -> list[Check]:
    errors = [o for o in report.outcomes if o.kind != "ok"]
    checks = [
        Check("alle registraties verstuurd binnen de tijdslimiet", len(report.outcomes) == count,
              f"{len(report.outcomes)} van {count}"),
        Check("0 fouten", not errors, "; ".join(f"#{o.index} {o.kind} {o.detail}"
                                                 for o in errors[:5])),
    ]
    return checks + check_rows(report, summary, expected_rows=count)


def run(*, server: str, count: int, concurrency: int, time_limit: float,
        write: bool = False) -> bool:
    """Start the portal, load it, check; True when every check passed."""
    if not harness.is_postgres(server):
        raise SystemExit("De belastingstest draait op PostgreSQL: zet DATABASE_URL op "
                         "postgres://… (een wegwerpdatabank wordt er aangemaakt).")
    with harness.portal(base_url=server) as portal:
        report = asyncio.run(run_load(portal.url, count=count, concurrency=concurrency,
                                      time_limit=time_limit))
        summary = portal.database("summary", harness.PREFIX)
    checks = check_load(report, summary, count)
    lines = report.lines()
    print("\n".join(lines))
    print("\n".join(check.line() for check in checks))
    passed = all(check.ok is not False for check in checks)
    if write:
        heading = (f"{harness.machine()}; {harness.database_label(server)}; gunicorn 4 sync "
                   f"workers, productie-instellingen; {count} registraties door {concurrency} "
                   "bezoekers tegelijk (elk: formulier, POST, bevestiging).")
        harness.write_section(SECTION, "\n".join([
            heading, "", *lines, "", *(f"- {check.line()}" for check in checks), "",
            "Opnieuw: `make load` (`LOAD_ARGS='-n 2000 -c 50'`)."]))
    return passed


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=2000)
    parser.add_argument("-c", "--concurrency", type=int, default=50)
    parser.add_argument("--time-limit", type=float, default=1800,
                        help="seconden; daarna worden geen nieuwe registraties meer gestart")
    parser.add_argument("--write", action="store_true", help="cijfers in BENCHMARKS.md")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portaal.settings_test")
    import django

    django.setup()  # for the answers of tests/factories.py only; the portal runs apart
    server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
    ok = run(server=server, count=args.count, concurrency=args.concurrency,
             time_limit=args.time_limit, write=args.write)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
