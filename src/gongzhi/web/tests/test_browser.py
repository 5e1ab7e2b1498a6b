"""The web shell in a real browser: log-in, home pages, people, languages, narrow screens.

Every page goes through `visit` (gongzhi.testing.browser), which fails on serious or critical axe-core
violations.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from gongzhi.accounts.choices import Role
from gongzhi.testing.browser import (
    PHONE,
    assert_accessible,
    label,
    log_in,
    nav_link,
    no_horizontal_scroll,
)

pytestmark = pytest.mark.browser

WORKER_MOBILE = "13900001004"  # 刘洋, community worker of 新桥社区


def html_lang(page: Any) -> str:
    return page.evaluate("document.documentElement.lang")


def test_anonymous_home_shows_the_communities(visit):
    page = visit("/")

    assert html_lang(page) == "zh-hans"
    communities = page.get_by_role("region", name=label("Communities on the platform"))
    assert communities.get_by_role("link", name="新桥社区").is_visible()
    assert page.get_by_role("link", name=label("Log in")).first.is_visible()


def test_resident_logs_in_with_username_and_sees_their_place(visit):
    page = log_in(visit, "zhangwei")

    assert urlsplit(page.url).path == "/"
    assert "张伟" in page.get_by_role("heading", level=1).inner_text()
    roles = page.get_by_role("region", name=label("Your roles"))
    row = roles.get_by_role("row").filter(has_text=label(Role.RESIDENT.label))
    assert "中加水岸小区 1栋" in row.inner_text()
    # Residents have no staff tools.
    assert page.get_by_role("link", name=label("People")).count() == 0


def test_worker_logs_in_with_mobile_number_and_opens_people(visit):
    page = log_in(visit, WORKER_MOBILE)

    assert "刘洋" in page.get_by_role("heading", level=1).inner_text()
    assert label("Community workbench") in page.locator("main").inner_text()
    roles = page.get_by_role("region", name=label("Your roles"))
    assert "新桥社区" in roles.inner_text()

    page = visit.follow(nav_link(page, label("People")))
    table = page.get_by_role("table")
    assert table.get_by_role("link", name="张伟").is_visible()
    assert "13900001001" in table.inner_text()  # the worker may call residents back
    assert "新桥社区" in table.inner_text()
    assert "黄敏" not in table.inner_text()  # 致强社区's resident

    page = visit.follow(table.get_by_role("link", name="张伟"))
    assert page.get_by_role("heading", level=1).inner_text() == "张伟"


def test_a_wrong_password_is_announced_next_to_the_fields(visit):
    page = visit("/login/")
    page.get_by_label(label("Username or mobile number")).fill("zhangwei")
    page.get_by_label(label("Password"), exact=True).fill("not-the-password-1A")

    page = visit.follow(page.locator("main form button[type=submit]"))
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    password = page.get_by_label(label("Password"), exact=True)
    assert password.get_attribute("aria-invalid") == "true"
    assert password.get_attribute("aria-describedby") == alert.get_attribute("id")


def test_language_switch_changes_the_page_language_and_back(visit):
    page = visit("/")
    heading = page.get_by_role("heading", level=1).inner_text()
    switch = page.get_by_role("form", name=label("Language"))

    page = visit.follow(switch.get_by_role("button", name="English"))
    assert html_lang(page) == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Community co-governance"
    switch = page.get_by_role("form", name="Language")
    assert switch.get_by_role("button", name="English").get_attribute("aria-current") == "true"

    page = visit.follow(switch.get_by_role("button", name="繁體中文"))
    assert html_lang(page) == "zh-hant"
    assert page.get_by_role("heading", level=1).inner_text() == label(
        "Community co-governance", "zh-hant"
    )

    switch = page.get_by_role("form", name=label("Language", "zh-hant"))
    page = visit.follow(switch.get_by_role("button", name="简体中文"))
    assert html_lang(page) == "zh-hans"
    assert page.get_by_role("heading", level=1).inner_text() == heading


@pytest.mark.parametrize(
    ("login", "path"),
    [
        (None, "/"),
        ("zhangwei", "/"),
        (WORKER_MOBILE, "/"),
        (WORKER_MOBILE, "/people/"),
        ("zhoumin", "/"),
        ("zhoumin", "/audit/"),
    ],
)
def test_pages_have_no_horizontal_scroll_on_a_360_px_screen(visit, page, login, path):
    page.set_viewport_size({"width": 360, "height": 740})
    if login:
        log_in(visit, login)
    visit(path)

    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{path} is {width} px wide on a 360 px screen"


def test_anonymous_visitor_opens_a_community_and_walks_up_the_breadcrumb(visit):
    page = visit("/")
    communities = page.get_by_role("region", name=label("Communities on the platform"))

    page = visit.follow(communities.get_by_role("link", name="新桥社区"))
    assert page.get_by_role("heading", level=1).inner_text() == "新桥社区"
    breadcrumb = page.get_by_role("navigation", name=label("Breadcrumb"))
    ancestors = breadcrumb.get_by_role("link").all_inner_texts()
    assert ancestors[-3:] == ["成都市", "金牛区", "沙河源街道"], ancestors
    assert page.get_by_role("link", name="中加水岸小区").is_visible()

    page = visit.follow(breadcrumb.get_by_role("link", name="沙河源街道"))
    assert page.get_by_role("heading", level=1).inner_text() == "沙河源街道"


def test_supervisor_sees_masked_phones_and_the_audit_log(visit):
    page = log_in(visit, "zhoumin")
    assert label("Supervision") in page.locator("main").inner_text()

    page = visit.follow(nav_link(page, label("People")))
    table = page.get_by_role("table").inner_text()
    assert "139****1001" in table
    assert "13900001001" not in table

    page = visit.follow(nav_link(page, label("Audit log")))
    assert page.get_by_role("heading", level=1).inner_text() == label("Audit log")
    assert page.get_by_role("table").get_by_role("row").count() > 1


def test_pages_are_accessible_in_dark_mode_too(visit, page):
    page.emulate_media(color_scheme="dark")
    visit("/")
    log_in(visit, WORKER_MOBILE)
    visit("/people/")


def test_the_accessibility_check_can_fail(page):
    page.set_content('<html><body><img src="data:,"><button></button></body></html>')
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


# The main navigation --------------------------------------------------------------------------


def open_menus_are_within_the_screen(page: Any) -> None:
    nav = page.get_by_role("navigation", name=label("Main"))
    for summary in nav.locator("details > summary").all():
        summary.click()
        assert summary.locator("xpath=..").get_attribute("open") is not None
        menu = summary.locator("xpath=../ul")
        box = menu.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        no_horizontal_scroll(page)
        summary.click()  # closes it again


@pytest.mark.parametrize("login", ["admin", "zhangwei", WORKER_MOBILE])
def test_the_bar_fits_a_360_px_screen_and_a_menu_leads_to_its_page(visit, page, login):
    page.set_viewport_size(PHONE)
    log_in(visit, login)
    no_horizontal_scroll(page)
    open_menus_are_within_the_screen(page)

    funds = nav_link(page, label("Funds"))
    assert funds.is_visible()
    assert_accessible(page)  # with a menu open
    page = visit.follow(funds)
    assert urlsplit(page.url).path == "/funds/"
    nav = page.get_by_role("navigation", name=label("Main"))
    # The menus are closed again on the new page; the current one says so on its button.
    funds = page.get_by_role("link", name=label("Funds"), exact=True, include_hidden=True)
    assert nav.locator("details").filter(has=funds).count() == 1
    assert nav.locator("a[aria-current=page]").text_content() == label("Funds")
    group = nav.locator("details").filter(has=funds)
    assert group.locator("summary").get_attribute("aria-current") == "true"
    no_horizontal_scroll(page)


def test_a_menu_opens_from_the_keyboard(visit, page):
    log_in(visit, "zhangwei")
    nav = page.get_by_role("navigation", name=label("Main"))
    my_cases = nav.get_by_role("link", name=label("My cases"), exact=True)
    assert not my_cases.is_visible()

    nav.locator("details > summary").first.focus()
    page.keyboard.press("Enter")
    assert my_cases.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == label("My cases")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/cases/"


def test_the_bar_works_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", java_script_enabled=False, viewport=PHONE
    )
    try:
        page = context.new_page()
        page.goto("/")
        nav = page.get_by_role("navigation", name=label("Main"))
        notices = nav.get_by_role("link", name=label("Notices"), exact=True)
        nav.locator("details > summary").first.click()
        assert notices.is_visible()
        notices.click()
        page.wait_for_url("**/publicity/")
        no_horizontal_scroll(page)
    finally:
        context.close()
