"""Faults under load: the database and the mail server go down and come back.

    python -m tests.load.faults [--outage 10] [--concurrency 20]      (make faults)

1. Database: a throwaway PostgreSQL cluster on port 5434 (never the machine's own on
   5432), gunicorn with production settings on it, registrations from --concurrency
   visitors; after a few seconds the cluster stops for --outage seconds and starts again.
   Checked: every visitor either got a 303 with its row complete (answers, reference,
   confirmation mail queued) or the Dutch 503 page with Retry-After; no 500s, no half rows,
   references still gap-free; afterwards the same gunicorn workers serve and save again.
2. Mail server: an aiosmtpd server, a `db_worker` sending the queue, registrations; the mail
   server stops for --outage seconds and starts again on the same port. Checked: the
   public side never noticed, and every confirmation arrives once the server is back.

Bounded: each phase stops after its time limit; the cluster is dropped at the end.
"""
import argparse
import asyncio
import email
import logging
import os
import subprocess
import sys
import time
from email import policy
from pathlib import Path

from tests.load import harness
from tests.load.registraties import (
    DEFAULT_SERVER,
    Check,
    LoadReport,
    check_rows,
    register,
    run_load,
)

CLUSTER_VERSION, CLUSTER, CLUSTER_PORT = "15", "faults", 5434
CLUSTER_URL = f"postgres://postgres@127.0.0.1:{CLUSTER_PORT}/postgres"
# Retries of the mail queue within the run instead of after minutes (settings.py).
FAST_RETRIES = "2,2,3,3,5,5,10,10,20,30"


def pg(*args: str) -> None:
    # Debian's PostgreSQL tools, found on PATH as an administrator runs them.
    subprocess.run(list(args), check=True, capture_output=True, text=True, timeout=120)  # noqa: S603


def cluster_up() -> None:
    if subprocess.run(["pg_lsclusters", CLUSTER_VERSION, CLUSTER], capture_output=True,  # noqa: S603, S607
                      check=False).returncode == 0:
        pg("pg_dropcluster", "--stop", CLUSTER_VERSION, CLUSTER)  # left by an aborted run
    pg("pg_createcluster", CLUSTER_VERSION, CLUSTER, "--port", str(CLUSTER_PORT),
       "--", "--auth=trust")
    pg("pg_ctlcluster", CLUSTER_VERSION, CLUSTER, "start")


def cluster_down() -> None:
    subprocess.run(["pg_dropcluster", "--stop", CLUSTER_VERSION, CLUSTER], check=False,  # noqa: S603, S607
                   capture_output=True, timeout=120)


async def outage(stop, start, *, after: float, seconds: float, log: list[str]) -> None:
    await asyncio.sleep(after)
    log.append(f"{time.strftime('%H:%M:%S')} storing begint")
    await asyncio.to_thread(stop)
    await asyncio.sleep(seconds)
    await asyncio.to_thread(start)
    log.append(f"{time.strftime('%H:%M:%S')} storing voorbij")


async def load_with_outage(url: str, *, concurrency: int, stop, start, after: float,
                           seconds: float, tail: float) -> tuple[LoadReport, list[str]]:
    log: list[str] = []
    load = run_load(url, count=100_000, concurrency=concurrency,
                    time_limit=after + seconds + tail)
    report, _ = await asyncio.gather(load, outage(stop, start, after=after, seconds=seconds,
                                                  log=log))
    return report, log


def outcome_checks(report: LoadReport, *, outage_expected: bool) -> list[Check]:
    errors = [o for o in report.outcomes if o.kind == "error"]
    statuses = {status for counts in report.statuses.values() for status in counts}
    checks = [
        Check("geen 500 en geen andere fout", not errors and 500 not in statuses,
              "; ".join(f"#{o.index} {o.detail}" for o in errors[:5])),
    ]
    if outage_expected:
        checks.append(Check("de storing werd geraakt (503-pagina gezien)", report.count("503") > 0,
                            f"{report.count('503')} bezoekers kregen de Nederlandse 503-pagina"))
    else:
        checks.append(Check("de bezoekers merkten niets", report.count("503") == 0,
                            f"{report.count('503')} keer 503"))
    return checks


def database_phase(args) -> list[Check]:
    print(f"== Databank weg voor {args.outage:.0f} s (cluster {CLUSTER} op poort {CLUSTER_PORT})")
    cluster_up()
    try:
        with harness.portal(base_url=CLUSTER_URL) as portal:
            workers = portal.server.worker_pids()
            report, log = asyncio.run(load_with_outage(
                portal.url, concurrency=args.concurrency, after=args.after,
                seconds=args.outage, tail=args.tail,
                stop=lambda: pg("pg_ctlcluster", CLUSTER_VERSION, CLUSTER, "stop", "-m", "fast"),
                start=lambda: pg("pg_ctlcluster", CLUSTER_VERSION, CLUSTER, "start")))
            # Serving again: the same workers, a fresh visitor registers (a few tries while
            # the database accepts connections again).
            after = LoadReport()
            for attempt in range(10):
                outcome = asyncio.run(_one(portal.url, 900_000 + attempt, after))
                if outcome.kind == "ok":
                    break
                time.sleep(1)
            summary = portal.database("summary", harness.PREFIX)
            same_workers = portal.server.worker_pids() == workers
    finally:
        cluster_down()
    print("\n".join([*log, *report.lines()]))
    report.outcomes.extend(after.outcomes)
    checks = outcome_checks(report, outage_expected=True)
    checks.append(Check("het portaal bewaart weer zonder herstart",
                        outcome.kind == "ok" and same_workers,
                        f"na {attempt + 1} poging(en); "
                        f"{'dezelfde' if same_workers else 'ANDERE'} gunicorn-workers"))
    return checks + check_rows(report, summary, expected_rows=None)


async def _one(url: str, index: int, report: LoadReport):
    import httpx

    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        outcome = await register(client, index, report)
    report.outcomes.append(outcome)
    return outcome


class Inbox:
    """The mail server: keeps the recipient and subject of every mail it accepts."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.extend((to, str(message["subject"]).strip())
                             for to in envelope.rcpt_tos)
        return "250 OK"


def mail_phase(args) -> list[Check]:
    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP line; the checks below say what matters.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    print(f"== Mailserver weg voor {args.outage:.0f} s")
    inbox, port = Inbox(), harness.free_port()
    smtp = {"server": Controller(inbox, hostname=harness.HOST, port=port)}
    smtp["server"].start()

    def stop():
        smtp["server"].stop()

    def start():
        smtp["server"] = Controller(inbox, hostname=harness.HOST, port=port)
        smtp["server"].start()

    extra = {"EMAIL_HOST": harness.HOST, "EMAIL_PORT": str(port), "EMAIL_USE_TLS": "false",
             "EMAIL_TIMEOUT": "5", "BERICHTEN_WACHTTIJDEN": FAST_RETRIES}
    # A throwaway database on the machine's own server: only the mail server goes down here.
    server = os.environ.get("DATABASE_URL", "")
    if not harness.is_postgres(server):
        server = DEFAULT_SERVER
    try:
        with harness.portal(base_url=server, extra_env=extra) as portal:
            worker = subprocess.Popen(  # noqa: S603
                [str(harness.BIN / "python"), "manage.py", "db_worker", "--no-reload",
                 "--no-startup-delay", "--interval", "0.5"],
                cwd=harness.BASE_DIR, env=portal.env, stdout=subprocess.DEVNULL,
                stderr=open(Path(portal.workdir) / "worker.log", "wb"))  # noqa: SIM115
            try:
                report, log = asyncio.run(load_with_outage(
                    portal.url, concurrency=args.concurrency, stop=stop, start=start,
                    after=args.after, seconds=args.outage, tail=args.tail))
                summary = portal.database("summary", harness.PREFIX)
                wanted = sorted(summary["contact_emails"])
                deadline = time.monotonic() + args.mail_wait
                while time.monotonic() < deadline:
                    arrived = sorted(to for to, subject in inbox.received
                                     if subject.startswith("Bevestiging"))
                    if arrived == wanted:
                        break
                    time.sleep(1)
                mails = portal.database("mail_status")
            finally:
                worker.terminate()
                worker.wait(timeout=30)
    finally:
        smtp["server"].stop()
    print("\n".join([*log, *report.lines()]))
    arrived = sorted(to for to, subject in inbox.received if subject.startswith("Bevestiging"))
    checks = outcome_checks(report, outage_expected=False)
    checks.append(Check("elke bevestiging kwam aan na de storing", arrived == wanted,
                        f"{len(arrived)} van {len(wanted)} aangekomen; wachtrij: {mails}"))
    return checks + check_rows(report, summary, expected_rows=None)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", type=float, default=10, help="seconden zonder dienst")
    parser.add_argument("--after", type=float, default=8, help="seconden belasting vooraf")
    parser.add_argument("--tail", type=float, default=20, help="seconden belasting nadien")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--mail-wait", type=float, default=180,
                        help="seconden om de bevestigingen te laten aankomen")
    parser.add_argument("--only", choices=["database", "mail"])
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portaal.settings_test")
    import django

    django.setup()  # for the answers of tests/factories.py only; the portal runs apart
    checks = []
    if args.only in (None, "database"):
        checks += database_phase(args)
    if args.only in (None, "mail"):
        checks += mail_phase(args)
    print("\n".join(check.line() for check in checks))
    sys.exit(0 if all(check.ok is not False for check in checks) else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
