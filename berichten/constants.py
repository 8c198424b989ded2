"""Choices of the outgoing mails."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class BerichtStatus(models.TextChoices):
    WACHTEND = "wachtend", _("Wachtend")
    VERZONDEN = "verzonden", _("Verzonden")
    MISLUKT = "mislukt", _("Mislukt")
