"""The register's read-only staff pages."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_superuser_sees_entries_and_imports_read_only(admin_client, imported, entities):
    e = entities[0]
    listing = admin_client.get(reverse("admin:kbo_onderneming_changelist"))
    assert listing.status_code == 200
    found = admin_client.get(reverse("admin:kbo_onderneming_changelist"),
                             {"q": f"{e.nummer[:4]}.{e.nummer[4:7]}.{e.nummer[7:]}"})
    assert e.naam in found.content.decode()
    assert found.context["cl"].result_count == 1
    detail = admin_client.get(reverse("admin:kbo_onderneming_change", args=[e.nummer]))
    assert detail.status_code == 200
    assert admin_client.get(reverse("admin:kbo_onderneming_add")).status_code == 403
    assert admin_client.get(reverse("admin:kbo_snapshot_changelist")).status_code == 200


def test_search_on_a_name(admin_client, imported, entities):
    e = next(e for e in entities if e.naam_nl and e.rechtspersoon)
    response = admin_client.get(reverse("admin:kbo_onderneming_changelist"), {"q": e.naam_nl})
    assert e.nummer in {row.pk for row in response.context["cl"].result_list}
    assert response.context["cl"].result_count < 300
