"""The main navigation: which groups and links each person sees, the current section, and what
the bar costs in queries (gongzhi.web.navigation)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.models import User

pytestmark = pytest.mark.django_db

# Every signed-in page spends the session, the user, the user's grants and the unread badge; a
# user with no staff role is also asked for their handling units (the workbench link). The FAQ
# index adds one query for its communities. The bar adds nothing to these.
SUPERUSER_FAQ_QUERIES = 4 + 1
RESIDENT_FAQ_QUERIES = 4 + 1 + 1

EVERYONE = {"publicity:archive", "publicity:programme", "consultation:faq_index"}
SIGNED_IN = EVERYONE | {
    "consultation:mine",
    "fund:list",
    "duty:now",
    "duty:inbox",
    "duty:my_shifts",
    "web:notification_preferences",
}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def main_nav(html: str) -> str:
    match = re.search(r'<nav aria-label="[^"]*" class="main-nav">(.*?)</nav>', html, re.S)
    assert match, "no main navigation on the page"
    return match.group(1)


def nav_of(user: User | None, url: str | None = None) -> tuple[list[str], set[str], str]:
    """The groups (in order), the url names of the links, and the bar's HTML."""
    response = client_for(user).get(url or reverse("web:home"))
    assert response.status_code == 200
    nav = response.context["main_nav"]
    groups = [group.key for group in nav.groups]
    links = {link.url_name for group in nav.groups for link, _state in group.links}
    links |= {link.url_name for link, _state in nav.account}
    return groups, links, main_nav(response.content.decode())


def test_it_offers_anonymous_visitors_the_public_pages_and_the_log_in(client):
    groups, links, html = nav_of(None)

    assert groups == ["affairs"]
    assert links == EVERYONE
    assert reverse("web:login") in html
    assert reverse("web:notifications") not in html


def test_it_offers_a_resident_their_cases_the_public_affairs_and_duty(resident):
    groups, links, html = nav_of(resident)

    assert groups == ["cases", "affairs", "duty"]
    assert links == SIGNED_IN | {"cases:mine", "cases:report"}
    for staff_page in ("cases:workbench", "cases:dispatch", "web:people", "duty:volunteers"):
        assert reverse(staff_page) not in html
    assert reverse("web:notifications") in html  # the bell
    assert reverse("web:logout") in html  # in the account menu


def test_it_offers_a_community_worker_the_staff_pages_of_their_community(worker):
    groups, links, _html = nav_of(worker)

    assert groups == ["cases", "affairs", "duty", "data"]
    assert links == SIGNED_IN | {
        "cases:register",
        "cases:workbench",
        "cases:dispatch",
        "consultation:staff",
        "duty:rosters",
        "duty:volunteers",
        "dashboard:index",
        "analytics:participation-index",
        "web:people",
    }


def test_it_offers_a_handler_their_units_workbench_and_dashboard(handler):
    groups, links, _html = nav_of(handler)

    assert groups == ["cases", "affairs", "duty", "data"]
    assert links == SIGNED_IN | {"cases:workbench", "dashboard:index"}


def test_it_offers_a_superuser_every_page(admin_user):
    groups, links, html = nav_of(admin_user)

    assert groups == ["cases", "affairs", "duty", "data"]
    assert {
        "cases:workbench",
        "cases:dispatch",
        "cases:supervision",
        "cases:register",
        "consultation:staff",
        "duty:volunteers",
        "dashboard:index",
        "analytics:participation-index",
        "web:people",
        "web:audit_log",
        "admin:index",
    } <= links
    # Four menus, the bell and the account menu: a short bar, however many pages there are.
    assert html.count("<details") == 5


@pytest.mark.parametrize("actor", ["resident", "worker", "handler", "supervisor", "admin_user"])
def test_every_link_of_the_bar_opens_for_whoever_sees_it(request, actor):
    user = request.getfixturevalue(actor)
    client = client_for(user)
    nav = client.get(reverse("web:home")).context["main_nav"]
    links = [link for group in nav.groups for link, _state in group.links]

    for link in [*links, *(link for link, _state in nav.account)]:
        response = client.get(link.url, follow=True)
        assert response.status_code == 200, (
            f"{actor}: {link.url_name} answers {response.status_code}"
        )


def test_it_marks_the_current_page_and_its_group(handler):
    _groups, _links, html = nav_of(handler, reverse("cases:workbench"))

    assert f'<a href="{reverse("cases:workbench")}" aria-current="page">' in html
    cases_menu = re.search(r'data-group="cases">\s*<summary([^>]*)>', html)
    assert cases_menu and 'aria-current="true"' in cases_menu.group(1)
    affairs_menu = re.search(r'data-group="affairs">\s*<summary([^>]*)>', html)
    assert affairs_menu and "aria-current" not in affairs_menu.group(1)
    assert html.count("aria-current") == 2


def test_another_page_of_a_section_marks_its_link_as_the_section(resident):
    _groups, _links, html = nav_of(resident, reverse("publicity:mine"))

    assert f'<a href="{reverse("publicity:archive")}" aria-current="true">' in html
    assert 'aria-current="page"' not in html


def test_the_notification_page_marks_the_bell(resident):
    _groups, _links, html = nav_of(resident, reverse("web:notifications"))

    assert f'class="bell" href="{reverse("web:notifications")}" aria-current="page"' in html


def test_the_bar_costs_no_query_of_its_own(admin_user, resident, django_assert_num_queries):
    for user, budget in ((admin_user, SUPERUSER_FAQ_QUERIES), (resident, RESIDENT_FAQ_QUERIES)):
        client = client_for(user)
        client.get(reverse("consultation:faq_index"))  # the session is warm
        with django_assert_num_queries(budget):
            html = client.get(reverse("consultation:faq_index")).content.decode()
        assert reverse("fund:list") in main_nav(html)
