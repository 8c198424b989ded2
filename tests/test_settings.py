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
                          "DJANGO_ENV", "DATABASE_URL", "TWO_FACTOR_VERPLICHT",
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


@pytest.mark.parametrize("value", ["false", "0", "off"])
def test_production_refuses_to_start_with_two_factors_off(value):
    result = manage("check", DJANGO_ENV="production", SECRET_KEY=LONG_SECRET,
                    ALLOWED_HOSTS="competentiechecks.example.be", TWO_FACTOR_VERPLICHT=value)
    assert result.returncode != 0
    assert "TWO_FACTOR_VERPLICHT" in result.stderr


def test_two_factors_are_off_by_default_in_development_and_on_in_production():
    probe = "from django.conf import settings; print(settings.TWO_FACTOR_VERPLICHT)"
    assert manage("shell", "-c", probe).stdout.split()[-1] == "False"
    result = manage("shell", "-c", probe, DJANGO_ENV="production", SECRET_KEY=LONG_SECRET,
                    ALLOWED_HOSTS="competentiechecks.example.be")
    assert result.stdout.split()[-1] == "True", result.stderr


def test_in_production_a_password_only_session_does_not_open_the_staff_pages(tmp_path):
    # A staff member (even a superuser) logged in with a password only: every staff page
    # sends them to the login, which sends them on to the enrolment.
    probe = (
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.test import Client\n"
        "user = get_user_model().objects.create_user('an', password='x' * 16, is_staff=True,"
        " is_superuser=True)\n"
        "c = Client(HTTP_HOST='competentiechecks.example.be')\n"
        "c.force_login(user)\n"
        "for url in ['/beheer/', '/beheer/registraties/registratie/', '/beheer/overzicht/']:\n"
        "    r = c.get(url, secure=True)\n"
        "    print('PAGE', r.status_code, r['Location'])\n"
        "r = c.get('/beheer/login/?next=/beheer/', secure=True)\n"
        "print('LOGIN', r.status_code, r['Location'])\n"
    )
    result = manage("shell", "-c", probe, DJANGO_ENV="production", SECRET_KEY=LONG_SECRET,
                    ALLOWED_HOSTS="competentiechecks.example.be",
                    DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    assert result.returncode == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith(("PAGE", "LOGIN"))]
    pages = [line for line in lines if line[0] == "PAGE"]
    assert len(pages) == 3
    assert all(status == "302" and location.startswith("/beheer/login/")
               for _, status, location in pages)
    assert lines[-1] == ["LOGIN", "302", "/beheer/tweestapsverificatie/instellen/?next=%2Fbeheer%2F"]
