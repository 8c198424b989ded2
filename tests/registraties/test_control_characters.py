"""Control characters cannot be typed into a field; sent anyway, they never reach the database."""
import pytest

from registraties.models import Registratie
from tests.factories import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("character", ["\x01", "\x07", "\x08", "\x0b", "\x1b", "\x1f", "\x7f",
                                       "\x85", "\t", "\n", "\r"])
@pytest.mark.parametrize("field", ["naam", "contact_naam", "gemeente", "sectoren"])
def test_control_characters_in_one_line_answers_are_removed(client, open_ronde, character, field):
    response = client.post("/interesse/", form_data(**{field: f"Bouw{character}fonds  Gent"}))
    assert response.status_code == 303
    assert getattr(Registratie.objects.get(), field) == "Bouw fonds Gent"


def test_long_texts_keep_tabs_and_line_breaks_but_lose_other_control_characters(client,
                                                                                 open_ronde):
    typed = "Lijn één\r\n\tingesprongen\x07 en\x1b[31m rood\x7f."
    assert client.post("/interesse/", form_data(competentie_uitdagingen=typed)).status_code == 303
    assert Registratie.objects.get().competentie_uitdagingen == \
        "Lijn één\r\n\tingesprongen en[31m rood."
