"""Building-blocks benchmark: the document (PDF and Word) of a round of 1,000 registrations and
100 partnerships with agreements, beside a floor (the same document of a round without data).

Targets (issue 19): under 30 s and under 300 MB in the worker. Each document is built in a child
process, as the worker builds it, which reports its own time and peak memory (VmHWM, as
tests/bench/imports.py explains); the ratio to the floor is printed. Beside the wall-clock time
the child's CPU time: on a machine shared with other work the wall clock says more about the
neighbours than about the document. Figures only.
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REGISTRATIONS = 1_000
PARTNERSHIPS = 100
MEMBERS = 3
TIME_LIMIT = 30.0
MEMORY_LIMIT_MB = 300
ROOT = Path(__file__).resolve().parents[2]


def _child(url: str, slug: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="portaal.settings_test",
               PYTHONPATH=str(ROOT), DEBUG="false")
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-c", "from tests.bench.bouwstenen import child; child()", slug],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def child() -> None:
    """A worker building one round's document: time (both files) and its own peak memory."""
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)  # WeasyPrint's progress lines
    from partnerschappen.bouwstenen.tasks import bouwstenen_build_files
    from tests.bench.imports import _peak_mb
    from verkenning.models import Ronde

    ronde = Ronde.objects.get(slug=sys.argv[1])
    start, cpu = time.perf_counter(), time.process_time()
    pdf, docx = bouwstenen_build_files(ronde=ronde)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _peak_mb()
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak": peak, "pdf": len(pdf),
                      "docx": len(docx), "pages": pages}), flush=True)


def _make_partnerships(ronde) -> None:
    """100 partnerships of three members each, bulk inserted: 60 formed with a confirmed
    agreement, 40 in conversation with one of three confirmations."""
    from django.utils import timezone

    from partnerschappen.constants import LidRol, PartnerschapStatus, Werkgebied
    from partnerschappen.models import (
        Afspraak,
        AfspraakLid,
        Bevestiging,
        Lidmaatschap,
        Partnerschap,
    )
    from registraties.models import Registratie

    now = timezone.now()
    registraties = list(Registratie.objects.filter(ronde=ronde).order_by("pk")
                        .values_list("pk", "naam", "sectoren", "paritaire_comites"))
    provinces = list(Werkgebied.values)
    partnerships = Partnerschap.objects.bulk_create([
        Partnerschap(ronde=ronde, naam=f"Partnerschap {index:03d}", themas=["behoeftedetectie"],
                     status=PartnerschapStatus.GEVORMD if index < 60 else PartnerschapStatus.IN_GESPREK)
        for index in range(PARTNERSHIPS)])
    memberships, agreements = [], []
    for index, partnerschap in enumerate(partnerships):
        for offset in range(MEMBERS):
            pk = registraties[index * MEMBERS + offset][0]
            memberships.append(Lidmaatschap(partnerschap=partnerschap, registratie_id=pk,
                                            rol=LidRol.REGISSEUR if offset == 0 else LidRol.PARTNER,
                                            acties=["regie"] if offset == 0 else ["leren"]))
        agreements.append(Afspraak(
            partnerschap=partnerschap, nummer=1, themas=[["behoeftedetectie"], ["doorgroei"],
                                                          ["kennisoverdracht"]][index % 3],
            doelgroep="Kleine ondernemingen van de sector en hun werknemers.",
            open_vragen=f"Vraag {index}: hoe tellen we werknemers van onderaannemers?",
            volgende_stap="De regisseur schrijft een eerste plan.", voorgelegd_op=now))
    Lidmaatschap.objects.bulk_create(memberships)
    agreements = Afspraak.objects.bulk_create(agreements)
    members, answers = [], []
    for index, afspraak in enumerate(agreements):
        for offset in range(MEMBERS):
            pk, naam, sectoren, comites = registraties[index * MEMBERS + offset]
            members.append(AfspraakLid(
                afspraak=afspraak, registratie_id=pk, acties=["regie"] if offset == 0 else ["leren"],
                sectoren=sectoren, paritaire_comites=comites,
                provincies=[provinces[(index + offset) % len(provinces)]],
                bereik_ondernemingen=20 + offset, bereik_werknemers=100 + offset,
                bijdrage=f"{naam} neemt de opleidingen van de sector op."))
            if index < 60 or offset == 0:
                answers.append(Bevestiging(afspraak=afspraak, registratie_id=pk, akkoord=True,
                                           door="Bench", op=now))
    AfspraakLid.objects.bulk_create(members)
    Bevestiging.objects.bulk_create(answers)


def run() -> None:
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from tests.bench.export import _make_round
    from tests.bench.imports import _database_url
    from verkenning.models import Ronde

    database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[connection.vendor]
    ronde = _make_round(REGISTRATIONS)
    _make_partnerships(ronde)
    now = timezone.now()
    Ronde.objects.create(titel="Bench leeg", slug="bench-bouwstenen-leeg", referentie_prefix="BL",
                         opent_op=now - timedelta(days=5), sluit_op=now + timedelta(days=5))
    url, copy = _database_url()
    try:
        floor = _child(url, "bench-bouwstenen-leeg")
        full = _child(url, ronde.slug)
    finally:
        if copy is not None:
            copy.unlink()
    print(f"[{database}] vloer (ronde zonder gegevens): {floor['seconds']:6.2f} s "
          f"(CPU {floor['cpu']:.2f} s), "
          f"{floor['peak']:.0f} MB, {floor['pages']} pagina's", flush=True)
    print(f"[{database}] {REGISTRATIONS:,} registraties, {PARTNERSHIPS} partnerschappen: "
          f"{full['seconds']:6.2f} s (CPU {full['cpu']:.2f} s) = "
          f"{full['seconds'] / floor['seconds']:.1f}× de vloer "
          f"(doel < {TIME_LIMIT:.0f} s) {'OK' if full['seconds'] < TIME_LIMIT else 'NIET GEHAALD'}; "
          f"piekgeheugen {full['peak']:.0f} MB = {full['peak'] / floor['peak']:.2f}× de vloer "
          f"(doel < {MEMORY_LIMIT_MB} MB) {'OK' if full['peak'] < MEMORY_LIMIT_MB else 'NIET GEHAALD'}; "
          f"PDF {full['pdf'] / 1024:.0f} kB, {full['pages']} pagina's; Word {full['docx'] / 1024:.0f} kB",
          flush=True)
