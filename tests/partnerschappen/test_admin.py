"""The partnership admin: list with warnings, members inline through the rules, the batch action."""
import pytest
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse

from partnerschappen import gesprekken, services
from partnerschappen.constants import LidRol
from partnerschappen.models import Lidmaatschap, Partnerschap
from registraties.constants import RegistratieStatus
from registraties.models import Registratie
from tests.factories import RondeFactory

from .gesprekken import plan

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:partnerschappen_partnerschap_changelist")
# Every status: the list opens on the registrations still to review.
REGISTRATIES = reverse("admin:registraties_registratie_changelist") + "?status=alle"


def inline_post(partnerschap_data: dict, members: list[dict], initial: int = 0) -> dict:
    data = {
        "naam": "Bouwpartnerschap", "status": "voorstel", "basis": "gelijkaardige_uitdagingen",
        "basis_andere": "", "notities": "",
        "lidmaatschappen-TOTAL_FORMS": str(len(members)),
        "lidmaatschappen-INITIAL_FORMS": str(initial),
        "lidmaatschappen-MIN_NUM_FORMS": "0", "lidmaatschappen-MAX_NUM_FORMS": "1000",
        **partnerschap_data,
    }
    for i, member in enumerate(members):
        for key, value in member.items():
            data[f"lidmaatschappen-{i}-{key}"] = value
    return data


def test_the_list_shows_members_and_warnings_in_flat_queries(
        admin_client, open_ronde, registratie_factory, django_assert_max_num_queries):
    for i in range(3):
        services.partnerschap_create(ronde=open_ronde, naam=f"Partnerschap {i}",
                                     registraties=[registratie_factory(), registratie_factory()])
    with django_assert_max_num_queries(12) as few:
        response = admin_client.get(CHANGELIST)
    for i in range(3, 10):
        services.partnerschap_create(ronde=open_ronde, naam=f"Partnerschap {i}",
                                     registraties=[registratie_factory(), registratie_factory()])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert "Nog geen regisseur: duid het lid aan dat de regierol opneemt." in response.text
    assert "Voorgestelde partnerschappen" in response.text


def test_the_change_page_shows_the_warnings(admin_client, open_ronde, registratie_factory):
    member = registratie_factory(naam="Te Beoordelen vzw", status=RegistratieStatus.INGEDIEND)
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P",
                                                registraties=[member, registratie_factory()])

    response = admin_client.get(reverse("admin:partnerschappen_partnerschap_change",
                                        args=[partnerschap.pk]))

    assert response.status_code == 200
    assert "Nog te beoordelen (ingediend of in behandeling): Te Beoordelen vzw." in response.text


def test_the_admin_form_refuses_a_member_that_is_not_eligible(
        admin_client, open_ronde, registratie_factory):
    refused = registratie_factory(naam="Geweigerd vzw", status=RegistratieStatus.NIET_ONTVANKELIJK)

    response = admin_client.post(reverse("admin:partnerschappen_partnerschap_add"), inline_post(
        {"ronde": open_ronde.pk}, [{"registratie": refused.pk, "rol": "partner"},
                                   {"registratie": registratie_factory().pk, "rol": "partner"}]))

    assert response.status_code == 200
    assert ("Geweigerd vzw is niet ontvankelijk en kan geen lid worden van een partnerschap."
            in response.text)
    assert not Partnerschap.objects.exists()


def test_the_admin_form_refuses_two_regisseurs(admin_client, open_ronde, registratie_factory):
    a, b = registratie_factory(), registratie_factory()

    response = admin_client.post(reverse("admin:partnerschappen_partnerschap_add"), inline_post(
        {"ronde": open_ronde.pk}, [{"registratie": a.pk, "rol": "regisseur"},
                                   {"registratie": b.pk, "rol": "regisseur"}]))

    assert response.status_code == 200
    assert "Een partnerschap heeft hoogstens één regisseur." in response.text
    assert not Partnerschap.objects.exists()


def test_a_stale_page_that_would_add_a_second_regisseur_saves_nothing(admin_client, open_ronde,
                                                                      registratie_factory):
    a, b, x, y = (registratie_factory() for _ in range(4))
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="Bestaand",
                                                registraties=[x, y])
    lx, ly = partnerschap.lidmaatschappen.order_by("pk")
    url = reverse("admin:partnerschappen_partnerschap_change", args=[partnerschap.pk])
    # Loaded while the partnership had no regisseur; meanwhile a colleague adds one.
    services.partnerschap_add_member(partnerschap=partnerschap, registratie=a, rol=LidRol.REGISSEUR)

    response = admin_client.post(url, inline_post(
        {"ronde": open_ronde.pk, "naam": "Hernoemd"}, [
            {"id": lx.pk, "partnerschap": partnerschap.pk, "registratie": x.pk, "rol": "partner"},
            {"id": ly.pk, "partnerschap": partnerschap.pk, "registratie": y.pk, "rol": "partner"},
            {"registratie": b.pk, "rol": "regisseur"}], initial=2),
        follow=True)

    assert response.status_code == 200
    assert "iemand anders wijzigde de leden van dit partnerschap intussen" in response.text
    partnerschap.refresh_from_db()
    assert partnerschap.naam == "Bestaand"
    assert set(partnerschap.lidmaatschappen.values_list("registratie_id", flat=True)) == {
        a.pk, x.pk, y.pk}


def test_the_admin_can_hand_the_regierol_to_another_member(admin_client, open_ronde,
                                                           registratie_factory):
    a, b = registratie_factory(), registratie_factory()
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[a, b],
                                                regisseur=a)
    la = partnerschap.lidmaatschappen.get(registratie=a)
    lb = partnerschap.lidmaatschappen.get(registratie=b)

    response = admin_client.post(
        reverse("admin:partnerschappen_partnerschap_change", args=[partnerschap.pk]),
        inline_post({"ronde": open_ronde.pk, "naam": "P"}, [
            {"id": la.pk, "partnerschap": partnerschap.pk, "registratie": a.pk, "rol": "partner"},
            {"id": lb.pk, "partnerschap": partnerschap.pk, "registratie": b.pk, "rol": "regisseur"},
        ], initial=2))

    assert response.status_code == 302, response.text
    assert partnerschap.lidmaatschappen.get(rol=LidRol.REGISSEUR).registratie == b


def test_the_admin_records_who_created_a_partnership(admin_client, admin_user, open_ronde,
                                                     registratie_factory):
    a, b = registratie_factory(), registratie_factory()

    response = admin_client.post(reverse("admin:partnerschappen_partnerschap_add"), inline_post(
        {"ronde": open_ronde.pk}, [{"registratie": a.pk, "rol": "regisseur", "acties": ["regie"]},
                                   {"registratie": b.pk, "rol": "partner", "acties": ["leren"]}]))

    assert response.status_code == 302
    partnerschap = Partnerschap.objects.get()
    assert partnerschap.aangemaakt_door == admin_user
    assert partnerschap.lidmaatschappen.get(registratie=a).acties == ["regie"]


@pytest.mark.parametrize("members", [0, 1])
def test_the_admin_form_refuses_a_partnership_of_fewer_than_two(admin_client, open_ronde,
                                                                 registratie_factory, members):
    rows = [{"registratie": registratie_factory().pk, "rol": "partner"} for _ in range(members)]

    response = admin_client.post(reverse("admin:partnerschappen_partnerschap_add"),
                                 inline_post({"ronde": open_ronde.pk}, rows))

    assert response.status_code == 200
    assert "Een partnerschap heeft minstens 2 leden." in response.text
    assert not Partnerschap.objects.exists()


def action_post(registraties, **extra) -> dict:
    return {"action": "toevoegen_aan_partnerschap", "_selected_action": [r.pk for r in registraties],
            **extra}


def test_the_batch_action_first_asks_which_partnership(admin_client, open_ronde, registratie_factory):
    a = registratie_factory(naam="Alfa vzw")
    services.partnerschap_create(ronde=open_ronde, naam="Bestaand partnerschap",
                                 registraties=[registratie_factory(), registratie_factory()])

    response = admin_client.post(REGISTRATIES, action_post([a]))

    assert response.status_code == 200
    assert "Alfa vzw" in response.text
    assert "Bestaand partnerschap" in response.text
    assert not Lidmaatschap.objects.filter(registratie=a).exists()


def test_the_batch_action_creates_a_partnership_from_the_selection(admin_client, open_ronde,
                                                                   registratie_factory):
    a, b = registratie_factory(), registratie_factory()
    refused = registratie_factory(naam="Geweigerd vzw", status=RegistratieStatus.NIET_ONTVANKELIJK)

    response = admin_client.post(REGISTRATIES, action_post(
        [a, b, refused], apply="1", naam="Nieuw partnerschap", basis="keten"), follow=True)

    partnerschap = Partnerschap.objects.get()
    assert partnerschap.naam == "Nieuw partnerschap"
    assert partnerschap.basis == "keten"
    assert set(partnerschap.lidmaatschappen.values_list("registratie_id", flat=True)) == {a.pk, b.pk}
    assert "2 registraties toegevoegd aan ‘Nieuw partnerschap’." in response.text
    assert ("Geweigerd vzw niet toegevoegd: Geweigerd vzw is niet ontvankelijk en kan geen lid "
            "worden van een partnerschap.") in response.text


def test_the_batch_action_creates_no_empty_partnership(admin_client, open_ronde,
                                                      registratie_factory):
    refused = registratie_factory(naam="Geweigerd vzw", status=RegistratieStatus.NIET_ONTVANKELIJK)

    response = admin_client.post(REGISTRATIES, action_post(
        [refused], apply="1", naam="Leeg partnerschap", basis="keten"), follow=True)

    assert not Partnerschap.objects.exists()
    assert ("Er werd geen partnerschap aangemaakt: Een partnerschap heeft minstens 2 leden."
            in response.text)
    assert "Geweigerd vzw is niet ontvankelijk" in response.text


def test_the_batch_action_creates_no_partnership_of_one(admin_client, open_ronde,
                                                        registratie_factory):
    alone = registratie_factory(naam="Alleen vzw")

    response = admin_client.post(REGISTRATIES, action_post(
        [alone], apply="1", naam="Eenmansclub", basis="keten"), follow=True)

    assert not Partnerschap.objects.exists()
    assert ("Er werd geen partnerschap aangemaakt: Een partnerschap heeft minstens 2 leden."
            in response.text)


def test_the_batch_action_adds_to_an_existing_partnership(admin_client, open_ronde,
                                                          registratie_factory):
    a, b, c = registratie_factory(), registratie_factory(), registratie_factory()
    partnerschap = services.partnerschap_create(ronde=open_ronde, naam="Bestaand",
                                                registraties=[a, c])

    response = admin_client.post(REGISTRATIES, action_post([a, b], apply="1",
                                                           partnerschap=partnerschap.pk))

    assert response.status_code == 302
    assert set(partnerschap.lidmaatschappen.values_list("registratie_id", flat=True)) == {
        a.pk, b.pk, c.pk}


def test_the_batch_action_refuses_registrations_of_two_rounds(admin_client, open_ronde,
                                                              registratie_factory):
    a = registratie_factory()
    b = registratie_factory(RondeFactory(titel="Andere ronde"))

    response = admin_client.post(REGISTRATIES, action_post([a, b]), follow=True)

    assert ("Selecteer registraties van één ronde: een partnerschap hoort bij één ronde."
            in response.text)
    assert not Partnerschap.objects.exists()


def test_the_batch_action_needs_a_partnership_permission(client, open_ronde, registratie_factory):
    user = User.objects.create_user("medewerker", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        codename__in=["view_registratie", "change_registratie"]))
    client.force_login(user)
    a = registratie_factory()

    response = client.post(REGISTRATIES, action_post([a], apply="1", naam="Stiekem"), follow=True)

    assert "U hebt geen recht om partnerschappen te maken of te wijzigen." in response.text
    assert not Partnerschap.objects.exists()


def test_the_list_counts_the_statuses_of_the_members(admin_client, open_ronde, registratie_factory):
    services.partnerschap_create(ronde=open_ronde, naam="P", registraties=[
        registratie_factory(), registratie_factory(),
        registratie_factory(status=RegistratieStatus.INGEDIEND)])

    response = admin_client.get(CHANGELIST)

    assert "1 ingediend, 2 ontvankelijk" in response.text


def test_the_add_page_offers_registrations_through_autocomplete(admin_client, open_ronde,
                                                                registratie_factory):
    registratie_factory(naam="Zoekbaar vzw")

    page = admin_client.get(reverse("admin:partnerschappen_partnerschap_add"))
    found = admin_client.get(reverse("admin:autocomplete"), {
        "term": "Zoekbaar", "app_label": "partnerschappen", "model_name": "lidmaatschap",
        "field_name": "registratie"})

    assert page.status_code == 200
    assert "admin-autocomplete" in page.text
    results = found.json()["results"]
    assert len(results) == 1
    assert "Zoekbaar vzw" in results[0]["text"]


def test_members_keep_a_history(open_ronde, registratie_factory):
    partnerschap = services.partnerschap_create(
        ronde=open_ronde, naam="P", registraties=[registratie_factory(), registratie_factory()])

    assert Lidmaatschap.history.filter(partnerschap_id=partnerschap.pk).count() == 2


def test_staff_find_a_partnership_by_a_member_name(admin_client, open_ronde, registratie_factory):
    services.partnerschap_create(ronde=open_ronde, naam="Met Bakkers", registraties=[
        registratie_factory(naam="Bakkers Vlaanderen"), registratie_factory(naam="Bakkers Oost")])
    services.partnerschap_create(ronde=open_ronde, naam="Zonder", registraties=[
        registratie_factory(naam="Slagers"), registratie_factory(naam="Vishandel")])

    response = admin_client.get(CHANGELIST, {"q": "Bakkers"})

    assert response.context["cl"].result_count == 1
    assert "Met Bakkers" in response.text
    assert response.context["cl"].result_list[0].leden_count == 2


def test_the_change_page_queries_stay_flat_as_members_are_added(admin_client, open_ronde,
                                                                registratie_factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partnerschap = services.partnerschap_create(
        ronde=open_ronde, naam="Groeit", registraties=[registratie_factory(), registratie_factory()])
    url = reverse("admin:partnerschappen_partnerschap_change", args=[partnerschap.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(url)
        assert response.status_code == 200
        return len(captured)

    queries()  # warm caches (content types, permissions) so both counts compare like with like
    few = queries()
    for _ in range(7):
        services.partnerschap_add_member(partnerschap=partnerschap,
                                         registratie=registratie_factory())
    html = admin_client.get(url).content.decode()
    assert all(str(lid.registratie) in html for lid in partnerschap.lidmaatschappen.all())
    assert queries() == few


# ----- issue 16: the page as each role reads it ----------------------------------------------

@pytest.fixture
def drie(open_ronde, registratie_factory):
    a, b, c = (registratie_factory(rollen=["regie", "competentiechecks"]) for _ in range(3))
    return services.partnerschap_create(ronde=open_ronde, naam="Bouw en installatie",
                                        registraties=[a, b, c], regisseur=a,
                                        themas=["thematische_screening"])


def test_a_reviewer_reads_labels_and_no_way_to_add_on_the_read_only_page(drie, open_ronde):
    from django.test import Client

    from medewerkers.roles import REVIEWER, staff_user_save

    reviewer, _created, _password = staff_user_save(username="bea", role=REVIEWER,
                                                    password="Proef-wachtwoord-2021!")
    client = Client()
    client.force_login(reviewer)
    html = client.get(reverse("admin:partnerschappen_partnerschap_change",
                              args=[drie.pk])).text
    assert '["' not in html  # no JSON list anywhere
    assert "thematische screening (bv. digitale, 21ste-eeuwse of groene vaardigheden)" in html
    assert "samenwerking (regierol), opzetten competentiechecks" in html
    assert "toevoegen" not in html.lower().replace("aan partnerschap toevoegen", "")
    assert "js-inline-admin-formset" not in html  # no script that could add a row
    assert "Uit dit partnerschap halen" not in html


def test_no_related_object_icons_on_the_partnership_page(admin_client, drie):
    html = admin_client.get(reverse("admin:partnerschappen_partnerschap_change",
                                    args=[drie.pk])).text
    for icon in ("related-widget-wrapper-link", "delete-related", "change-related",
                 "add-related", "view-related"):
        assert icon not in html
    assert "Uit dit partnerschap halen" in html
    assert "Lid toevoegen" in html and "Nog een" not in html


def test_no_staff_form_offers_related_object_icons():
    from django.contrib import admin
    from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
    from django.test import RequestFactory

    from portaal.admin import STAFF_APPS

    request = RequestFactory().get("/beheer/")
    request.user = User.objects.create_superuser("sup", password="x")
    offered = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in STAFF_APPS:
            continue
        forms = [model_admin.get_form(request, None)]
        forms += [inline.get_formset(request, None).form
                  for inline in model_admin.get_inline_instances(request, None)]
        for form in forms:
            for name, field in form.base_fields.items():
                widget = field.widget
                if isinstance(widget, RelatedFieldWidgetWrapper) and (
                        widget.can_add_related or widget.can_change_related
                        or widget.can_delete_related or widget.can_view_related):
                    offered.append(f"{model._meta.label}.{name}")
    assert offered == []


def test_removing_a_member_on_the_page_goes_through_the_service(admin_client, admin_user, trio):
    """The inline's DELETE takes the service's path: history says who, the invitation goes."""
    gesprek = plan(trio)
    gesprekken.gesprek_invite(gesprek=gesprek)
    mail.outbox.clear()
    leden = list(trio.lidmaatschappen.order_by("pk"))
    leaving = trio.lidmaatschappen.get(registratie__contact_email="carla@geheim.test")
    members = [{"id": lid.pk, "partnerschap": trio.pk, "registratie": lid.registratie_id,
                "rol": lid.rol, "acties": lid.acties, **({"DELETE": "on"} if lid == leaving else {})}
               for lid in leden]

    response = admin_client.post(
        reverse("admin:partnerschappen_partnerschap_change", args=[trio.pk]),
        inline_post({"ronde": trio.ronde_id, "naam": trio.naam}, members, initial=len(leden)))

    assert response.status_code == 302, response.text
    assert set(trio.lidmaatschappen.values_list("registratie_id", flat=True)) == {
        lid.registratie_id for lid in leden if lid != leaving}
    # The registration itself stays.
    assert Registratie.objects.filter(pk=leaving.registratie_id).exists()
    removal = Lidmaatschap.history.get(id=leaving.pk, history_type="-")
    assert removal.history_user == admin_user
    assert removal.history_change_reason == "Uit het partnerschap gehaald"
    # Its upcoming invitation is withdrawn, with a cancellation for its calendar.
    assert [m.to for m in mail.outbox] == [["carla@geheim.test"]]
    assert mail.outbox[0].subject.startswith("Geannuleerd")
    assert not gesprek.uitnodigingen.filter(registratie_id=leaving.registratie_id,
                                            ingetrokken=False).exists()
