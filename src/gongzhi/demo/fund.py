"""Demo courtyard funds: a year of contributions and expenses for three courtyards, with some
expenses waiting for approval and one rejected. Idempotent: a fund that exists is left alone."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from PIL import Image

from gongzhi.accounts.models import User
from gongzhi.core import clock
from gongzhi.fund import services
from gongzhi.fund.models import Fund
from gongzhi.places.models import Place

# (community code, courtyard, fund name, a busy courtyard or a small one)
FUNDS = [
    ("510106041004", "中加水岸小区", "中加水岸小区院落基金", True),
    ("510106041004", "府河苑", "府河苑院落基金", False),
    ("510108015017", "濱海家園", "濱海家園院落基金", True),
]
# Who pays in each month (residents of the courtyard, by household), and how much (fen).
RESIDENTS = ["张伟", "王建国", "李秀英", "赵德明", "刘桂兰", "陈志强", "杨丽华", "黄永福"]
# title, category, payee, items, months ago
EXPENSES = [
    (
        "化粪池清掏",
        "sanitation",
        "金牛区洁净环卫服务队",
        [("清掏 2 座", 160_000), ("运输", 40_000)],
        5,
    ),
    (
        "楼道灯更换",
        "maintenance",
        "金牛区明亮电器维修部",
        [("LED 感应灯 24 盏", 86_400), ("安装人工", 20_000)],
        4,
    ),
    (
        "单元门禁维修",
        "maintenance",
        "蓉城智能门禁服务部",
        [("门禁主板", 46_000), ("人工", 12_000)],
        3,
    ),
    ("雨污管道疏通", "sanitation", "金牛区洁净环卫服务队", [("疏通 3 处", 90_000)], 2),
    ("重阳节敬老活动", "activities", "", [("慰问品 35 份", 52_500), ("场地布置", 8_000)], 1),
    (
        "院落绿化补植",
        "greening",
        "成都绿荫园林工程有限公司",
        [("红叶石楠 20 株", 36_000), ("有机肥", 8_000), ("人工", 12_000)],
        1,
    ),
]
# Five months of history: the audit log keeps every row at least 180 days, and the demo's rows
# stay within that (the audit tests purge only what they backdate themselves).
MONTHS = 5


def _at(months_ago: int, day: int) -> dt.datetime:
    """A morning about `months_ago` × 30 days ago, `day` days into that stretch (never ahead)."""
    today = dt.datetime.combine(clock.today(), dt.time(9, 30), tzinfo=clock.SHANGHAI)
    at = today - dt.timedelta(days=30 * months_ago) + dt.timedelta(days=day - 1)
    return min(at, clock.now())


def _receipt_photo(title: str) -> io.BytesIO:
    """A stand-in for a photographed invoice (a plain image; receipts are checked by content)."""
    out = io.BytesIO()
    Image.new("RGB", (120, 160), (246, 242, 230)).save(out, "PNG")
    out.seek(0)
    out.name = f"{title}.png"
    return out


def _pay_expense(
    fund: Fund, row: tuple[Any, ...], submitter: User, approvers: list[User], treasurer: User
) -> None:
    title, category, payee, items, months_ago = row
    with clock.frozen(_at(months_ago, 5)):
        expense = services.expense_create(
            actor=submitter,
            fund=fund,
            title=title,
            category=category,
            payee=payee,
            items=items,
            receipts=[_receipt_photo(title)],
        )
        expense = services.expense_submit(actor=submitter, expense=expense)
    with clock.frozen(_at(months_ago, 8)):
        for approver in approvers:
            if expense.state == "submitted":
                expense = services.expense_approve(actor=approver, expense=expense)
    with clock.frozen(_at(months_ago, 12)):
        services.expense_pay(actor=treasurer, expense=expense)


def _load_fund(
    place: Place, name: str, rich: bool, treasurer: User, submitter: User, approvers: list[User]
) -> None:
    with clock.frozen(_at(MONTHS, 1)):
        fund = services.fund_create(
            actor=treasurer,
            place=place,
            name=name,
            description="院落自治小组管理，收支每月公示。",
        )
    households = RESIDENTS if rich else RESIDENTS[:4]
    expenses = EXPENSES if rich else [EXPENSES[3], EXPENSES[5]]
    for months_ago in range(MONTHS, 0, -1):
        for index, person in enumerate(households):
            with clock.frozen(_at(months_ago, 3 + index)):
                services.contribution_post(
                    actor=treasurer,
                    fund=fund,
                    amount=5_000,
                    source="residents",
                    memo="院落公共事务认缴",
                    counterparty=person,
                )
        if months_ago % 2 == 1:
            with clock.frozen(_at(months_ago, 20)):
                services.contribution_post(
                    actor=treasurer,
                    fund=fund,
                    amount=60_000 if rich else 30_000,
                    source="property_company",
                    memo="物业公司公共收益分成",
                    counterparty=f"{place.name}物业服务中心",
                    into="bank",
                )
        if months_ago == MONTHS:
            with clock.frozen(_at(MONTHS, 15)):
                services.contribution_post(
                    actor=treasurer,
                    fund=fund,
                    amount=300_000 if rich else 80_000,
                    source="grant",
                    memo="社区保障激励资金",
                    counterparty="街道办事处",
                    into="bank",
                )
        for row in expenses:
            if row[-1] == months_ago:
                _pay_expense(fund, row, submitter, approvers, treasurer)
    # Waiting for approval, and one rejected with its reason.
    with clock.frozen(_at(0, 1)):
        pending = services.expense_create(
            actor=submitter,
            fund=fund,
            title="儿童游乐设施维护",
            category="maintenance",
            payee="成都童趣游乐设备有限公司",
            items=[("滑梯护栏更换", 38_000), ("地垫", 22_000)],
        )
        services.expense_submit(actor=submitter, expense=pending)
        services.expense_create(
            actor=submitter,
            fund=fund,
            title="宣传栏更新",
            category="activities",
            items=[("展板制作", 9_800)],
        )
        rejected = services.expense_create(
            actor=submitter,
            fund=fund,
            title="监控摄像头加装",
            category="maintenance",
            payee="蓉安科技",
            items=[("摄像头 6 个", 180_000)],
        )
        services.expense_submit(actor=submitter, expense=rejected)
        services.expense_reject(
            actor=approvers[0],
            expense=rejected,
            reason="报价明显高于市场价，请再比价两家后重新提交，并先征求楼栋长意见。",
        )


def load_funds(admin: User) -> None:
    names = ["liuyang", "wuqiang", "chenjing", "hanmei"]
    people = {u.username: u for u in User.objects.filter(username__in=names)}
    for code, courtyard_name, fund_name, rich in FUNDS:
        place = Place.objects.get(parent__code=code, name=courtyard_name)
        if Fund.objects.filter(place=place, name=fund_name).exists():
            continue
        if code == "510106041004":
            # The community worker keeps the books and asks; the street official approves.
            treasurer, submitter = people["liuyang"], people["liuyang"]
            approvers = [people["wuqiang"]]
        else:
            treasurer, submitter = people["chenjing"], people["chenjing"]
            approvers = [people["hanmei"]]
        _load_fund(place, fund_name, rich, treasurer, submitter, approvers)
