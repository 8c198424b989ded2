"""Production settings plus the benchmark's floor views (tests/bench/urls_http.py).

Only the HTTP benchmark's gunicorn loads this module; the production URLs never hold the
floor views.
"""
import os

from portaal.settings import *  # noqa: F403

ROOT_URLCONF = os.environ.get("BENCH_ROOT_URLCONF", "tests.bench.urls_http")
