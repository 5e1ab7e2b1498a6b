"""The browser-test harness: Playwright (sync API) driving Debian's Chromium against the live server.

A pytest plugin, registered once for the whole run by the root conftest (`pytest_plugins`), and
the helpers the apps' browser tests import from here.

Fixtures:
    browser          Chromium, started once per session. Playwright's sync API keeps an event
                     loop running in the test thread while it is open, so a second instance in
                     the same thread cannot start: there is exactly one, here.
    page             a fresh context (no cookies, a desktop window, 简体中文) per test.
    visit            visit(path) navigates, visit.follow(locator) clicks through to a new page;
                     both fail the test on any serious or critical axe-core violation, so every
                     page a browser test sees is also an accessibility test.
    transactional_db for tests marked `browser`: the committed demo, not flushed afterwards.

The live server needs committed data (its threads use their own database connections), and the
demo takes seconds to load. Instead of pytest-django's flush-and-reload after every test,
browser tests share one committed copy of the demo (the same data the root conftest loads once
per session) and leave it as they found it: they only log in, read and switch languages, or
remove what they made.

Helpers: `assert_accessible`, `Visitor`, `log_in`, `label`, `nav_link`, `no_horizontal_scroll`,
`PHONE`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Impacts that fail a page; set AXE_PRINT_ALL=1 to see the "moderate" and "minor" ones too.
AXE_FAILING_IMPACTS = {"serious", "critical"}
# A small phone's screen.
PHONE = {"width": 360, "height": 740}


# Helpers ---------------------------------------------------------------------------------------


def label(text: Any, language: str = "zh-hans") -> str:
    """A msgid (or lazy label) as the page shows it, whether or not a catalog translates it yet."""
    with translation.override(language):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def axe_report(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: {node['html'][:200]}")
            for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
                lines.append(f"      * {check['message']}")
    return "\n".join(lines)


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page as it is now; fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    if os.environ.get("AXE_PRINT_ALL"):
        print(f"\n{page.url}:\n{axe_report(violations)}")
    failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
    assert not failing, f"axe-core on {page.url}:\n{axe_report(failing)}"


class Visitor:
    """Every page a browser test reaches goes through here and is checked with axe-core.

    visit("/path/") navigates; visit.follow(locator) clicks something that loads a new page
    (a link, a submit button) and waits for it. Both return the page after the check.
    """

    def __init__(self, page: Any) -> None:
        self.page = page

    def __call__(self, path: str) -> Any:
        response = self.page.goto(path)
        assert response is not None, f"GET {path}: no response"
        assert response.ok, f"GET {path}: {response.status}"
        assert_accessible(self.page)
        return self.page

    def follow(self, locator: Any) -> Any:
        with self.page.expect_navigation() as navigation:
            locator.click()
        response = navigation.value
        assert response is None or response.ok, f"{self.page.url}: {response.status}"
        assert_accessible(self.page)
        return self.page


def log_in(visit: Visitor, login: str) -> Any:
    """Log in through the form as a demo user (username or mobile number); returns the page."""
    from gongzhi.demo.data import DEMO_PASSWORD

    page = visit("/login/")
    page.get_by_label(label("Username or mobile number")).fill(login)
    page.get_by_label(label("Password"), exact=True).fill(DEMO_PASSWORD)
    return visit.follow(page.locator("main form button[type=submit]"))


def nav_link(page: Any, name: str) -> Any:
    """A link of the main navigation, its menu opened first (the links sit in <details> menus)."""
    nav = page.get_by_role("navigation", name=label("Main"))
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        # `has` looks inside each <details> (a locator from the page, not from the nav), and
        # must see links a closed menu hides.
        hidden = page.get_by_role("link", name=name, exact=True, include_hidden=True)
        menu = nav.locator("details").filter(has=hidden)
        menu.locator("summary").click()
    return link


def no_horizontal_scroll(page: Any) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a 360 px screen"


# Fixtures --------------------------------------------------------------------------------------


def _demo_present() -> bool:
    from gongzhi.accounts.models import User

    return User.objects.filter(username="admin").exists()


@pytest.fixture
def transactional_db(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """pytest-django's transactional_db, except in browser tests: committed, unflushed demo data.

    pytest-django's live_server asks for this fixture. A test marked `browser` gets the demo
    (loaded once, committed) and keeps it for the next browser test instead of emptying the
    database each time. Any other test gets pytest-django's own behaviour (its transactional_db
    is nothing but `_django_db_helper`, which flushes the database afterwards).
    """
    if request.node.get_closest_marker("browser") is None:
        request.getfixturevalue("_django_db_helper")
        yield
        return

    from django.db import connections

    from gongzhi.demo.loader import demo_load

    with django_db_blocker.unblock():
        if not _demo_present():
            demo_load()
        yield
        # The test's own connection would otherwise stay open, and PostgreSQL refuses to drop
        # a test database that someone is still connected to.
        connections.close_all()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Chromium for the whole run: the only Playwright instance (see the module's docstring)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's chromium, or run -m 'not browser'"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in the test thread, which trips Django's
    # async-unsafe check on every ORM call made from the test itself.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies, a desktop window) for each test."""
    # A browser in Chengdu asks for Chinese; LocaleMiddleware answers with 简体中文.
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def visit(page: Any) -> Visitor:
    return Visitor(page)
