"""A year of realistic cases for the demo: about 2,000, in every state, through the real services.

Each case is reported, routed, accepted, escalated, extended, returned, resolved, rated or left
open at moments spread over the past twelve months (the clock is set for each step), so the
timelines, deadlines, audit log, notifications and the three rates are what the platform would
have recorded. Deterministic: the same seed gives the same history.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from gongzhi.accounts.models import RoleGrant, User
from gongzhi.accounts.services import role_grant, user_create
from gongzhi.cases import services
from gongzhi.cases.choices import CaseState
from gongzhi.cases.models import Case, Category
from gongzhi.cases.questions import questions_for
from gongzhi.core import clock, request_context
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"

# category code → nature, [(title, description)] with {b} building, {n} a number, {y} the courtyard
TEMPLATES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "property.elevator": (
        "help",
        [
            (
                "{b}电梯停运",
                "{y}{b}{n}单元电梯从前天起停运，楼上有老人和孩子，上下楼很困难，请尽快维修。",
            ),
            ("{b}电梯异响", "{b}电梯运行时有很大的异响，还会突然停顿，大家都不敢坐，担心安全。"),
            ("电梯困人", "今天早上{b}{n}单元电梯困人二十分钟，物业很久才来，希望检查电梯安全。"),
        ],
    ),
    "property.leak": (
        "complaint",
        [
            ("楼道天花板渗水", "{y}{b}{n}楼楼道天花板一直渗水，墙面发霉脱落，下雨天更严重。"),
            ("楼上漏水到我家", "{b}楼上住户卫生间漏水，我家厨房顶上一直在滴水，沟通多次没有解决。"),
            ("地下车库积水", "{y}地下车库B区有积水，排水沟堵塞，车辆进出困难。"),
        ],
    ),
    "property.lighting": (
        "help",
        [
            ("楼道灯不亮", "{b}{n}单元楼道灯坏了一个多星期，晚上上下楼很黑，老人容易摔倒。"),
            ("小区路灯损坏", "{y}东门到{b}之间的路灯有三盏不亮，晚上出行不安全。"),
        ],
    ),
    "property.other": (
        "complaint",
        [
            ("物业服务不到位", "{y}公共区域长期无人打扫，绿化带杂草丛生，物业费照收。"),
            ("门禁系统故障", "{y}北门门禁坏了，外来人员随意进出，存在安全隐患。"),
        ],
    ),
    "environment.garbage": (
        "help",
        [
            (
                "垃圾未及时清运",
                "{y}{b}旁边的垃圾桶已经满了两天，没有清运，气味很大，招来很多蚊蝇。",
            ),
            ("建筑垃圾乱堆", "有住户装修的建筑垃圾堆在{b}楼下一周了，占用通道。"),
        ],
    ),
    "environment.noise": (
        "complaint",
        [
            ("夜间施工噪音", "{y}旁边工地每天晚上十一点以后还在施工，噪音很大，影响休息。"),
            ("广场舞噪音扰民", "{y}中心广场每晚广场舞音响开得很大，持续到晚上十点。"),
            ("商铺音响扰民", "小区门口商铺整天用大音响播放广告，住户不堪其扰。"),
        ],
    ),
    "environment.greening": (
        "suggestion",
        [
            ("建议修剪树木", "{b}前的大树枝叶已经伸到三楼窗户，挡光又招虫，建议修剪。"),
            ("绿地被占用种菜", "{y}公共绿地被个别住户开垦种菜，还浇粪水，气味难闻。"),
        ],
    ),
    "security": (
        "tip_off",
        [
            ("单元门口有可疑人员", "最近几天晚上{b}单元门口总有陌生人徘徊，住户很担心。"),
            ("电动车楼道充电", "{b}{n}单元有住户把电动车推进楼道充电，存在火灾隐患。"),
        ],
    ),
    "household": (
        "inquiry",
        [
            ("新生儿落户咨询", "孩子刚出生，想咨询在本社区落户需要准备哪些材料，去哪里办理。"),
            ("身份证补办咨询", "身份证丢失了，想咨询在金牛区补办需要多长时间，能否加急。"),
            ("居住证办理咨询", "外地来蓉工作，想了解居住证的办理条件和流程。"),
        ],
    ),
    "social_security": (
        "inquiry",
        [
            ("医保缴费咨询", "灵活就业人员医保如何缴费，能否在社区办理？"),
            ("养老金资格认证", "家里老人行动不便，养老金资格认证能否上门办理？"),
        ],
    ),
    "roads.damage": (
        "help",
        [
            ("小区门口路面塌陷", "{y}南门外人行道路面塌陷一个大坑，晚上很危险，已经有人摔倒。"),
            ("井盖破损", "{y}门口的井盖破损松动，车辆经过有很大响声，担心掉下去。"),
        ],
    ),
    "roads.parking": (
        "complaint",
        [
            ("消防通道被占用", "{y}消防通道长期停放私家车，万一发生火灾消防车进不来。"),
            ("共享单车乱停放", "小区门口共享单车堆满人行道，行人只能走机动车道。"),
        ],
    ),
    "neighbours": (
        "help",
        [
            ("邻居占用公共楼道", "{b}{n}楼邻居在公共楼道堆放杂物，多次沟通无果，希望社区调解。"),
            ("楼上住户噪音纠纷", "楼上住户经常深夜拖动家具，沟通后关系紧张，请社区协调。"),
        ],
    ),
    "construction": (
        "tip_off",
        [
            ("顶楼违规搭建", "{b}顶楼住户正在违规搭建彩钢棚，已经搭了一半。"),
            ("一楼私自扩建", "{b}一楼住户私自扩建院子，占用公共绿地。"),
        ],
    ),
    "care": (
        "help",
        [
            ("独居老人需要助餐", "{b}有位独居老人腿脚不便，希望社区提供助餐送餐服务。"),
            ("托育服务咨询", "想咨询社区有没有普惠托育服务，孩子两岁。"),
        ],
    ),
    "other": (
        "suggestion",
        [
            ("建议增设健身器材", "{y}老人多，建议在中心花园增设一些适合老人的健身器材。"),
            ("建议增设充电桩", "{y}电动车多，建议在北门增设集中充电桩，减少飞线充电。"),
        ],
    ),
}

WEIGHTS = {
    "property.elevator": 8,
    "property.leak": 10,
    "property.lighting": 6,
    "property.other": 6,
    "environment.garbage": 10,
    "environment.noise": 9,
    "environment.greening": 4,
    "security": 5,
    "household": 7,
    "social_security": 4,
    "roads.damage": 5,
    "roads.parking": 6,
    "neighbours": 6,
    "construction": 4,
    "care": 5,
    "other": 5,
}


def _residents(rng: random.Random, buildings: list[Place], count: int) -> list[tuple[User, Place]]:
    """Demo residents, verified to a building each (created once; reused on a second run)."""
    existing = list(
        RoleGrant.objects.filter(role="resident", user__username__startswith="resident")
        .select_related("user", "place")
        .order_by("user__username")
    )
    if len(existing) >= count:
        return [(g.user, g.place) for g in existing[:count]]
    people = []
    for i in range(count):
        building = buildings[i % len(buildings)]
        name = (
            rng.choice(SURNAMES)
            + rng.choice(GIVEN)
            + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        )
        user = user_create(
            actor=None,
            username=f"resident{i:04d}",
            password=None,
            name=name,
            phone=f"1370000{i:04d}",
        )
        role_grant(
            actor=None,
            user=user,
            role="resident",
            place=building,
            verified=True,
            check_permission=False,
        )
        people.append((user, building))
    # Registered before the history begins, so they count in both years' participation rates.
    RoleGrant.objects.filter(user__in=[u for u, _b in people]).update(
        granted_at=clock.now() - dt.timedelta(days=800)
    )
    return people


def _supervisor_of(place: Place) -> User | None:
    paths = [*place.ancestor_paths(), place.path]
    return (
        User.objects.filter(grants__role="supervisor", grants__place__path__in=paths)
        .order_by("pk")
        .first()
    )


def _member(unit: Any) -> User | None:
    return unit.members.filter(is_active=True).order_by("pk").first() if unit is not None else None


def demo_history_exists() -> bool:
    return Case.objects.filter(reporter__username__startswith="resident").exists()


# Residents registered on the platform, and the shares of them who reported in each year: the
# demo community's participation rises by half year on year, as the seed's did (+50 %).
RESIDENTS = 400
ACTIVE_THIS_YEAR, ACTIVE_LAST_YEAR = 0.6, 0.4


def history_size(count: int) -> int:
    """Cases made for `count` in the last twelve months: a third as many the year before."""
    return count + count // 3


def demo_history_load(
    *, count: int = 2000, seed: int = 2026, progress: Callable[[int], None] | None = None
) -> int:
    """Load `count` cases over the past year, and a third as many over the year before it,
    unless demo history exists already."""
    if demo_history_exists():
        return 0
    rng = random.Random(seed)
    now = clock.now()
    courtyards = list(Place.objects.filter(level=PlaceLevel.COURTYARD).order_by("path"))
    buildings = list(Place.objects.filter(level=PlaceLevel.BUILDING).order_by("path"))
    categories = {c.code: c for c in Category.objects.all()}
    agent, supervisor = User.objects.get(username="yangfan"), User.objects.get(username="zhoumin")
    codes = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in codes]
    made = 0
    with request_context.using(request_context.RequestContext(channel="web")):
        people = _residents(rng, buildings, RESIDENTS)
        rng.shuffle(people)
        years = (
            (count // 3, 365, people[: int(len(people) * ACTIVE_LAST_YEAR)]),
            (count, 0, people[: int(len(people) * ACTIVE_THIS_YEAR)]),
        )
        for cases, offset_days, active in years:
            for _ in range(cases):
                reporter, building = active[rng.randrange(len(active))]
                code = rng.choices(codes, weights)[0]
                nature, texts = TEMPLATES[code]
                title, description = rng.choice(texts)
                courtyard = next(
                    (c for c in courtyards if building.path.startswith(c.path)), building
                )
                fill = {"b": building.name, "n": rng.randint(1, 6), "y": courtyard.name}
                # Spread over the year, more recent cases a little more often.
                age_days = offset_days + 365 * (1 - rng.random() ** 0.8)
                start = now - dt.timedelta(days=age_days, minutes=rng.randint(0, 600))
                with transaction.atomic():
                    _one_case(
                        rng,
                        start,
                        now,
                        reporter,
                        building,
                        categories[code],
                        nature,
                        title.format(**fill),
                        description.format(**fill),
                        agent,
                        supervisor,
                    )
                made += 1
                if progress:
                    progress(1)
    return made


def _at(moment: dt.datetime, now: dt.datetime, step: Callable[[], Any]) -> Any:
    if moment >= now:
        return None
    with clock.frozen(moment):
        return step()


def _one_case(
    rng: random.Random,
    start: dt.datetime,
    now: dt.datetime,
    reporter: User,
    place: Place,
    category: Category,
    nature: str,
    title: str,
    description: str,
    agent: User,
    supervisor: User,
) -> None:
    urgency = "urgent" if rng.random() < 0.06 else "normal"
    with clock.frozen(start):
        case = services.case_report(
            actor=reporter,
            channel="web",
            category=category,
            nature=nature,
            title=title,
            description=description,
            place=place,
            urgency=urgency,
            answers=_answers(rng, category),
            reporter_may_be_named=rng.random() < 0.5,
        )
    t = start
    if case.state != CaseState.DISPATCHED:
        return
    # 5 %: returned by the unit and re-routed by the dispatcher.
    if rng.random() < 0.05:
        returner = _member(case.unit)
        t += dt.timedelta(hours=rng.uniform(1, 20))
        if returner is not None and _at(
            t,
            now,
            lambda: services.case_return(
                actor=returner, case=case, reason="wrong_duty", note="不属于本单位职责，请重新派单"
            ),
        ):
            dispatcher = User.objects.filter(
                grants__role="community_worker",
                grants__place__path__in=[*place.ancestor_paths(), place.path],
            ).first()
            t += dt.timedelta(hours=rng.uniform(1, 8))
            if dispatcher is None or not _at(
                t, now, lambda: services.case_dispatch(actor=dispatcher, case=case, note="重新派单")
            ):
                return
            case.refresh_from_db()
    # 8 %: the accept deadline passes and the sweep escalates it (once or twice).
    if rng.random() < 0.08:
        for _level in range(rng.choice([1, 1, 2])):
            case.refresh_from_db()
            if case.accept_due_at is None or case.accept_due_at >= now:
                return
            t = case.accept_due_at + dt.timedelta(minutes=5)
            _at(t, now, services.case_deadline_sweep)
        case.refresh_from_db()
    handler = _member(case.unit)
    if handler is None or case.state not in (CaseState.DISPATCHED, CaseState.ESCALATED):
        return
    t += dt.timedelta(hours=rng.uniform(0.2, 30))
    if not _at(t, now, lambda: services.case_accept(actor=handler, case=case)):
        return
    t += dt.timedelta(hours=rng.uniform(0.5, 10))
    if not _at(
        t, now, lambda: services.case_start(actor=handler, case=case, note="已安排人员处理")
    ):
        return
    case.refresh_from_db()
    due = case.resolve_due_at
    if rng.random() < 0.05 and due is not None and t + dt.timedelta(hours=1) < due:
        request = _at(
            t + dt.timedelta(hours=1),
            now,
            lambda: services.case_extension_request(
                actor=handler,
                case=case,
                reason="需要协调相关部门，申请延期",
                new_due_at=due + dt.timedelta(days=5),
            ),
        )
        decider = _supervisor_of(place)
        if request is not None and decider is not None:
            _at(
                t + dt.timedelta(hours=5),
                now,
                lambda: services.case_extension_decide(
                    actor=decider, request=request, grant=True, note="同意延期"
                ),
            )
    t += dt.timedelta(hours=rng.uniform(2, 24 * 6))
    if not _at(
        t,
        now,
        lambda: services.case_resolve(actor=handler, case=case, resolution=_resolution(category)),
    ):
        return
    # Follow-up: most residents rate within a few days; some never answer.
    roll = rng.random()
    t += dt.timedelta(hours=rng.uniform(2, 72))
    if roll < 0.12:
        _at(t + dt.timedelta(days=8), now, services.case_close_unanswered)
        return
    agent_paths = [g.place.path for g in agent.grants.all()]
    phone_follow_up = rng.random() < 0.3 and any(place.path.startswith(p) for p in agent_paths)
    rater, by_phone = (
        (agent, True) if phone_follow_up or case.reporter is None else (case.reporter, False)
    )
    if roll < 0.72:
        rating, solved, reason = "satisfied", True, ""
    elif roll < 0.90:
        rating, solved, reason = "mostly_satisfied", True, ""
    else:
        rating, solved, reason = (
            "dissatisfied",
            rng.random() < 0.3,
            rng.choice(["not_solved", "slow", "attitude", "beyond_duty"]),
        )
    _at(
        t,
        now,
        lambda: services.case_follow_up(
            actor=rater,
            case=case,
            solved=solved,
            rating=rating,
            reason=reason,
            by_phone=by_phone,
            comment="",
        ),
    )


def _answers(rng: random.Random, category: Category) -> dict[str, Any]:
    """Plausible answers to the category's list and number questions (required ones always)."""
    answers: dict[str, Any] = {}
    for question in questions_for(category):
        if not question.required and rng.random() < 0.5:
            continue
        keys = [c["key"] for c in question.choices]
        if question.datatype == "singlevaluelist":
            answers[question.code] = rng.choice(keys)
        elif question.datatype == "multivaluelist":
            answers[question.code] = rng.sample(keys, rng.randint(1, len(keys)))
        elif question.datatype == "number":
            answers[question.code] = rng.randint(1, 6)
    return answers


RESOLUTIONS = {
    "property": "物业已安排维修人员上门处理，问题已解决。",
    "environment": "已通知环卫所和相关单位处理，现场已清理整治。",
    "security": "已联系社区民警加强巡逻，并对隐患进行了整改。",
    "household": "已电话答复办理所需材料和地点。",
    "social_security": "已答复相关政策和办理流程。",
    "roads": "已通知执法及养护单位处理，现场已整改。",
    "neighbours": "社区已组织双方调解，达成一致意见。",
    "construction": "执法人员已到现场，责令停止违建并限期拆除。",
    "care": "已纳入社区助老服务名单，安排志愿者上门。",
    "other": "建议已收悉，已纳入社区微更新项目统筹考虑。",
}


def _resolution(category: Category) -> str:
    root = category.parent.code if category.parent is not None else category.code
    return RESOLUTIONS.get(root, "已处理完毕。")
