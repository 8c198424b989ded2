"""A real Chromium (system package, never downloaded) shared by the browser tests."""
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.test import Client

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RecordingPage:
    """A page in a fresh context that records the host of every request it makes."""

    def __init__(self, browser, **context_options):
        self.context = browser.new_context(locale="nl-BE", **context_options)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.hosts: set[str] = set()
        self.page.on("request", lambda request: self.hosts.add(urlparse(request.url).hostname))

    def close(self):
        self.context.close()


@pytest.fixture
def recording(browser):
    pages = []

    def open_page(**context_options) -> RecordingPage:
        recorded = RecordingPage(browser, **context_options)
        pages.append(recorded)
        return recorded

    yield open_page
    for recorded in pages:
        recorded.close()


@pytest.fixture
def page(recording):
    return recording().page


@pytest.fixture
def signed_in(recording, live_server):
    """``signed_in(user)``: a page in a fresh browser context that carries a staff session
    made by Django's own test client (no login form, no second factor)."""

    def open_page(user):
        client = Client()
        client.force_login(user)
        recorded = recording()
        recorded.context.add_cookies([{
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": live_server.url}])
        return recorded.page

    return open_page
