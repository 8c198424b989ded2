"""The spam trap of the public form: a self-hosted ALTCHA proof of work, no third party.

The browser fetches a signed challenge from us (``new_challenge``), spends about a second
solving it, and sends the solution with the form (field ``altcha``). ``check_solution``
verifies the signature and the work, and remembers each challenge in the shared cache so
that one solution cannot be sent twice. Nothing about the visitor is stored or sent out.
"""
import base64
import binascii
import enum
import json
import time

import altcha
from django.conf import settings
from django.core.cache import cache

ALGORITHM = "PBKDF2/SHA-256"
# Long enough to fill in the whole form after the widget solved its challenge on page load.
CHALLENGE_SECONDS = 3 * 60 * 60
MAX_PAYLOAD_LENGTH = 4000


class Uitkomst(enum.Enum):
    ONTBREEKT = "ontbreekt"  # sent without JavaScript: saved, flagged for staff
    GELDIG = "geldig"
    ONGELDIG = "ongeldig"  # forged, wrong or expired
    HERGEBRUIKT = "hergebruikt"  # a solution already used once


def new_challenge() -> dict:
    """A signed challenge for the widget, as JSON-ready data."""
    challenge = altcha.create_challenge(
        ALGORITHM, settings.ALTCHA_COST,
        expires_at=int(time.time()) + CHALLENGE_SECONDS,
        hmac_secret=settings.ALTCHA_HMAC_KEY,
    )
    return challenge.to_dict()


def _nonce(payload: str) -> str | None:
    try:
        data = json.loads(base64.b64decode(payload, validate=True))
        nonce = data["challenge"]["parameters"]["nonce"]
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    return nonce if isinstance(nonce, str) and len(nonce) <= 64 else None


def check_solution(payload: str | None) -> Uitkomst:
    """Judge the ``altcha`` field of a submitted form; a valid one is used up."""
    payload = (payload or "").strip()
    if not payload:
        return Uitkomst.ONTBREEKT
    if len(payload) > MAX_PAYLOAD_LENGTH:
        return Uitkomst.ONGELDIG
    result = altcha.verify_solution(payload, settings.ALTCHA_HMAC_KEY)
    nonce = _nonce(payload)
    if not result.verified or nonce is None:
        return Uitkomst.ONGELDIG
    # The signed nonce names the challenge; the first form to spend it wins, in every process.
    if not cache.add(f"altcha-gebruikt:{nonce}", 1, timeout=CHALLENGE_SECONDS + 60):
        return Uitkomst.HERGEBRUIKT
    return Uitkomst.GELDIG

