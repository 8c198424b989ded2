"""The partnership Excel export gains each member's state in the latest conversation."""
import io

import pytest
from django.core import mail
from django.utils import timezone

from partnerschappen import gesprekken, services
from partnerschappen.constants import Antwoord
from partnerschappen.excel import partnerschappen_export
from partnerschappen.models import Partnerschap
from tests.excel.conftest import cells_by_header, read_sheet

from .gesprekken import in_days, plan

pytestmark = pytest.mark.django_db


def export_bytes() -> bytes:
    buffer = io.BytesIO()
    partnerschappen_export(queryset=Partnerschap.objects.all(), target=buffer)
    return buffer.getvalue()


def test_each_member_row_shows_invitation_answer_remark_and_times(trio, registratie_factory):
    old = plan(trio, begint_op=in_days(3))
    gesprekken.gesprek_invite(gesprek=old)
    gesprekken.gesprek_cancel(gesprek=old)  # a cancelled conversation is not the member's state
    gesprek = plan(trio, begint_op=in_days(8, hour=15))
    gesprekken.gesprek_invite(gesprek=gesprek)
    an, bert = (gesprek.uitnodigingen.get(registratie__contact_email=e)
                for e in ("an@bouw.test", "bert@install.test"))
    gesprekken.uitnodiging_answer(uitnodiging=an, antwoord=Antwoord.KOMT)
    gesprekken.uitnodiging_answer(uitnodiging=bert, antwoord=Antwoord.ANDER_MOMENT,
                                opmerking="=HYPERLINK(\"http://x\") liever maandag")
    services.partnerschap_add_member(partnerschap=trio, registratie=registratie_factory(
        naam="Laatkomer vzw"))
    mail.outbox.clear()

    data = export_bytes()
    _, rows = read_sheet(data)
    by_name = {row["Naam organisatie"]: row for row in rows}

    start = timezone.localtime(gesprek.begint_op).replace(tzinfo=None)
    assert by_name["Bouwfonds Oost vzw"]["Laatste gesprek"] == start
    assert by_name["Bouwfonds Oost vzw"]["Antwoord op de uitnodiging"] == "komt"
    assert by_name["Bouwfonds Oost vzw"]["Beantwoord op"] is not None
    assert by_name["Installatiefederatie vzw"]["Antwoord op de uitnodiging"] == \
        "stelt een ander moment voor"
    assert by_name["Geheim Netwerk vzw"]["Antwoord op de uitnodiging"] == "nog niet geantwoord"
    assert by_name["Geheim Netwerk vzw"]["Uitgenodigd op"] is not None
    assert by_name["Laatkomer vzw"]["Antwoord op de uitnodiging"] == "niet uitgenodigd"
    assert by_name["Laatkomer vzw"]["Deelname"] == "nog niet bevestigd"
    # What the member typed stays text, exactly as typed, never a formula.
    remark = {row["Naam organisatie"].value: row for row in cells_by_header(data)}[
        "Installatiefederatie vzw"]["Opmerking bij het antwoord"]
    assert remark.value == "=HYPERLINK(\"http://x\") liever maandag"
    assert remark.data_type == "s" and remark.quotePrefix


def test_a_partnership_without_conversations_has_empty_conversation_cells(trio):
    _, rows = read_sheet(export_bytes())
    assert {row["Antwoord op de uitnodiging"] for row in rows} == {None}
    assert {row["Laatste gesprek"] for row in rows} == {None}


def test_the_export_stays_at_two_queries_with_conversations(trio, django_assert_max_num_queries):
    gesprekken.gesprek_invite(gesprek=plan(trio))
    with django_assert_max_num_queries(2):
        export_bytes()
