"""Excel in the registration admin: who may export and import, and what the file holds."""
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from registraties.models import Registratie
from tests.excel.conftest import read_sheet
from tests.factories import make_registratie

pytestmark = pytest.mark.django_db

EXPORT_URL = "admin:registraties_registratie_excel_export"
IMPORT_URL = "admin:registraties_registratie_excel_import"
CHANGELIST_URL = "admin:registraties_registratie_changelist"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_bytes(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def three(open_ronde):
    first = make_registratie(open_ronde, naam="Alfa Bouw vzw")
    second = make_registratie(open_ronde, naam="Beta Voeding vzw")
    third = make_registratie(open_ronde, naam="Gamma Zorg vzw")
    Registratie.objects.filter(pk=second.pk).update(status="ontvankelijk")
    return first, second, third


@pytest.mark.parametrize("url_name", [EXPORT_URL, IMPORT_URL])
def test_anonymous_visitors_are_sent_to_the_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_without_the_export_permission_gets_403(client, reviewer, three):
    client.force_login(reviewer)
    assert client.get(reverse(EXPORT_URL)).status_code == 403
    assert client.post(reverse(EXPORT_URL)).status_code == 403


def test_staff_without_add_and_change_permission_cannot_import(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="exporteur", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="registraties",
        codename__in=["view_registratie", "export_registratie"]))
    client.force_login(user)
    assert client.get(reverse(IMPORT_URL)).status_code == 403


def test_export_page_warns_about_personal_data_and_counts_the_rows(client, coordinator, three):
    client.force_login(coordinator)
    response = client.get(reverse(EXPORT_URL) + "?status=alle")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Dit bestand bevat persoonsgegevens" in content
    assert "Het bestand bevat 3 registraties." in content


def test_coordinator_downloads_all_registrations(client, coordinator, three):
    client.force_login(coordinator)
    response = client.post(reverse(EXPORT_URL) + "?status=alle")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    _, rows = read_sheet(file_bytes(response))
    assert sorted(row["Naam organisatie"] for row in rows) == [r.naam for r in three]


def test_export_follows_the_filters_and_search_of_the_list(client, coordinator, three):
    client.force_login(coordinator)
    response = client.post(reverse(EXPORT_URL) + "?status=ontvankelijk")
    _, rows = read_sheet(file_bytes(response))
    assert [row["Naam organisatie"] for row in rows] == ["Beta Voeding vzw"]

    # Without a status filter the list opens on the registrations still to review.
    response = client.post(reverse(EXPORT_URL))
    _, rows = read_sheet(file_bytes(response))
    assert sorted(row["Naam organisatie"] for row in rows) == ["Alfa Bouw vzw", "Gamma Zorg vzw"]

    response = client.post(reverse(EXPORT_URL) + "?q=Gamma")
    _, rows = read_sheet(file_bytes(response))
    assert [row["Naam organisatie"] for row in rows] == ["Gamma Zorg vzw"]


def test_changelist_offers_the_export_link_with_its_filters(client, coordinator, reviewer, three):
    client.force_login(coordinator)
    response = client.get(reverse(CHANGELIST_URL) + "?status=ontvankelijk")
    assert response.context["excel_export_url"] == reverse(EXPORT_URL) + "?status=ontvankelijk"
    client.force_login(reviewer)
    response = client.get(reverse(CHANGELIST_URL))
    assert response.context["excel_export_url"] is None


def test_batch_action_exports_the_selected_rows_after_the_notice(client, coordinator, three):
    client.force_login(coordinator)
    selected = [str(three[0].pk), str(three[2].pk)]
    data = {"action": "excel_export_selected", "_selected_action": selected, "index": 0}

    notice = client.post(reverse(CHANGELIST_URL), data)
    assert notice.status_code == 200
    assert "Dit bestand bevat persoonsgegevens" in notice.content.decode()
    assert "Het bestand bevat 2 registraties." in notice.content.decode()

    response = client.post(reverse(CHANGELIST_URL), {
        "action": "excel_export_selected", "_selected_action": selected,
        "select_across": "0", "excel_bevestigd": "1"})
    assert response["Content-Type"] == XLSX
    _, rows = read_sheet(file_bytes(response))
    assert sorted(row["Naam organisatie"] for row in rows) == ["Alfa Bouw vzw", "Gamma Zorg vzw"]


def test_batch_action_is_only_offered_to_users_who_may_export(client, coordinator, reviewer,
                                                               three):
    client.force_login(reviewer)
    response = client.get(reverse(CHANGELIST_URL))
    assert "excel_export_selected" not in response.content.decode()
    client.force_login(coordinator)
    response = client.get(reverse(CHANGELIST_URL))
    assert "excel_export_selected" in response.content.decode()


def upload(content: bytes, name="import.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=XLSX)


def import_file(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


HEADER = ["Naam organisatie", "Ondernemingsnummer", "Rechtsvorm", "Type organisatie",
          "Straat en nummer", "Postcode", "Gemeente", "Werking in Vlaanderen",
          "Bereid tot partnerschap", "Naam contactpersoon", "E-mailadres contactpersoon",
          "Thema's", "Acties binnen een partnerschap", "Sectoren", "Competentie-uitdagingen",
          "Akkoord met de privacyverklaring"]
GOOD = ["Delta Logistiek vzw", "0417.497.106", "vzw", "sectorfederatie", "Kaai 2", 2000,
        "Antwerpen", "ja", "ja", "Jan Claes", "jan@delta-test.be", "doorgroei", "regie",
        "logistiek", "Digitale planning."]


def test_import_previews_then_saves_on_confirmation(client, coordinator, open_ronde):
    """Upload → the worker previews (immediately in the tests) → confirm → the worker imports."""
    client.force_login(coordinator)
    content = import_file([HEADER, [*GOOD, "ja"]])

    uploaded = client.post(reverse(IMPORT_URL), {"ronde": open_ronde.pk,
                                                 "bestand": upload(content)})
    assert uploaded.status_code == 302
    preview = client.get(uploaded.url)
    page = preview.content.decode()
    assert "Delta Logistiek vzw" in page
    assert 'name="bevestigen"' in page
    assert not Registratie.objects.exists()

    response = client.post(uploaded.url, {"bevestigen": "1"})
    assert response.status_code == 302
    registratie = Registratie.objects.get()
    assert registratie.naam == "Delta Logistiek vzw"
    assert registratie.ronde == open_ronde
    done = client.get(uploaded.url).content.decode()
    assert "1 nieuwe registratie geïmporteerd." in done
    assert 'name="bevestigen"' not in done


def test_import_preview_shows_row_errors_and_offers_no_confirmation(client, coordinator,
                                                                     open_ronde):
    client.force_login(coordinator)
    content = import_file([HEADER, [*GOOD, "ja"], [*GOOD[:1], "0202.239.951", *GOOD[2:], "nee"]])
    uploaded = client.post(reverse(IMPORT_URL), {"ronde": open_ronde.pk,
                                                 "bestand": upload(content)})
    page = client.get(uploaded.url).content.decode()
    assert "Rij 3 – Akkoord met de privacyverklaring: Ga akkoord met de privacyverklaring" in page
    assert 'name="bevestigen"' not in page

    response = client.post(uploaded.url, {"bevestigen": "1"})
    assert response.status_code == 302
    assert not Registratie.objects.exists()


def test_import_refuses_a_file_that_is_not_xlsx(client, coordinator, open_ronde):
    client.force_login(coordinator)
    response = client.post(reverse(IMPORT_URL), {"ronde": open_ronde.pk,
                                                 "bestand": upload(b"a;b", "lijst.csv")})
    assert "Kies een Excel-bestand dat eindigt op .xlsx." in response.content.decode()


def test_changelist_page_links_to_the_export_of_the_filtered_list(client, coordinator, three):
    client.force_login(coordinator)
    response = client.get(reverse(CHANGELIST_URL) + "?status=ontvankelijk")
    page = response.content.decode()
    assert f'href="{reverse(EXPORT_URL)}?status=ontvankelijk"' in page
    assert "Exporteren naar Excel" in page
    assert f'href="{reverse(IMPORT_URL)}"' in page


def test_partnership_action_exports_members_for_coordinators_only(rf, coordinator, reviewer,
                                                                   open_ronde):
    from django.contrib import admin
    from django.core.exceptions import PermissionDenied

    from partnerschappen.admin.actions import partnerschappen_excel_export
    from partnerschappen.models import Lidmaatschap, Partnerschap

    partnerschap = Partnerschap.objects.create(naam="Zorg en welzijn", ronde=open_ronde)
    Lidmaatschap.objects.create(partnerschap=partnerschap,
                                registratie=make_registratie(open_ronde, naam="Zorgfonds vzw"),
                                rol="regisseur", acties=["regie"])
    modeladmin = admin.site._registry[Partnerschap]
    queryset = Partnerschap.objects.all()

    request = rf.post("/", {"excel_bevestigd": "1"})
    request.user = reviewer
    with pytest.raises(PermissionDenied):
        partnerschappen_excel_export(modeladmin, request, queryset)

    request.user = coordinator
    response = partnerschappen_excel_export(modeladmin, request, queryset)
    _, rows = read_sheet(file_bytes(response))
    assert [(row["Partnerschap"], row["Naam organisatie"], row["Rol"]) for row in rows] == [
        ("Zorg en welzijn", "Zorgfonds vzw", "regisseur (regierol)")]
