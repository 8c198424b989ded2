"""Who may open which staff page, and no admin page answers with a server error."""
import pytest
from django.contrib import admin
from django.urls import reverse

from registraties import review
from registraties.constants import RegistratieStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(registratie, superuser):
    """One row of every staff model, so change, history and delete pages have an object."""
    notitie = review.notitie_add(registratie=registratie, auteur=superuser, tekst="Eerste indruk")
    wijziging = review.registratie_change_status(registratie=registratie,
                                                 status=RegistratieStatus.IN_BEHANDELING, door=superuser)
    objects = {"registratie": registratie, "notitie": notitie, "wijziging": wijziging,
               "ronde": registratie.ronde}
    try:
        from partnerschappen.models import Lidmaatschap, Partnerschap
    except ImportError:
        return objects
    partnerschap = Partnerschap.objects.create(naam="Bouw en renovatie",
                                               ronde=registratie.ronde)
    Lidmaatschap.objects.create(partnerschap=partnerschap, registratie=registratie)
    objects["partnerschap"] = partnerschap
    return objects


def _urls(data):
    r, n, w, ronde = data["registratie"], data["notitie"], data["wijziging"], data["ronde"]
    urls = {
        "index": reverse("admin:index"),
        "overzicht": reverse("admin:overzicht"),
        "lijst": reverse("admin:registraties_registratie_changelist"),
        "detail": reverse("admin:registraties_registratie_change", args=[r.pk]),
        "geschiedenis": reverse("admin:registraties_registratie_history", args=[r.pk]),
        "verwijderen": reverse("admin:registraties_registratie_delete", args=[r.pk]),
        "toevoegen": reverse("admin:registraties_registratie_add"),
        "notitie": reverse("admin:registraties_notitie_change", args=[n.pk]),
        "notitie_verwijderen": reverse("admin:registraties_notitie_delete", args=[n.pk]),
        "statuswijzigingen": reverse("admin:registraties_statuswijziging_changelist"),
        "statuswijziging": reverse("admin:registraties_statuswijziging_change", args=[w.pk]),
        "rondes": reverse("admin:verkenning_ronde_changelist"),
        "ronde": reverse("admin:verkenning_ronde_change", args=[ronde.pk]),
        "gebruikers": reverse("admin:auth_user_changelist"),
    }
    if "partnerschap" in data:
        urls["partnerschappen"] = reverse("admin:partnerschappen_partnerschap_changelist")
    return urls


# Expected status per page for: reviewer, coordinator, superuser.
MATRIX = {
    "index": (200, 200, 200),
    "overzicht": (200, 200, 200),
    "lijst": (200, 200, 200),
    "detail": (200, 200, 200),
    "geschiedenis": (200, 200, 200),
    "verwijderen": (403, 200, 200),
    "toevoegen": (403, 403, 403),
    "notitie": (200, 200, 200),
    "notitie_verwijderen": (403, 200, 200),
    "statuswijzigingen": (200, 200, 200),
    "statuswijziging": (200, 200, 200),
    "rondes": (200, 200, 200),
    "ronde": (200, 200, 200),
    "gebruikers": (403, 403, 200),
    # Reviewers read partnerships and their conversations (issue 11), coordinators compose them.
    "partnerschappen": (200, 200, 200),
}


def test_anonymous_visitors_are_sent_to_the_login_page_on_every_staff_url(client, data):
    for name, url in _urls(data).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/beheer/login/"), name
    for url in (reverse("admin:registraties_registratie_status", args=[data["registratie"].pk]),
                reverse("admin:registraties_registratie_notitie", args=[data["registratie"].pk])):
        response = client.post(url, {"status": RegistratieStatus.ONTVANKELIJK, "tekst": "x"})
        assert response.status_code == 302
        assert response["Location"].startswith("/beheer/login/")
    data["registratie"].refresh_from_db()
    assert data["registratie"].status == RegistratieStatus.IN_BEHANDELING


def test_each_role_gets_exactly_its_pages(data, reviewer_client, coordinator_client,
                                          superuser_client):
    clients = (reviewer_client, coordinator_client, superuser_client)
    for name, url in _urls(data).items():
        got = tuple(c.get(url).status_code for c in clients)
        assert got == MATRIX[name], f"{name}: {got}"


def test_staff_without_a_role_cannot_see_registrations(data, django_user_model, client):
    user = django_user_model.objects.create_user("nieuw", password="x" * 16, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:registraties_registratie_changelist")).status_code == 403
    assert client.get(reverse("admin:overzicht")).status_code == 403
    response = client.post(reverse("admin:registraties_registratie_status",
                                   args=[data["registratie"].pk]),
                           {"status": RegistratieStatus.ONTVANKELIJK})
    assert response.status_code == 403


def test_reviewer_cannot_edit_answers_or_notes(data, reviewer_client):
    r, n = data["registratie"], data["notitie"]
    response = reviewer_client.post(
        reverse("admin:registraties_registratie_change", args=[r.pk]), {"naam": "Gekaapt"})
    assert response.status_code == 403
    response = reviewer_client.post(reverse("admin:registraties_notitie_change", args=[n.pk]),
                                    {"tekst": "Herschreven"})
    assert response.status_code == 403
    response = reviewer_client.post(reverse("admin:registraties_notitie_delete", args=[n.pk]),
                                    {"post": "yes"})
    assert response.status_code == 403
    n.refresh_from_db()
    r.refresh_from_db()
    assert (n.tekst, r.naam) == ("Eerste indruk", "Bouwfonds Proef vzw")


def test_the_review_log_cannot_be_changed_by_anyone(data, superuser_client):
    url = reverse("admin:registraties_statuswijziging_change", args=[data["wijziging"].pk])
    assert superuser_client.post(url, {"reden": "anders"}).status_code == 403
    url = reverse("admin:registraties_statuswijziging_delete", args=[data["wijziging"].pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 403


def test_the_index_lists_registrations_partnerships_and_rounds_first(data, coordinator_client):
    response = coordinator_client.get(reverse("admin:index"))
    labels = [app["app_label"] for app in response.context["app_list"]]
    expected = ["registraties", "partnerschappen", "verkenning", "berichten", "kbo"]
    assert labels == [label for label in expected if label in labels]
    assert "berichten" in labels  # the outgoing mails, for coordinators
    assert "kbo" in labels  # the enterprise register, read-only
    assert "auth" not in labels and "axes" not in labels


def test_every_admin_page_answers_without_a_server_error(data, superuser_client):
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls = [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add"),
                reverse(f"{prefix}_changelist") + "?q=test"]
        obj = model._default_manager.first()
        if obj is not None:
            urls += [reverse(f"{prefix}_change", args=[obj.pk]),
                     reverse(f"{prefix}_history", args=[obj.pk]),
                     reverse(f"{prefix}_delete", args=[obj.pk])]
        for url in urls:
            response = superuser_client.get(url)
            assert response.status_code < 500, url
            assert response.status_code in (200, 302, 403), url


def test_one_version_of_the_history_opens_read_only(data, coordinator_client):
    registratie = data["registratie"]
    record = registratie.history.order_by("history_id").first()
    url = reverse("admin:registraties_registratie_simple_history",
                  args=[registratie.pk, record.history_id])
    response = coordinator_client.get(url)
    assert response.status_code == 200
    assert coordinator_client.post(url, {"naam": "Oud"}).status_code < 500
    registratie.refresh_from_db()
    assert registratie.naam == "Bouwfonds Proef vzw"
