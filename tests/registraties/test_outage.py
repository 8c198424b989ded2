"""The database is unreachable: a Dutch 503 with Retry-After, and recovery without a restart.

No mocks: the connection really points at a database that cannot be reached (SQLite: a file
in a folder that does not exist; PostgreSQL: a port where nothing listens), then back.
"""
import socket
from contextlib import contextmanager

import pytest
from django.db import connection

from tests.factories import form_data

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends


@contextmanager
def database_unreachable(tmp_path):
    """The default connection points at a database that cannot be reached, then is restored."""
    saved_settings = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        # Closing an in-memory test database would destroy it: keep the live handle aside.
        saved_handle = connection.connection
        connection.connection = None
        connection.settings_dict["NAME"] = str(tmp_path / "bestaat-niet" / "db.sqlite3")
    else:
        saved_handle = None
        connection.close()
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        if connection.vendor == "sqlite":
            if connection.connection is not None:
                connection.connection.close()
            connection.connection = saved_handle
        else:
            connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved_settings)


def assert_outage_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    html = response.content.decode()
    assert "Tijdelijk niet beschikbaar" in html
    assert "Er is niets verstuurd of bewaard." in html
    assert "Ga terug met de knop 'Vorige' van uw browser: zo houdt u wat u typte." in html
    assert "competentiechecks@esf-agentschap.be" in html
    assert '<html lang="nl">' in html


def test_visitors_get_a_dutch_503_while_the_database_is_down_and_the_portal_recovers(
        client, open_ronde, tmp_path):
    assert client.get("/interesse/").status_code == 200
    with database_unreachable(tmp_path):
        assert_outage_page(client.get("/interesse/"))
        assert_outage_page(client.post("/interesse/", form_data()))
        assert_outage_page(client.get("/"))
        assert_outage_page(client.post("/interesse/link-kwijt/",
                                       {"ondernemingsnummer": "0417497106",
                                        "contact_email": "an@fonds.be"}))
        health = client.get("/gezondheid/")
        assert health.status_code == 503
        assert health.content == b"database onbereikbaar"
    # The next request reconnects by itself: no restart.
    assert client.get("/gezondheid/").status_code == 200
    assert client.get("/interesse/").status_code == 200
    assert client.post("/interesse/", form_data()).status_code == 303


def test_a_staff_page_during_the_outage_is_the_same_calm_503(client, tmp_path):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_user("cor", password="x" * 16, is_staff=True,
                                                 is_superuser=True)
    client.force_login(staff)
    with database_unreachable(tmp_path):
        # The session and the user are looked up in the database: no page can be shown.
        assert_outage_page(client.get("/beheer/"))
    assert client.get("/beheer/").status_code == 200
