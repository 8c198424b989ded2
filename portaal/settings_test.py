"""Test settings: the normal settings with a fast hasher, locmem mail and no lock-out."""
from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = False
ESFDO_MAILBOX = "esfdo@example.test"
PORTAAL_URL = ""
