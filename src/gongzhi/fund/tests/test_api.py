from __future__ import annotations

import io

import pytest
from PIL import Image

from gongzhi.api.tests.conftest import assert_error
from gongzhi.fund.models import Expense, Fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_fund(demo) -> Fund:
    return Fund.objects.get(name="中加水岸小区院落基金")


def test_it_lists_my_funds_in_a_fixed_number_of_queries(
    api_as,
    worker,
    demo_fund,
    django_assert_max_num_queries,
):
    client = api_as(worker)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/funds/").json()
    names = {fund["name"]: fund for fund in body}
    assert set(names) == {"中加水岸小区院落基金", "府河苑院落基金"}
    assert names["中加水岸小区院落基金"]["balance"] > 0
    assert names["中加水岸小区院落基金"]["pending"] == 1


def test_the_expense_flow_over_the_api(api_as, worker, building_head, official, demo_fund):
    created = api_as(building_head).post(
        f"/api/v1/funds/{demo_fund.pk}/expenses/",
        {
            "title": "院落大门维修",
            "category": "maintenance",
            "items": [{"description": "门轴", "amount": 600_000}],
            "submit": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    expense = created.json()
    assert expense["state"] == "submitted" and expense["total"] == 600_000
    url = f"/api/v1/expenses/{expense['id']}"
    # Four eyes: the submitter may not approve (403); ¥6,000 needs two approvers.
    assert_error(
        api_as(building_head).post(f"{url}/approve/", {}, format="json"), 403, "permission_denied"
    )
    assert api_as(worker).post(f"{url}/approve/", {}, format="json").json()["state"] == "submitted"
    assert_error(
        api_as(worker).post(f"{url}/approve/", {}, format="json"), 409, "invalid_transition"
    )
    assert api_as(official).post(f"{url}/approve/", {}, format="json").json()["state"] == "approved"
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, "PNG")
    out.seek(0)
    out.name = "r.png"
    receipt = api_as(worker).post(f"{url}/receipts/", {"file": out}, format="multipart")
    assert receipt.status_code == 409  # approved: receipts come before approval or after payment
    grant = api_as(worker).post(
        f"/api/v1/funds/{demo_fund.pk}/contributions/",
        {"amount": 1_000_000, "source": "grant", "memo": "街道专项补助", "into": "bank"},
        format="json",
    )
    assert grant.status_code == 201 and len(grant.json()["hash"]) == 64
    paid = api_as(worker).post(f"{url}/pay/", {}, format="json")
    assert paid.json()["state"] == "paid"


def test_api_errors(api, api_as, worker, outsider, demo_fund):
    assert_error(api.get("/api/v1/funds/"), 401, "not_authenticated")
    assert_error(api_as(outsider).get(f"/api/v1/funds/{demo_fund.pk}/"), 404, "not_found")
    pending = Expense.objects.get(fund=demo_fund, title="儿童游乐设施维护")
    body = assert_error(
        api_as(worker).post(
            f"/api/v1/expenses/{pending.pk}/reject/", {"reason": ""}, format="json"
        ),
        400,
        "invalid",
    )
    assert "reason" in body["fields"]
    assert_error(
        api_as(worker).post(
            f"/api/v1/funds/{demo_fund.pk}/contributions/",
            {"amount": 0, "source": "residents", "memo": "x"},
            format="json",
        ),
        400,
        "invalid",
    )


def test_paying_beyond_the_balance_is_a_400_with_a_clear_message(
    api_as, worker, building_head, demo_fund
):
    expense = (
        api_as(building_head)
        .post(
            f"/api/v1/funds/{demo_fund.pk}/expenses/",
            {
                "title": "大额支出",
                "items": [{"description": "x", "amount": 400_000}],
                "submit": True,
            },
            format="json",
        )
        .json()
    )
    demo_fund.second_approval_from = 10**9
    demo_fund.save(update_fields=["second_approval_from"])
    api_as(worker).post(f"/api/v1/expenses/{expense['id']}/approve/", {}, format="json")
    body = assert_error(
        api_as(worker).post(f"/api/v1/expenses/{expense['id']}/pay/", {}, format="json"),
        400,
        "invalid",
    )
    assert "negative" in body["message"] or "负" in body["message"]


def test_the_public_statement_needs_no_login_and_masks_residents(api, demo_fund):
    body = api.get(
        f"/api/v1/public/funds/{demo_fund.pk}/statement/",
        {"start": "2000-01-01", "end": "2100-01-01"},
    ).json()
    contributors = {item["contributor"] for item in body["contributions"]}
    assert "张*" in contributors and "张伟" not in contributors
    assert (
        body["closing"]
        == body["opening"]
        + body["income"]
        - body["spent"]
        + body["transfers_in"]
        - body["transfers_out"]
    )
    assert {e["title"] for e in body["expenses"]} >= {"楼道灯更换", "化粪池清掏"}
