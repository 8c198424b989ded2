"""Production settings: `check --deploy` is clean, and a missing secret stops the start."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LONG_SECRET = "k3y-" + "x9Q!f7Lp#2rT$8vWmZ0@" * 4


def manage(*args, **env_overrides) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG",
                          "DJANGO_ENV", "DATABASE_URL",
                          # set by tests/conftest.py for Playwright; never in a deployment
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({key: value for key, value in env_overrides.items() if value is not None})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=120)


def test_production_passes_the_deploy_check_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_ENV="production",
                    SECRET_KEY=LONG_SECRET, ALLOWED_HOSTS="competentiechecks.example.be")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


@pytest.mark.parametrize("secret", [None, "", "kort", "django-insecure-" + "a" * 60])
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=secret,
                    ALLOWED_HOSTS="competentiechecks.example.be")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=LONG_SECRET)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_refuses_debug():
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=LONG_SECRET,
                    ALLOWED_HOSTS="competentiechecks.example.be", DEBUG="true")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_development_starts_with_nothing_set():
    result = manage("check")
    assert result.returncode == 0, result.stderr


def test_locale_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "nl-be"
    assert settings.TIME_ZONE == "Europe/Brussels"
    assert settings.USE_TZ


def test_production_sends_browsers_to_https_but_answers_the_health_check_over_http():
    # In a subprocess: production settings are read once, at start-up.
    probe = (
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='competentiechecks.example.be')\n"
        "print(c.get('/').status_code, c.get('/gezondheid/').status_code)\n"
    )
    result = manage("shell", "-c", probe, DJANGO_ENV="production", SECRET_KEY=LONG_SECRET,
                    ALLOWED_HOSTS="competentiechecks.example.be",
                    DATABASE_URL="sqlite:///:memory:")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["301", "200"]
