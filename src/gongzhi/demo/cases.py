"""A few cases in every state for the demo, made through the real services at past moments so
their timelines, deadlines, audit entries and notifications are what the platform would have
recorded. Loaded by `gongzhi demo` once (not by the test fixtures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction

from gongzhi.accounts.models import User
from gongzhi.cases import services
from gongzhi.cases.models import Case, Category
from gongzhi.core import clock, request_context
from gongzhi.places.models import Place


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _place(community_code: str, *names: str) -> Place:
    place = Place.objects.get(code=community_code)
    for name in names:
        place = Place.objects.get(parent=place, name=name)
    return place


def _at(days_ago: float, then: Callable[[], Any]) -> Any:
    moment = clock.now() - dt.timedelta(days=days_ago)
    with clock.frozen(moment):
        return then()


def demo_cases_load() -> int:
    """Create the demo cases unless there are cases already; returns how many were made."""
    if Case.objects.exists():
        return 0
    resident, other = _user("zhangwei"), _user("huangmin")
    handler, worker, agent, supervisor = (
        _user("wuyong"),
        _user("liuyang"),
        _user("yangfan"),
        _user("zhoumin"),
    )
    building = _place("510106041004", "中加水岸小区", "1栋")
    building2 = _place("510106041004", "中加水岸小区", "2栋")
    fuheyuan = _place("510106041004", "府河苑")
    binhai = _place("510108015017", "濱海家園", "A栋")

    def report(
        actor: User,
        code: str,
        nature: str,
        title: str,
        description: str,
        place: Place,
        **extra: Any,
    ) -> Case:
        return services.case_report(
            actor=actor,
            channel=extra.pop("channel", "web"),
            category=Category.objects.get(code=code),
            nature=nature,
            title=title,
            description=description,
            place=place,
            **extra,
        )

    made = []
    with request_context.using(request_context.RequestContext(channel="web")), transaction.atomic():
        # Resolved: a lift out of order, handled by the property company.
        lift = _at(
            6,
            lambda: report(
                resident,
                "property.elevator",
                "help",
                "1栋2单元电梯停运",
                "1栋2单元电梯从周一起停运，楼上有行动不便的老人，请尽快维修。",
                building,
                answers={},
                reporter_may_be_named=True,
            ),
        )
        _at(5.9, lambda: services.case_accept(actor=handler, case=lift))
        _at(5.5, lambda: services.case_start(actor=handler, case=lift, note="已通知电梯维保单位"))
        _at(
            4,
            lambda: services.case_resolve(
                actor=handler, case=lift, resolution="已更换控制板，电梯恢复运行，并完成安全检测。"
            ),
        )
        made.append(lift)
        # Waiting to be accepted: a leak in the stairwell.
        leak = _at(
            0.2,
            lambda: report(
                resident,
                "property.leak",
                "complaint",
                "楼道天花板渗水",
                "2栋3楼楼道天花板渗水，墙面发霉，联系电话13900001001。",
                building2,
            ),
        )
        made.append(leak)
        # In progress with the community: rubbish not collected.
        rubbish = _at(
            1,
            lambda: report(
                resident,
                "environment.garbage",
                "help",
                "府河苑垃圾两天未清运",
                "府河苑东门垃圾桶已满两天，气味很大。",
                fuheyuan,
                answers={"kinds": ["rubbish", "smell"]},
            ),
        )
        _at(0.9, lambda: services.case_accept(actor=worker, case=rubbish))
        _at(0.8, lambda: services.case_start(actor=worker, case=rubbish, note="已联系环卫所"))
        made.append(rubbish)
        # Registered by an agent for a walk-in resident.
        care = _at(
            0.5,
            lambda: report(
                agent,
                "care",
                "help",
                "独居老人需要助餐服务",
                "王大爷82岁独居，腿脚不便，希望社区提供助餐送餐。",
                building,
                channel="agent",
                contact_name="王大爷",
                contact_phone="13900008888",
                contact_detail="王大爷，82岁，独居，下午在家；女儿王女士白天可接电话。",
                answers={"people": 1},
            ),
        )
        made.append(care)
        # Overdue and escalated by the deadline sweep: noise at night.
        noise = _at(
            9,
            lambda: report(
                resident,
                "environment.noise",
                "complaint",
                "夜间施工噪音扰民",
                "小区旁工地每晚十一点后仍在施工，影响休息。",
                building,
            ),
        )
        _at(0.01, lambda: services.case_deadline_sweep())
        made.append(noise)
        # Returned by the property company: wrong duty; waits in the dispatcher's console.
        parking = _at(
            2,
            lambda: report(
                resident,
                "property.other",
                "complaint",
                "消防通道被占用",
                "小区消防通道长期停放私家车。",
                building,
            ),
        )
        _at(
            1.9,
            lambda: services.case_return(
                actor=handler,
                case=parking,
                reason="wrong_duty",
                note="消防通道占用由综合执法部门处理",
            ),
        )
        made.append(parking)
        # Accepted, with an extension waiting for the supervisor, and a supervisor's note.
        pipe = _at(
            3,
            lambda: report(
                resident,
                "property.leak",
                "help",
                "地下车库水管爆裂",
                "地下车库B区水管爆裂，积水严重。",
                building,
                urgency="urgent",
            ),
        )
        _at(2.9, lambda: services.case_accept(actor=handler, case=pipe))
        pipe.refresh_from_db()
        _at(
            2.8,
            lambda: services.case_extension_request(
                actor=handler,
                case=pipe,
                reason="需要更换整段主管，等待供水公司停水窗口",
                new_due_at=(pipe.resolve_due_at or clock.now()) + dt.timedelta(days=7),
            ),
        )
        _at(
            1,
            lambda: services.case_supervise(
                actor=supervisor, case=leak, note="请物业今日内上门查看并答复"
            ),
        )
        made.append(pipe)
        # Another community: 致强社区.
        made.append(
            _at(
                1.5,
                lambda: report(
                    other,
                    "property",
                    "suggestion",
                    "建议增设电动车充电桩",
                    "濱海家園电动车多，建议在北门增设集中充电桩。",
                    binhai,
                ),
            )
        )
        # Household registration inquiry, answered.
        hukou = _at(
            3,
            lambda: report(
                resident,
                "household",
                "inquiry",
                "新生儿落户需要哪些材料",
                "孩子刚出生，想咨询在新桥社区落户需要准备什么材料。",
                building,
                answers={"document": "hukou"},
            ),
        )
        made.append(hukou)

    return len(made)
