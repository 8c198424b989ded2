"""Fuzz tests: a bounded, deterministic Hypothesis profile and the fixtures they share.

``make test`` runs the "fuzz" profile: a fixed number of examples per test, derandomized so
that CI sees the same inputs every run, and no example database written beside the code.
``HYPOTHESIS_PROFILE=fuzz-lang`` searches longer (and randomly) on a developer's machine.
"""
import os

import pytest
from hypothesis import HealthCheck, settings

# The invariants live in a helper module; show their failing expressions as in a test.
pytest.register_assert_rewrite("tests.fuzz.checks")

_COMMON = dict(
    deadline=None,
    database=None,
    print_blob=True,
    # One client, one database and one round serve every example of a test: each example
    # rolls its own writes back (tests/fuzz/checks.py), so the fixtures stay valid.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)
settings.register_profile("fuzz", max_examples=60, derandomize=True, **_COMMON)
settings.register_profile("fuzz-lang", max_examples=2000, derandomize=False, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz"))

