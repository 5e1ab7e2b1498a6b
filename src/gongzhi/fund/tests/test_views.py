from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.fund.choices import ExpenseState
from gongzhi.fund.models import Expense, Fund

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def demo_fund(demo) -> Fund:
    return Fund.objects.get(name="中加水岸小区院落基金")


def test_the_fund_list_shows_my_funds_with_balances_in_few_queries(
    client, worker, demo_fund, django_assert_max_num_queries
):
    client.force_login(worker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("fund:list"), **EN)
    body = response.content.decode()
    assert "中加水岸小区院落基金" in body and "府河苑院落基金" in body
    assert f'href="{reverse("fund:detail", args=[demo_fund.pk])}"' in body
    # 致强社区's fund is only in the public list, not among the worker's funds.
    zhiqiang = Fund.objects.get(name="濱海家園院落基金")
    assert f'href="{reverse("fund:detail", args=[zhiqiang.pk])}"' not in body


def test_the_fund_page_query_count_does_not_grow_with_entries(
    client, worker, demo_fund, django_assert_max_num_queries
):
    client.force_login(worker)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("fund:detail", args=[demo_fund.pk]), **EN)
    assert response.status_code == 200
    assert "楼道灯更换" in response.content.decode()


def test_a_treasurer_posts_a_contribution_in_yuan(client, worker, demo_fund):
    client.force_login(worker)
    response = client.post(
        reverse("fund:detail", args=[demo_fund.pk]),
        {
            "amount": "120.50",
            "source": "residents",
            "memo": "补缴",
            "counterparty": "王五",
            "into": "cash",
        },
        follow=True,
        **EN,
    )
    assert "Posted as entry" in response.content.decode()
    assert demo_fund.entries.order_by("-seq").first().lines.filter(amount=12_050).exists()


def test_outsiders_get_404_and_residents_403(client, outsider, resident, demo_fund):
    client.force_login(outsider)
    assert client.get(reverse("fund:detail", args=[demo_fund.pk])).status_code == 404
    client.force_login(resident)
    assert client.get(reverse("fund:detail", args=[demo_fund.pk])).status_code == 404
    response = client.post(
        reverse(
            "fund:expense_step", args=[Expense.objects.filter(fund=demo_fund).first().pk, "approve"]
        )
    )
    assert response.status_code == 404


def test_submit_approve_and_pay_through_the_pages(client, worker, building_head, demo_fund):
    client.force_login(building_head)
    response = client.post(
        reverse("fund:expense_new", args=[demo_fund.pk]),
        {
            "title": "单元门更换闭门器",
            "category": "maintenance",
            "item_1": "闭门器 4 个",
            "amount_1": "360",
            "submit_now": "1",
        },
        follow=True,
        **EN,
    )
    expense = Expense.objects.get(title="单元门更换闭门器")
    assert expense.state == ExpenseState.SUBMITTED
    assert "Approve" not in response.content.decode()  # four eyes: not for the submitter
    client.force_login(worker)
    client.post(reverse("fund:expense_step", args=[expense.pk, "approve"]), **EN)
    response = client.post(
        reverse("fund:expense_step", args=[expense.pk, "pay"]), follow=True, **EN
    )
    expense.refresh_from_db()
    assert expense.state == ExpenseState.PAID
    assert "Done" in response.content.decode()


def test_a_rejection_without_a_reason_is_a_message_not_a_500(client, worker, demo_fund):
    expense = Expense.objects.get(fund=demo_fund, title="儿童游乐设施维护")
    client.force_login(worker)
    response = client.post(
        reverse("fund:expense_step", args=[expense.pk, "reject"]), {"reason": ""}, follow=True, **EN
    )
    assert response.status_code == 200
    assert "needs a reason" in response.content.decode()
    expense.refresh_from_db()
    assert expense.state == ExpenseState.SUBMITTED


def test_the_public_statement_masks_contributors_and_exports(
    client, demo_fund, django_assert_max_num_queries
):
    url = reverse("fund:statement", args=[demo_fund.pk])
    with django_assert_max_num_queries(10):
        response = client.get(url, {"start": "2000-01-01", "end": "2100-01-01"}, **EN)
    body = response.content.decode()
    assert "化粪池清掏" in body and "张*" in body and "张伟" not in body
    assert "监控摄像头加装" not in body  # rejected: not in the statement
    xlsx = client.get(url, {"month": "2026-01", "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    pdf = client.get(url, {"format": "pdf"})
    assert pdf.content.startswith(b"%PDF-")
