"""What every template rendered with a request may read."""
from django.conf import settings


def contact(request) -> dict:
    """``contact_address``: the address the public writes to (CONTACT_EMAIL).

    Pages rendered without a request (error pages, cached public pages, mails) get it from
    ``contact_context()`` instead.
    """
    return contact_context()


def contact_context() -> dict:
    return {"contact_address": settings.CONTACT_EMAIL}
