"""The fund's four eyes in a real browser: the community worker submits an expense, the street
official approves it, and anyone reads it in the fund's public statement. Every page is checked
with axe-core (gongzhi.testing.browser). The expense is removed afterwards (it was never paid, so
the append-only ledger holds nothing of it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connections

from gongzhi.fund.choices import ExpenseState
from gongzhi.fund.models import Expense, Fund
from gongzhi.testing.browser import label, log_in, nav_link

pytestmark = pytest.mark.browser

TITLE = "单元楼道扶手加固"


@pytest.fixture
def english() -> None:
    """The page's language (the default, 简体中文) here, not the service tests' English."""


@pytest.fixture
def made_here(transactional_db: None) -> Iterator[None]:
    yield
    Expense.objects.filter(title=TITLE).delete()
    connections.close_all()


def test_an_expense_submitted_and_approved_by_another_shows_in_the_public_statement(
    visit, page, made_here
):
    fund = Fund.objects.get(name="中加水岸小区院落基金")
    log_in(visit, "liuyang")
    page = visit.follow(nav_link(page, label("Funds")))
    page = visit.follow(page.get_by_role("link", name=fund.name).first)
    page = visit.follow(page.get_by_role("link", name=label("New expense")))
    page.get_by_label(label("Title"), exact=True).fill(TITLE)
    page.get_by_label(label("Payee")).fill("金牛区安居五金店")
    page.get_by_label(label("Item %(n)d") % {"n": 1}, exact=True).fill("不锈钢扶手 6 米")
    page.get_by_label(label("Amount of item %(n)d (¥)") % {"n": 1}).fill("780.00")
    page = visit.follow(page.get_by_role("button", name=label("Save")))
    assert page.get_by_test_id("state").inner_text() == str(ExpenseState.SUBMITTED.label)
    # Four eyes: the submitter is offered no approval.
    assert page.get_by_role("button", name=label("Approve")).count() == 0
    expense_path = page.url

    page.context.clear_cookies()
    log_in(visit, "wuqiang")
    page = visit(expense_path)
    page = visit.follow(page.get_by_role("button", name=label("Approve")))
    assert page.get_by_test_id("state").inner_text() == str(ExpenseState.APPROVED.label)

    page.context.clear_cookies()
    page = visit(f"/funds/{fund.pk}/statement/")
    row = page.locator("#expenses tr", has_text=TITLE)
    assert row.count() == 1
    assert "780.00" in row.inner_text() and "吴*" in row.inner_text()
    assert "张伟" not in page.locator("main").inner_text()
