"""The Excel import holds every row against the enterprise register, as the form does."""
import pytest

from kbo.models import Onderneming
from registraties.constants import KboControle
from registraties.excel.imports import registraties_import
from registraties.models import Registratie
from tests.excel.test_import import new_row, sheet_with_rows

pytestmark = pytest.mark.django_db


def test_an_unknown_number_in_a_loaded_register_refuses_the_whole_file(open_ronde, kbo_register):
    content = sheet_with_rows([new_row(), new_row(**{"Ondernemingsnummer": "0403.170.701",
                                                     "Naam organisatie": "Onbekend vzw"})])
    result = registraties_import(ronde=open_ronde, source=content, dry_run=False)
    assert [bool(row.errors) for row in result.rows] == [False, True]
    assert "staat niet in de Kruispuntbank van Ondernemingen" in result.rows[1].errors[0]
    assert not Registratie.objects.exists()


def test_rows_known_to_the_register_are_saved_as_verified(open_ronde, kbo_register):
    # The name as the register knows it ("Bouwfonds Test"), written with its legal form.
    row = new_row(**{"Naam organisatie": "Bouwfonds Test vzw"})
    result = registraties_import(ronde=open_ronde, source=sheet_with_rows([row]), dry_run=False)
    assert not any(row.errors for row in result.rows)
    assert Registratie.objects.get().kbo_controle == KboControle.GEVERIFIEERD


def test_the_register_is_asked_once_per_batch_of_rows_not_per_row(open_ronde, kbo_register,
                                                                   django_assert_max_num_queries):
    numbers = []
    base = 3_000_000
    while len(numbers) < 40:
        base += 1
        numbers.append(f"0{base:07d}{97 - base % 97:02d}")
    for number in numbers:
        Onderneming.objects.create(ondernemingsnummer=number, actief=True, rechtspersoon=True,
                                   rechtsvorm="Vereniging zonder winstoogmerk", naam=number,
                                   postcode="9000", gemeente="Gent")
    rows = [new_row(**{"Ondernemingsnummer": n, "Naam organisatie": f"Org {n}"}) for n in numbers]
    content = sheet_with_rows(rows)
    with django_assert_max_num_queries(4):  # existing rows, the snapshot, the register's rows
        result = registraties_import(ronde=open_ronde, source=content, dry_run=True)
    assert not any(row.errors for row in result.rows)
