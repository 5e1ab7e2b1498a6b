from __future__ import annotations

import pytest
from django.utils import translation

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import User
from gongzhi.accounts.services import role_grant
from gongzhi.api.tests.conftest import api, api_as  # noqa: F401  (the API tests' clients)
from gongzhi.fund import services
from gongzhi.fund.models import Fund
from gongzhi.places.models import Place


@pytest.fixture(autouse=True)
def english():
    """The services' messages in English, as these tests read them (pages pick their own)."""
    with translation.override("en"):
        yield


@pytest.fixture
def courtyard(xinqiao: Place) -> Place:
    return Place.objects.get(parent=xinqiao, name="中加水岸小区")


@pytest.fixture
def building_head(courtyard: Place) -> User:
    """李娜, building head in 中加水岸小区 and, here, a member of its self-governance group, which
    spends the fund: she submits expenses."""
    lina = User.objects.get(username="lina")
    role_grant(
        actor=None, user=lina, role=Role.COURTYARD_MEMBER, place=courtyard, check_permission=False
    )
    return lina


@pytest.fixture
def official(demo: None) -> User:
    """吴强, official of 沙河源街道: a second approver."""
    return User.objects.get(username="wuqiang")


@pytest.fixture
def fund(worker: User, courtyard: Place) -> Fund:
    fund = services.fund_create(actor=worker, place=courtyard, name="测试基金")
    services.contribution_post(
        actor=worker,
        fund=fund,
        amount=100_000,
        source="residents",
        memo="认缴",
        counterparty="张伟",
    )
    return fund


def submitted(fund, submitter, amount=30_000, receipts=()):
    """An expense of `amount` fen (lights and labour) submitted by `submitter`."""
    expense = services.expense_create(
        actor=submitter,
        fund=fund,
        title="楼道灯更换",
        category="maintenance",
        payee="金牛区明亮电器维修部",
        items=[("LED 灯泡 20 个", amount - 5_000), ("人工", 5_000)],
        receipts=receipts,
    )
    return services.expense_submit(actor=submitter, expense=expense)
