"""Fuzzing every staff page: hostile query strings, ids and form values, for both roles.

The pages are found in the URLconf (everything under /beheer/: each model page of the admin
registry, each page an app registers, the two-factor pages), so a page added tomorrow is
fuzzed the day it is added. Each page is asked plainly, with hostile query strings, and
with hostile values for every field its own HTML names (actions and their selections
included), as a reviewer and as a coordinator. Nothing may answer with a server error.
"""
import re
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.checks import examples, rolled_back
from tests.fuzz.strategies import PAYLOADS, hostile_text

pytestmark = pytest.mark.django_db

STAFF_PREFIX = "beheer/"
# Logging out ends the session the next pages need; it has no input to fuzz.
SKIPPED = {"logout"}
ODD_IDS = ("abc", "1.5", " ", "-1", "0", "99999999999999999999", "1/../2", "%00", "1e3",
           "١", "\u200b")
COMMON_PARAMETERS = ("q", "o", "p", "all", "e", "_facets", "_popup", "_to_field",
                     "_changelist_filters", "ronde", "status", "next", "term", "app_label",
                     "model_name", "field_name", "naam__regex", "pk__in", "id__gt",
                     "ingediend_op__year", "ingediend_op__month", "aandacht", "soort",
                     "antwoord", "vlag", "stap", "wizard_goto_step")
FORM_NAMES = re.compile(r'<(?:input|select|textarea|button)\b[^>]*\bname="([^"]+)"')
OPTION_VALUES = re.compile(r'<option\b[^>]*\bvalue="([^"]*)"')
CHECKBOX_VALUES = re.compile(r'name="_selected_action"[^>]*\bvalue="([^"]*)"'
                             r'|value="([^"]*)"[^>]*name="_selected_action"')


def _walk(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def staff_routes() -> list[tuple[str, str]]:
    """(route, id) of every URL pattern under /beheer/."""
    routes = []
    for route, pattern in _walk(get_resolver()):
        if route.startswith(STAFF_PREFIX) and pattern.name not in SKIPPED:
            routes.append((route, pattern.name or route))
    return routes


ROUTES = staff_routes()
PLACEHOLDER = re.compile(r"<(?:(\w+):)?(\w+)>")


def model_of(route: str):
    """The model whose admin page ``route`` is (``beheer/<app>/<model>/...``), if any."""
    parts = route[len(STAFF_PREFIX):].split("/")
    for model in admin.site._registry:
        if parts[:2] == [model._meta.app_label, model._meta.model_name]:
            return model
    return None


def real_ids(world: dict, route: str) -> dict[str, str]:
    """An existing object for each placeholder a route has, where one exists."""
    model = model_of(route)
    ids = {"gesprek_id": world["gesprek"], "lid_id": world["lid"], "pk": world["bestand"],
           "user_id": world["reviewer"], "id": world["reviewer"],
           "content_type_id": world["content_type"], "history": world["history"]}
    first = model._default_manager.order_by("pk").values_list("pk", flat=True).first() \
        if model is not None else None
    ids["object_id"] = str(first if first is not None else world["registratie"])
    if "otp_totp" in route:
        ids["pk"] = "1"
    return {name: str(value) for name, value in ids.items()}


def concrete_path(route: str, values: dict[str, str]) -> str:
    """The route with its placeholders (and the admin's few regex groups) filled in."""
    if "(?P<url>" in route:
        return "/" + route.split("(?P<url>")[0] + values.get("url", "bestaat-niet/")
    if "(?P<app_label>" in route:
        return "/" + route.split("^(?P<app_label>")[0] + values.get("app_label", "registraties") \
            + "/"
    if "^([^/]+)/history/([^/]+)/$" in route:  # django-simple-history's version page
        return "/" + route.split("^")[0] + f"{values['object_id']}/history/" \
            f"{values['history']}/"
    return "/" + PLACEHOLDER.sub(lambda m: values.get(m.group(2), "1"), route)


@pytest.fixture
def world(open_ronde, django_user_model):
    """One of everything staff pages show, and a client per role."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from berichten.models import Bericht, Werker
    from kbo.models import Onderneming, Snapshot
    from medewerkers.roles import COORDINATOR, REVIEWER, staff_user_save
    from partnerschappen import gesprekken
    from partnerschappen import services as partnerships
    from registraties import review
    from registraties.excel.tasks import importbestand_upload
    from registraties.models import Registratie
    from tests.excel.test_admin import GOOD, HEADER, import_file
    from tests.factories import make_registratie

    coordinator, _, _ = staff_user_save(username="fuzz-coordinator", role=COORDINATOR)
    reviewer, _, _ = staff_user_save(username="fuzz-beoordelaar", role=REVIEWER)
    first = make_registratie(open_ronde, naam="Fonds <script>fz()</script> =1+1")
    second = make_registratie(open_ronde, postcode="1000", gemeente="Brussel",
                              toelichting_werking="Vlaams")
    review.notitie_add(registratie=first, auteur=coordinator, tekst="Nagaan <b>fz</b>")
    review.registratie_change_status(registratie=first, status="in_behandeling",
                                     door=coordinator)
    partnerschap = partnerships.partnerschap_create(ronde=open_ronde, naam="Bouw",
                                                    registraties=[first, second],
                                                    regisseur=first)
    gesprek = gesprekken.gesprek_plan(partnerschap=partnerschap,
                                        begint_op=timezone.now() + timezone.timedelta(days=9),
                                        duur_minuten=60, plaats="Gent", agenda="Kennismaking")
    gesprekken.gesprek_invite(gesprek=gesprek)
    bestand = importbestand_upload(ronde=open_ronde, user=coordinator, name="lijst.xlsx",
                                   content=import_file([HEADER, [*GOOD, "ja"]]))
    Snapshot.objects.create(snapshot_datum=timezone.now().date(), extract_type="full")
    Onderneming.objects.create(ondernemingsnummer="0417497106", actief=True, rechtspersoon=True,
                               naam="Bouwfonds", postcode="9000", gemeente="Gent")
    Bericht.objects.create(aan="an@example.test", onderwerp="Mislukt", soort="bevestiging",
                           status="mislukt", mislukt_op=timezone.now())
    Werker.objects.create(werker_id="w1", gestart_op=timezone.now(), gezien_op=timezone.now())
    clients = {}
    for role, user in (("beoordelaar", reviewer), ("coordinator", coordinator)):
        client = Client()
        client.force_login(user)
        clients[role] = client
    return {"clients": clients, "registratie": first.pk, "gesprek": gesprek.pk,
            "lid": partnerschap.lidmaatschappen.order_by("pk").first().pk,
            "bestand": bestand.pk, "reviewer": reviewer.pk,
            "content_type": ContentType.objects.get_for_model(Registratie).pk,
            "history": first.history.order_by("history_id").first().history_id}


def portal_field_names() -> list[str]:
    """Every field name of the portal's own forms: what a page that only takes a POST (its
    form sits on another page) is sent."""
    from django import forms

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    packages = {"portaal", "verkenning", "kbo", "berichten", "registraties", "partnerschappen"}
    return sorted({name for form in subclasses(forms.BaseForm)
                   if form.__module__.split(".")[0] in packages
                   for name in form.base_fields})


def form_fields(html: str) -> tuple[list[str], list[str], list[str]]:
    """The field names a page's HTML sends (or, without a form, those of the portal's forms),
    its option values and selectable row ids."""
    names = sorted({name for name in FORM_NAMES.findall(html)
                    if name != "csrfmiddlewaretoken"}) or portal_field_names()
    options = sorted(set(OPTION_VALUES.findall(html)))[:40]
    rows = sorted({a or b for a, b in CHECKBOX_VALUES.findall(html)})
    return names, options, rows


@st.composite
def query_strings(draw) -> list[tuple[str, str]]:
    names = draw(st.lists(st.sampled_from(COMMON_PARAMETERS), unique=True, max_size=4))
    return [(name, draw(st.one_of(hostile_text, st.sampled_from(PAYLOADS),
                                  st.sampled_from(ODD_IDS)))) for name in names]


def form_values(names: list[str], options: list[str], rows: list[str], *, pool: list[str],
                choice: int, odd: str) -> dict:
    """Hostile values for the page's own fields; real options and row ids now and then."""
    data = {}
    start = choice % len(names) if names else 0
    for index, name in enumerate((names[start:] + names[:start])[:30]):
        if name == "_selected_action":
            data[name] = [rows[choice % len(rows)], odd] if rows else [odd]
        elif options and (choice + index) % 3 == 0:
            data[name] = options[(choice + index) % len(options)]
        else:
            data[name] = pool[(choice + index) % len(pool)]
    if choice % 4 == 0:
        data.setdefault(("action", "post", "index", "select_across", "apply")[choice % 5],
                        pool[0])
    return data


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{response.status_code} op {what}"


@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[name for _route, name in ROUTES])
@examples(2)
# Cases this fuzz found; they stay as regression cases.
@example(odd="abc", pairs=[("naam__regex", "(")], pool=["\x00"] * 8, choice=1)
@example(odd="99999999999999999999", pairs=[("pk__in", "abc")], pool=["\u200b"] * 8,
         choice=0)
@given(odd=st.sampled_from(ODD_IDS), pairs=query_strings(),
       pool=st.lists(st.one_of(hostile_text, st.sampled_from(PAYLOADS)), min_size=8,
                     max_size=8),
       choice=st.integers(0, 10_000))
def test_no_staff_page_fails_on_hostile_input(world, route, name, odd, pairs, pool, choice):
    values = real_ids(world, route)
    real_path = concrete_path(route, values)
    odd_path = concrete_path(route, {key: odd for key in values} | {"url": odd})
    for role, client in world["clients"].items():
        with rolled_back():
            page = client.get(real_path)
            assert_no_server_error(page, f"GET {real_path} ({role})")
            html = page.content.decode("utf-8", "replace") if page.status_code == 200 else ""
            query = f"{real_path}?{urlencode(pairs)}"
            assert_no_server_error(client.get(query), f"GET {query} ({role})")
            if odd_path != real_path:
                assert_no_server_error(client.get(odd_path), f"GET {odd_path} ({role})")
            names, options, rows = form_fields(html)
            body = form_values(names, options, rows, pool=pool, choice=choice, odd=odd)
            assert_no_server_error(client.post(real_path, body),
                                   f"POST {real_path} {body!r} ({role})")


def test_the_fuzz_finds_every_kind_of_staff_page():
    """The discovery sees the model pages, the pages apps register and their own views."""
    names = {name for _route, name in ROUTES}
    for expected in ("registraties_registratie_changelist", "registraties_registratie_change",
                     "registraties_registratie_simple_history", "registraties_registratie_status",
                     "registraties_registratie_excel_import_status", "overzicht",
                     "persoonsgegevens", "medewerkers", "tweestaps_reset",
                     "partnerschappen_partnerschap_gesprek_wijzigen",
                     "partnerschappen_partnerschap_lid_afhaken", "berichten_bericht_changelist",
                     "kbo_onderneming_changelist", "verkenning_ronde_history", "autocomplete",
                     "setup"):
        assert expected in names, expected
