"""The duty pages in a real browser, each checked with axe-core (gongzhi.testing.browser).

They only read the committed demo (rosters, the registry, a pending swap), so nothing needs
cleaning up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections

from gongzhi.duty.models import Roster
from gongzhi.testing.browser import label, log_in, nav_link

pytestmark = pytest.mark.browser


@pytest.fixture
def closing(transactional_db: None) -> Iterator[None]:
    yield
    connections.close_all()


def test_a_community_worker_sees_rosters_gaps_and_the_registry(visit, page, closing):
    log_in(visit, "liuyang")
    page = visit.follow(nav_link(page, label("Who is on duty")))
    page = visit.follow(page.get_by_role("link", name=label("Rosters")))
    assert "中加水岸小区院落值守" in page.locator("main").inner_text()
    roster = Roster.objects.get(name="中加水岸小区院落值守")
    page = visit(f"/duty/rosters/{roster.pk}/")
    assert page.get_by_role("button", name=label("Generate")).count() == 1
    page = visit("/duty/volunteers/")
    assert "金牛区税务局机关党支部" in page.locator("main").inner_text()


def test_a_building_head_sees_the_swap_asked_of_her_and_her_inbox(visit, page, closing):
    log_in(visit, "lina")
    page = visit("/duty/mine/")
    assert page.get_by_role("button", name=label("Accept")).count() >= 1
    visit("/duty/inbox/")
    visit("/duty/")
