"""Test settings: the normal settings with a fast hasher, locmem mail and no lock-out."""
from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
# Password-only staff logins; the tests of two factors switch them on.
TWO_FACTOR_VERPLICHT = False
ESFDO_MAILBOX = "esfdo@example.test"
PORTAAL_URL = ""
# Tasks run at once in the test's own thread; the tests of the queue itself switch to the
# database backend and run a real worker.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# One process: the cache of this process; the tests of limits across processes use the
# database cache of the real settings.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
          "pagina": CACHES["pagina"]}  # noqa: F405
# Many submissions from one test address; the tests of the limits switch them on (with the
# database cache).
RATELIMIT_ENABLE = False
# A cheap proof of work, so the tests can solve challenges in Python quickly.
ALTCHA_COST = 50
