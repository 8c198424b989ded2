"""List, detail and overview need the same number of queries for 10 or 2,000 registrations."""
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registraties import review
from registraties.constants import RegistratieStatus
from registraties.models import Registratie
from tests.staff.helpers import bulk_registraties

pytestmark = pytest.mark.django_db

# Upper bounds per page (the overview without its cache: every count query runs; two of
# them count partnerships and their invitations). Each includes the banner's one count of
# mails that need attention (berichten, cached for half a minute; the cache is cleared here).
MAX_QUERIES = {"lijst": 11, "lijst_alle": 11, "lijst_gefilterd": 11, "zoeken": 11,
               "detail": 21, "overzicht": 19}


def _pages(registratie):
    changelist = reverse("admin:registraties_registratie_changelist")
    return {
        "lijst": changelist,
        "lijst_alle": changelist + "?status=alle",
        "lijst_gefilterd": changelist + "?status=alle&thema=doorgroei&vlag=enig&gewest__exact=brussel",
        "zoeken": changelist + "?q=0417.497.106",
        "detail": reverse("admin:registraties_registratie_change", args=[registratie.pk]),
        "overzicht": reverse("admin:overzicht"),
    }


def _measure(client, registratie, django_assert_max_num_queries) -> dict:
    counts = {}
    for name, url in _pages(registratie).items():
        client.get(url)  # warm Django's own caches (content types), which are not our data
        cache.clear()
        with django_assert_max_num_queries(MAX_QUERIES[name]), \
                CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


@pytest.fixture
def reviewed(open_ronde, coordinator):
    bulk_registraties(open_ronde, 10)
    registratie = Registratie.objects.filter(ronde=open_ronde).first()
    review.notitie_add(registratie=registratie, auteur=coordinator, tekst="Nagaan")
    review.registratie_change_status(registratie=registratie, status=RegistratieStatus.IN_BEHANDELING,
                                     door=coordinator)
    return registratie


def test_staff_pages_need_as_many_queries_for_2000_registrations_as_for_10(
        open_ronde, reviewed, coordinator_client, django_assert_max_num_queries):
    small = _measure(coordinator_client, reviewed, django_assert_max_num_queries)
    bulk_registraties(open_ronde, 1990)
    assert Registratie.objects.count() == 2000
    large = _measure(coordinator_client, reviewed, django_assert_max_num_queries)
    assert large == small
