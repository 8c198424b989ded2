"""Content-Security-Policy: nothing inline on the public pages; only /beheer/ keeps inline
styles while the Django admin needs them."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import form_data

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/privacy/", "/interesse/", "/interesse/link-kwijt/", "/interesse/bevestiging/"]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_allow_no_inline_style_or_script(client, open_ronde, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["style-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["worker-src"] == ["'self'"]  # the ALTCHA widget's worker, from static/
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    html = response.content.decode()
    assert not re.search(r"\sstyle=", html), "an inline style attribute would be blocked"
    assert not re.search(r"<style[\s>]", html)
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html), "an inline script would be blocked"


def test_the_form_with_errors_has_no_inline_style_either(client, open_ronde):
    response = client.post("/interesse/", form_data(postcode="12", rechtsvorm="andere"))
    assert response.status_code == 200
    assert not re.search(r"\sstyle=", response.content.decode())


def test_staff_pages_keep_inline_styles_for_the_django_admin(open_ronde):
    staff = Client()
    staff.force_login(get_user_model().objects.create_user("sup", is_staff=True, is_superuser=True))
    for path in ("/beheer/", "/beheer/registraties/registratie/", "/beheer/login/"):
        policy = directives(staff.get(path))
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"], path
        assert policy["script-src"] == ["'self'"], path
