"""Duty demo: a roster for every demo courtyard and community for this month and the next,
staffed by fair rotation from building heads, courtyard members, volunteers and social-org
leads who log in with the demo password; the volunteer registry (党员下沉社区) with hours.

Made through the real services by each community's worker. Idempotent: a roster, a person or a
registry entry already there is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from gongzhi.accounts.models import User
from gongzhi.accounts.services import role_grant, user_create
from gongzhi.core import clock
from gongzhi.duty import services, volunteering
from gongzhi.duty.choices import DUTY_ROLES
from gongzhi.duty.models import Roster, SwapRequest, Volunteer
from gongzhi.places.models import Place

from . import data

if TYPE_CHECKING:
    from .loader import DemoAccount

COURTYARD_TIMES = [(dt.time(8), dt.time(14)), (dt.time(14), dt.time(21))]
COMMUNITY_TIMES = [(dt.time(9), dt.time(12)), (dt.time(13, 30), dt.time(17, 30))]

# community code → its community worker
WORKERS = {
    "510106041004": "liuyang",
    "510108015017": "chenjing",
    "510114004019": "guohua",
    "510107064004": "fengyan",
}

# username, name, phone, role, place ("code/courtyard[/building]" or the community code)
PEOPLE: list[tuple[str, str, str, str, str]] = [
    ("zhoujian", "周建", "13900002001", "courtyard_member", "510106041004/中加水岸小区"),
    ("liping", "李萍", "13900002002", "building_head", "510106041004/府河苑/1栋"),
    ("chenhao", "陈浩", "13900002003", "volunteer", "510106041004/府河苑"),
    ("wuxia", "吴霞", "13900002004", "courtyard_member", "510106041004/府河苑"),
    ("zhangmin", "张敏", "13900002005", "volunteer", "510106041004"),
    ("liuqiang", "刘强", "13900002006", "social_org_lead", "510106041004"),
    ("gaoyan", "高燕", "13900002007", "volunteer", "510106041004"),
    ("sunhong", "孙红", "13900002008", "building_head", "510108015017/濱海家園/A栋"),
    ("zhaoyu", "赵宇", "13900002009", "volunteer", "510108015017/濱海家園"),
    ("qianli", "钱丽", "13900002010", "courtyard_member", "510108015017/濱海家園"),
    ("zhouping", "周平", "13900002011", "building_head", "510108015017/致强小区/1栋"),
    ("wugang", "吴刚", "13900002012", "volunteer", "510108015017/致强小区"),
    ("zhengtao", "郑涛", "13900002013", "volunteer", "510108015017"),
    ("fenglei", "冯磊", "13900002014", "social_org_lead", "510108015017"),
    ("jiangli", "江丽", "13900002015", "building_head", "510114004019/正因花园/1栋"),
    ("hejun", "何军", "13900002016", "volunteer", "510114004019/正因花园"),
    ("luoping", "罗平", "13900002017", "volunteer", "510114004019"),
    ("tanghui", "唐慧", "13900002018", "building_head", "510107064004/藍光御府花都/1栋"),
    ("xuming", "徐明", "13900002019", "volunteer", "510107064004/藍光御府花都"),
    ("caixia", "蔡霞", "13900002020", "volunteer", "510107064004"),
]

# Rosters: place → its people in rotation order (the existing 李娜 and 王芳 included).
ROSTERS: list[tuple[str, list[str]]] = [
    ("510106041004/中加水岸小区", ["wangfang", "lina", "zhoujian"]),
    ("510106041004/府河苑", ["liping", "chenhao", "wuxia"]),
    ("510106041004", ["zhangmin", "gaoyan", "liuqiang"]),
    ("510108015017/濱海家園", ["sunhong", "zhaoyu", "qianli"]),
    ("510108015017/致强小区", ["zhouping", "wugang"]),
    ("510108015017", ["zhengtao", "fenglei"]),
    ("510114004019/正因花园", ["jiangli", "hejun"]),
    ("510114004019", ["luoping"]),
    ("510107064004/藍光御府花都", ["tanghui", "xuming"]),
    ("510107064004", ["caixia"]),
]

# The registry: username, community code, kind, organisation, skills, availability, weekdays
REGISTRY: list[tuple[str, str, str, str, str, str, list[int]]] = [
    (
        "wangfang",
        "510106041004",
        "volunteer",
        "",
        "急救证、老人陪护",
        "工作日上午",
        [1, 2, 3, 4, 5],
    ),
    (
        "zhangmin",
        "510106041004",
        "party_member",
        "金牛区税务局机关党支部",
        "税务咨询、政策宣讲",
        "周末全天",
        [6, 7],
    ),
    ("gaoyan", "510106041004", "volunteer", "", "文艺活动组织", "周二、周四下午", [2, 4]),
    (
        "liuqiang",
        "510106041004",
        "social_org",
        "成都市益邻社会工作服务中心",
        "社工个案、心理疏导",
        "工作日",
        [1, 2, 3, 4, 5],
    ),
    ("chenhao", "510106041004", "volunteer", "", "水电维修", "晚上和周末", [6, 7]),
    (
        "zhengtao",
        "510108015017",
        "party_member",
        "成华区住建交局第二党支部",
        "建筑安全巡查",
        "周六上午",
        [6],
    ),
    (
        "fenglei",
        "510108015017",
        "social_org",
        "青龙街道邻里互助协会",
        "活动策划",
        "工作日下午",
        [1, 3, 5],
    ),
    ("zhaoyu", "510108015017", "volunteer", "", "电脑维修、手机教学", "周末", [6, 7]),
    (
        "luoping",
        "510114004019",
        "party_member",
        "新都区教育局机关党支部",
        "课业辅导",
        "周三、周五晚上",
        [3, 5],
    ),
    ("caixia", "510107064004", "party_member", "高新区财金局党支部", "法律援助", "周日下午", [7]),
]

# Hours served in the last weeks: username, days ago, hours, activity, confirmed
HOURS: list[tuple[str, int, str, str, bool]] = [
    ("wangfang", 20, "3", "陪同独居老人就医", True),
    ("wangfang", 9, "2.5", "院落消防通道清理", True),
    ("zhangmin", 13, "4", "周末税务政策宣讲", True),
    ("zhangmin", 6, "3.5", "社区垃圾分类督导", True),
    ("gaoyan", 15, "2", "重阳节文艺活动", True),
    ("liuqiang", 11, "6", "困难家庭个案走访", True),
    ("chenhao", 4, "2", "楼道灯维修", False),
    ("zhengtao", 12, "3", "老旧小区安全巡查", True),
    ("zhaoyu", 5, "2", "老人智能手机教学", False),
    ("luoping", 8, "2", "留守儿童课业辅导", True),
    ("caixia", 10, "3", "居民法律咨询", True),
]


def usernames_under(path: str) -> set[str]:
    """The duty demo's people placed at or under a demo path ("510108015017", "…/中加水岸小区"),
    for tests that know the demo's people by name."""
    return {username for username, *_, place in PEOPLE if place.startswith(path)}


def _place(path: str) -> Place:
    from .loader import _place as demo_place  # the loader imports this module first

    return demo_place(path)


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _people(admin: User) -> list[DemoAccount]:
    from .loader import DemoAccount

    accounts = []
    for username, name, phone, role, path in PEOPLE:
        user = User.objects.filter(username=username).first() or user_create(
            actor=admin, username=username, password=data.DEMO_PASSWORD, name=name, phone=phone
        )
        place = _place(path)
        role_grant(actor=admin, user=user, role=role, place=place, verified=True)
        accounts.append(DemoAccount(username, name, phone, role, place.name))
    return accounts


def _month_span(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first of this month to the last of the next."""
    first = today.replace(day=1)
    after_next = (first + dt.timedelta(days=62)).replace(day=1)
    return first, after_next - dt.timedelta(days=1)


def _rosters() -> None:
    start, end = _month_span(clock.today())
    for path, usernames in ROSTERS:
        place = _place(path)
        worker = _user(WORKERS[path.split("/")[0]])
        is_courtyard = "/" in path
        name = f"{place.name}院落值守" if is_courtyard else f"{place.name}志愿服务站值班"
        if Roster.objects.filter(place=place, name=name).exists():
            continue
        roster = services.roster_create(actor=worker, place=place, name=name)
        for username in usernames:
            person = _user(username)
            role = person.grants.filter(role__in=DUTY_ROLES).first()
            assert role is not None
            services.roster_member_add(actor=worker, roster=roster, user=person, role=role.role)
        shifts = services.rotation_generate(
            actor=worker,
            roster=roster,
            start=start,
            end=end,
            times=COURTYARD_TIMES if is_courtyard else COMMUNITY_TIMES,
            skip_days_off=not is_courtyard,  # courtyards are watched every day
        )
        # A couple of gaps next month (someone dropped out), for the staff to fill.
        if is_courtyard and len(usernames) >= 3:
            for shift in shifts[-5::3]:
                for assignment in list(shift.assignments.select_related("user")):
                    services.shift_unassign(actor=worker, shift=shift, user=assignment.user)


def _swap() -> None:
    """王芳 asks 李娜 to take one of her shifts next week."""
    wangfang, lina = _user("wangfang"), _user("lina")
    if SwapRequest.objects.filter(requester=wangfang).exists():
        return
    soon = clock.now() + dt.timedelta(days=2)
    shift = (
        wangfang.shifts.filter(roster__place__name="中加水岸小区", starts_at__gt=soon)
        .order_by("starts_at")
        .first()
    )
    if shift is not None:
        services.swap_request(
            actor=wangfang,
            shift=shift,
            counterparty=lina,
            note="那天要带孙子去医院，麻烦帮忙顶一下班",
        )


def _registry() -> None:
    today = clock.today()
    for username, code, kind, organisation, skills, availability, weekdays in REGISTRY:
        person, community = _user(username), _place(code)
        if Volunteer.objects.filter(user=person, community=community).exists():
            continue
        volunteering.volunteer_register(
            actor=_user(WORKERS[code]),
            user=person,
            community=community,
            kind=kind,
            organisation=organisation,
            skills=skills,
            availability=availability,
            weekdays=weekdays,
        )
        for who, days_ago, hours, activity, confirmed in HOURS:
            if who != username:
                continue
            volunteer = Volunteer.objects.get(user=person, community=community)
            volunteering.service_record(
                actor=_user(WORKERS[code]) if confirmed else person,
                volunteer=volunteer,
                date=today - dt.timedelta(days=days_ago),
                hours=Decimal(hours),
                activity=activity,
            )


def demo_duty_load(admin: User) -> list[DemoAccount]:
    """The duty demo (inside demo_load's transaction); returns the accounts it made."""
    accounts = _people(admin)
    _rosters()
    _registry()
    _swap()
    return accounts
