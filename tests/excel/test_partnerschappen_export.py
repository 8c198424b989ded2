"""The partnerships export: one row per member with its role and actions."""
import io
from datetime import UTC, datetime

import pytest

from partnerschappen.excel import partnerschappen_export
from partnerschappen.models import Lidmaatschap, Partnerschap
from tests.excel.conftest import read_sheet
from tests.factories import make_registratie

pytestmark = pytest.mark.django_db


def export_bytes(queryset=None) -> bytes:
    buffer = io.BytesIO()
    partnerschappen_export(queryset=queryset, target=buffer)
    return buffer.getvalue()


@pytest.fixture
def partnerschap(open_ronde):
    partnerschap = Partnerschap.objects.create(naam="Bouw en renovatie", ronde=open_ronde,
                                               basis="keten", themas=["doorgroei"])
    regisseur = make_registratie(open_ronde, naam="Zeta Bouwfonds", ondernemingsnummer="0417497106")
    partner = make_registratie(open_ronde, naam="=Alfa Dakwerkers")
    Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=partner, rol="partner",
                                acties=["leren", "communicatie"])
    lid = Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=regisseur,
                                      rol="regisseur", acties=["regie"])
    Lidmaatschap.objects.filter(pk=lid.pk).update(
        toegevoegd_op=datetime(2021, 8, 2, 8, 0, tzinfo=UTC))
    return partnerschap


def test_one_row_per_member_regisseur_first_with_role_and_actions(partnerschap):
    headers, rows = read_sheet(export_bytes())
    assert headers[:4] == ["Partnerschap", "Ronde", "Basis van de bundeling", "Andere basis"]
    assert [(r["Naam organisatie"], r["Rol"], r["Acties"]) for r in rows] == [
        ("Zeta Bouwfonds", "regisseur (regierol)", "samenwerking (regierol)"),
        ("=Alfa Dakwerkers", "partner", "leren; communicatie"),  # text: quote-prefix style
    ]
    first = rows[0]
    assert first["Partnerschap"] == "Bouw en renovatie"
    assert first["Basis van de bundeling"] == "een keten die gevormd wordt"
    assert first["Thema's partnerschap"] == "doorgroei van werknemers naar andere functies"
    assert first["Ondernemingsnummer"] == "0417.497.106"
    assert first["Toegevoegd op"] == datetime(2021, 8, 2, 10, 0)


def test_only_the_selected_partnerships_are_exported(partnerschap, open_ronde):
    andere = Partnerschap.objects.create(naam="Voeding", ronde=open_ronde)
    Lidmaatschap.objects.create(partnerschap=andere, registratie=make_registratie(open_ronde))
    _, rows = read_sheet(export_bytes(Partnerschap.objects.filter(pk=andere.pk)))
    assert [row["Partnerschap"] for row in rows] == ["Voeding"]


def test_partnership_export_queries_stay_flat(partnerschap, open_ronde,
                                              django_assert_max_num_queries):
    for index in range(10):
        extra = Partnerschap.objects.create(naam=f"P{index}", ronde=open_ronde)
        Lidmaatschap.objects.create(partnerschap=extra, registratie=make_registratie(open_ronde))
    with django_assert_max_num_queries(2):
        export_bytes()


def test_contact_details_are_exported_only_with_consent_to_share_them(open_ronde):
    partnerschap = Partnerschap.objects.create(naam="Zorg", ronde=open_ronde)
    for naam, consent in (("Deelt Fonds", True), ("Zwijgt Fonds", False)):
        registratie = make_registratie(open_ronde, naam=naam, toestemming_delen=consent,
                                       contact_naam=f"Contact {naam}",
                                       contact_email=f"{naam.split()[0].lower()}@fonds.be",
                                       contact_telefoon="09 123 45 67")
        Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=registratie)
    _, rows = read_sheet(export_bytes())
    by_name = {row["Naam organisatie"]: row for row in rows}
    shared, withheld = by_name["Deelt Fonds"], by_name["Zwijgt Fonds"]
    assert shared["E-mailadres contactpersoon"] == "deelt@fonds.be"
    assert shared["Naam contactpersoon"] == "Contact Deelt Fonds"
    for column in ("Naam contactpersoon", "E-mailadres contactpersoon", "Telefoon contactpersoon"):
        assert withheld[column] == "(geen toestemming om te delen)"
    assert "zwijgt@fonds.be" not in str(rows)
