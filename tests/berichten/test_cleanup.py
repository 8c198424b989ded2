"""berichten_opruimen: old sent and failed mails go, waiting ones stay."""
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from berichten.models import Bericht

pytestmark = pytest.mark.django_db


def make(status: str, days_old: int) -> Bericht:
    bericht = Bericht.objects.create(aan="an@example.test", onderwerp=f"{status} {days_old}",
                                     soort="bevestiging", status=status)
    Bericht.objects.filter(pk=bericht.pk).update(
        aangemaakt_op=timezone.now() - timedelta(days=days_old))
    return bericht


def test_old_sent_and_failed_mails_are_deleted_and_waiting_and_recent_ones_stay():
    make("verzonden", 91)
    make("mislukt", 91)
    kept = {make("wachtend", 91).pk, make("verzonden", 10).pk, make("mislukt", 89).pk}
    out = StringIO()
    call_command("berichten_opruimen", stdout=out)
    assert set(Bericht.objects.values_list("pk", flat=True)) == kept
    assert "2 bericht(en) verwijderd." in out.getvalue()
    call_command("berichten_opruimen", "--dagen", "5", stdout=StringIO())
    assert Bericht.objects.count() == 1
