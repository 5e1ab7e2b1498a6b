"""Demo consultation: residents' questions in each demo community, made through the real services
at past moments — some answered and published to the community's FAQ, some passed to the
community worker after nobody answered, some turned into cases, one just asked. Idempotent: it
adds nothing when questions exist already."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import User
from gongzhi.accounts.services import role_grant, user_create
from gongzhi.cases.models import Category
from gongzhi.consultation import services
from gongzhi.consultation.models import Question
from gongzhi.core import clock
from gongzhi.places.models import Place

from . import data

# Residents who ask in the communities where the demo has none (username, name, phone, place).
ASKERS = [
    ("zhouyan", "周燕", "13900001031", "510114004019/正因花园/1栋"),
    ("liqiang", "李强", "13900001032", "510107064004/藍光御府花都/2栋"),
    ("chenxia", "陈霞", "13900001033", "510106041004/府河苑/1栋"),
]


@dataclass
class Demo:
    asker: str
    place: str  # community code, or code/courtyard[/building]
    title: str
    body: str
    days_ago: float
    # (responder username or "" for the asker, text, days after asking)
    thread: list[tuple[str, str, float]] = field(default_factory=list)
    answered: bool = False  # the asker marks it answered
    publish_by: str = ""  # staff who publish it to the FAQ
    escalate: bool = False  # nobody answered in time: the sweep passes it on
    convert: tuple[str, str, str] | None = None  # staff, category code, nature


QUESTIONS = [
    Demo(
        "zhangwei",
        "510106041004/中加水岸小区",
        "门禁卡丢了怎么补办？",
        "上周把门禁卡弄丢了，请问在哪里补办，需要带什么材料？",
        20,
        [
            (
                "wangfang",
                "带身份证和房产证（租户带租赁合同）到物业服务中心补办，工本费20元，当天可取。",
                0.1,
            )
        ],
        answered=True,
        publish_by="liuyang",
    ),
    Demo(
        "zhangwei",
        "510106041004",
        "社区有老年人助餐点吗？",
        "家里老人70多岁，中午做饭不方便，社区有没有助餐的地方？",
        15,
        [
            (
                "liuyang",
                "社区养老服务中心每天11:00至12:30供应午餐，60岁以上老人凭老年卡可享优惠，行动不便的可预约送餐。",
                0.3,
            ),
            ("", "送餐需要提前多久预约？", 0.5),
            ("liuyang", "提前一天下午5点前电话预约即可。", 0.6),
        ],
        answered=True,
        publish_by="liuyang",
    ),
    Demo(
        "zhangwei",
        "510106041004/中加水岸小区",
        "电动车可以在楼道里充电吗？",
        "看到有邻居把电动车推进楼道充电，这样可以吗？",
        9,
        [
            (
                "wangfang",
                "不可以。楼道充电有火灾隐患，小区北门车棚有智能充电桩，扫码充电，每小时0.5元。",
                0.2,
            )
        ],
        answered=True,
        publish_by="liuyang",
    ),
    Demo(
        "zhangwei",
        "510106041004/中加水岸小区/1栋",
        "1栋3单元楼道灯坏了一周",
        "1栋3单元2楼到5楼的楼道灯都不亮，晚上上下楼很危险。",
        6,
        [("wangfang", "已经记下，这个需要物业维修，我请社区转成诉求办理。", 0.1)],
        convert=("liuyang", "property.lighting", "help"),
    ),
    Demo(
        "chenxia",
        "510106041004/府河苑",
        "府河苑垃圾分类投放时间是几点？",
        "新搬来府河苑，不清楚垃圾分类定时投放的时间。",
        4,
        escalate=True,
    ),
    Demo(
        "zhangwei",
        "510106041004",
        "周末社区有亲子活动吗？",
        "想带孩子参加社区活动，这周末有安排吗？",
        0.05,
    ),
    Demo(
        "huangmin",
        "510108015017/濱海家園",
        "濱海家園的停車位怎麼申請？",
        "新住戶，想申請小區的固定停車位，要準備什麼資料？",
        18,
        [
            (
                "chenjing",
                "带行驶证、身份证和购房合同到物业服务中心登记，按登记顺序排号，目前约需等待两个月。",
                0.2,
            )
        ],
        answered=True,
        publish_by="chenjing",
    ),
    Demo(
        "huangmin",
        "510108015017/濱海家園",
        "二次供水水箱多久清洗一次？",
        "最近自来水有点发黄，想问小区水箱多久清洗一次。",
        7,
        [
            (
                "chenjing",
                "水箱每半年清洗消毒一次，上次是5月。水发黄的情况我们已联系物业检测水质。",
                2,
            )
        ],
        escalate=True,
    ),
    Demo(
        "huangmin",
        "510108015017/濱海家園/B栋",
        "B栋电梯运行时有异响",
        "B栋2号电梯上下时有明显的摩擦声，担心安全。",
        3,
        convert=("chenjing", "property.elevator", "complaint"),
    ),
    Demo(
        "zhouyan",
        "510114004019",
        "社区居民议事会什么时候开？",
        "想就小区停车问题在议事会上提个建议，议事会一般什么时候开？",
        12,
        [
            (
                "guohua",
                "居民议事会每月15日晚7点在社区党群服务中心召开，提前3天到社区登记议题即可。",
                0.5,
            )
        ],
        answered=True,
        publish_by="guohua",
    ),
    Demo(
        "zhouyan",
        "510114004019/正因花园",
        "正因花园的快递柜坏了",
        "小区门口的快递柜屏幕黑了两天，取不了件。",
        3,
        escalate=True,
    ),
    Demo(
        "liqiang",
        "510107064004/藍光御府花都",
        "小区可以申请加装充电桩吗？",
        "想在自己的固定车位上装充电桩，需要走什么流程？",
        10,
        [("fengyan", "先向物业申请并取得同意书，再向供电公司报装，社区可以帮忙协调。", 1)],
        answered=True,
        publish_by="fengyan",
    ),
]


def _place(path: str) -> Place:
    code, *names = path.split("/")
    place = Place.objects.get(code=code)
    for name in names:
        place = Place.objects.get(parent=place, name=name)
    return place


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _at(moment: dt.datetime, then: Callable[[], Any]) -> Any:
    with clock.frozen(moment):
        return then()


def _askers(admin: User) -> None:
    for username, name, phone, path in ASKERS:
        if User.objects.filter(username=username).exists():
            continue
        user = user_create(
            actor=admin, username=username, password=data.DEMO_PASSWORD, name=name, phone=phone
        )
        role_grant(actor=admin, user=user, role=Role.RESIDENT, place=_place(path), verified=True)


def _play(demo: Demo, now: dt.datetime) -> None:
    asked = now - dt.timedelta(days=demo.days_ago)
    asker = _user(demo.asker)
    question: Question = _at(
        asked,
        lambda: services.question_ask(
            actor=asker, place=_place(demo.place), title=demo.title, body=demo.body
        ),
    )
    if demo.escalate:
        _at(question.escalate_due_at + dt.timedelta(minutes=5), services.question_escalate_sweep)
    last = asked
    for username, text, after in demo.thread:
        last = asked + dt.timedelta(days=after)
        if demo.escalate:
            last = max(last, question.escalate_due_at + dt.timedelta(hours=1))
        author = _user(username) if username else asker
        with clock.frozen(last):
            services.question_reply(actor=author, question=question, body=text)
    last += dt.timedelta(hours=2)
    if demo.answered:
        _at(last, lambda: services.question_mark_answered(actor=asker, question=question))
    if demo.publish_by:
        staff = _user(demo.publish_by)
        _at(
            last + dt.timedelta(hours=1),
            lambda: services.faq_publish(actor=staff, question=question),
        )
    if demo.convert:
        username, category, nature = demo.convert
        staff = _user(username)
        _at(
            last + dt.timedelta(hours=1),
            lambda: services.question_convert(
                actor=staff,
                question=question,
                category=Category.objects.get(code=category),
                nature=nature,
            ),
        )


def demo_consultation_load() -> int:
    """Make the demo questions unless there are questions already; returns how many."""
    if Question.objects.exists():
        return 0
    _askers(_user("admin"))
    now = clock.now()
    for demo in QUESTIONS:
        _play(demo, now)
    return len(QUESTIONS)
