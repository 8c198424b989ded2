"""The interest form with the enterprise register (KBO) loaded, and without."""
from datetime import date

import pytest
from django.urls import reverse

from kbo.models import Onderneming
from registraties.constants import KboBevinding, KboControle, Vlag
from registraties.models import Registratie
from tests.factories import form_data

pytestmark = pytest.mark.django_db

URL = "/interesse/"
NUMBER = "0417497106"  # the vzw in the kbo_register fixture (tests/conftest.py)


def post(client, **answers):
    values = {"ondernemingsnummer": NUMBER, "postcode": "9000", "gemeente": "Gent",
              "rechtsvorm": "vzw", **answers}
    return client.post(URL, form_data(**values))


def field_errors(response, name) -> list[str]:
    return list(response.context["form"].errors.get(name, []))


def test_without_register_data_the_registration_is_saved_and_marked_not_verified(client,
                                                                               open_ronde):
    assert post(client).status_code == 303
    registratie = Registratie.objects.get()
    assert registratie.kbo_controle == KboControle.NIET_GEVERIFIEERD
    assert Vlag.KBO_NIET_GEVERIFIEERD in registratie.vlaggen


def test_a_known_active_legal_person_is_verified_with_the_snapshot_date(client, open_ronde,
                                                                        kbo_register):
    assert post(client).status_code == 303
    registratie = Registratie.objects.get()
    assert (registratie.kbo_controle, registratie.kbo_bevindingen,
            registratie.kbo_snapshot_datum) == (KboControle.GEVERIFIEERD, [], date(2026, 4, 30))
    assert not {Vlag.KBO_NIET_GEVERIFIEERD, Vlag.KBO_ZETEL, Vlag.KBO_RECHTSVORM} & set(
        registratie.vlaggen)


def test_an_unknown_number_is_refused_with_what_to_do_and_keeps_what_was_typed(client,
                                                                             open_ronde, kbo_register):
    response = client.post(URL, form_data(ondernemingsnummer="0403.170.701",
                                          naam="Nieuwe <vzw>"))
    assert response.status_code == 200
    (message,) = field_errors(response, "ondernemingsnummer")
    assert "staat niet in de Kruispuntbank van Ondernemingen" in message
    assert "competentiechecks@esf-agentschap.be" in message
    html = response.content.decode()
    assert 'value="0403.170.701"' in html and "Nieuwe &lt;vzw&gt;" in html
    assert not Registratie.objects.exists()


def test_a_stopped_enterprise_is_refused(client, open_ronde, kbo_register):
    Onderneming.objects.filter(pk=NUMBER).update(actief=False)
    (message,) = field_errors(post(client), "ondernemingsnummer")
    assert "stopgezet" in message
    assert not Registratie.objects.exists()


def test_a_natural_person_is_refused_for_lack_of_legal_personality(client, open_ronde, kbo_register):
    Onderneming.objects.filter(pk=NUMBER).update(rechtspersoon=False, rechtsvorm="")
    (message,) = field_errors(post(client), "ondernemingsnummer")
    assert "natuurlijk persoon" in message and "rechtspersoonlijkheid" in message
    assert not Registratie.objects.exists()


def test_a_walloon_registered_office_is_refused_whatever_postcode_was_typed(client, open_ronde,
                                                                           kbo_register):
    Onderneming.objects.filter(pk=NUMBER).update(postcode="4000", gemeente="Luik")
    (message,) = field_errors(post(client), "postcode")
    assert "Waals Gewest (4000 Luik)" in message
    assert not Registratie.objects.exists()


def test_another_postcode_and_legal_form_than_the_register_become_flags(client, open_ronde,
                                                                       kbo_register):
    response = post(client, postcode="2000", gemeente="Antwerpen", rechtsvorm="stichting")
    assert response.status_code == 303
    registratie = Registratie.objects.get()
    assert registratie.kbo_controle == KboControle.VERSCHILT
    assert registratie.kbo_bevindingen == [KboBevinding.ZETEL_VERSCHILT,
                                           KboBevinding.RECHTSVORM_VERSCHILT]
    assert {Vlag.KBO_ZETEL, Vlag.KBO_RECHTSVORM} <= set(registratie.vlaggen)


def test_a_brussels_registered_office_needs_the_explanation_even_with_a_flemish_postcode(
        client, open_ronde, kbo_register):
    Onderneming.objects.filter(pk=NUMBER).update(postcode="1000", gemeente="Brussel")
    response = post(client)
    (message,) = field_errors(response, "toelichting_werking")
    assert "Uw zetel ligt in Brussel" in message
    assert post(client, toelichting_werking="Vooral Vlaamse leden.").status_code == 303


def test_an_edit_through_the_link_is_checked_against_the_register_again(client, open_ronde,
                                                                        kbo_register):
    assert post(client).status_code == 303
    from registraties import services

    token = services.registratie_renew_link(registratie=Registratie.objects.get())
    url = reverse("registraties:wijzigen", args=[token])
    response = client.post(url, form_data(ondernemingsnummer=NUMBER, postcode="3500",
                                          gemeente="Hasselt"))
    assert response.status_code == 303
    registratie = Registratie.objects.get()
    assert registratie.kbo_bevindingen == [KboBevinding.ZETEL_VERSCHILT]
    assert Vlag.KBO_ZETEL in registratie.vlaggen
