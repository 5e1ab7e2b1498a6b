"""Demo projects of the programmes and their notices: open, ended and closed, with objections
and responses, made through the real services at past moments (so their history, audit entries
and notifications are what the platform would have recorded). Idempotent. Nothing is older than
the audit log's 180 days of retention: the tests load this demo and purge the log."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import Max
from PIL import Image, ImageDraw

from gongzhi.accounts.models import User
from gongzhi.core import clock
from gongzhi.core.models import Notification
from gongzhi.core.notifications import notifications_mark_read
from gongzhi.demo.cases import _at, _place, _user
from gongzhi.places.models import Place
from gongzhi.publicity import services
from gongzhi.publicity.choices import PeriodUnit, ProgrammeKind
from gongzhi.publicity.models import Project

K = ProgrammeKind
FIRST_TITLE = "中加水岸小区老旧院落改造（外立面及雨污管网）"


def _photo(colour: tuple[int, int, int], label: str) -> io.BytesIO:
    image = Image.new("RGB", (480, 320), colour)
    ImageDraw.Draw(image).rectangle((40, 200, 440, 300), fill=(235, 235, 230))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    out.seek(0)
    out.name = f"{label}.jpg"
    return out


def _project(
    actor: User,
    days_ago: int,
    place: Place,
    title: str,
    kind: str,
    yuan: int,
    contractor: str,
    months: int,
    description: str,
) -> Project:
    start = (clock.now() - dt.timedelta(days=days_ago - 30)).date()
    return _at(
        days_ago,
        lambda: services.project_create(
            actor=actor,
            place=place,
            title=title,
            kind=kind,
            budget_fen=yuan * 100,
            contractor=contractor,
            planned_start=start,
            planned_end=start + dt.timedelta(days=30 * months),
            description=description,
        ),
    )


def _run(actor: User, project: Project, days_ago: int, *steps: str) -> None:
    with clock.frozen(clock.now() - dt.timedelta(days=days_ago)):
        for step in steps:
            services.project_transition(actor=actor, project=project, name=step)


def _progress(
    actor: User,
    project: Project,
    days_ago: int,
    percent: int,
    note: str,
    *,
    photo: tuple[int, int, int] | None = None,
) -> None:
    photos = [_photo(photo, f"progress-{percent}")] if photo else []
    _at(
        days_ago,
        lambda: services.project_progress_add(
            actor=actor, project=project, percent=percent, note=note, photos=photos
        ),
    )


def _notice(
    actor: User,
    days_ago: float,
    place: Place,
    title: str,
    body: str,
    subject: Project | None = None,
    **period: Any,
) -> Any:
    return _at(
        days_ago,
        lambda: services.notice_publish(
            actor=actor, place=place, title=title, body=body, subject=subject, **period
        ),
    )


def _object(person: User, notice: Any, days_ago: float, body: str) -> Any:
    return _at(days_ago, lambda: services.objection_file(actor=person, notice=notice, body=body))


def _respond(actor: User, objection: Any, days_ago: float, response: str) -> None:
    _at(
        days_ago,
        lambda: services.objection_respond(actor=actor, objection=objection, response=response),
    )


def _close(actor: User, notice: Any, days_ago: float, result: str) -> None:
    _at(days_ago, services.notice_sweep)
    _at(days_ago, lambda: services.notice_close(actor=actor, notice=notice, result=result))


def demo_publicity_load() -> int:
    """Create the demo projects and notices unless they exist; returns how many projects."""
    if Project.objects.filter(title=FIRST_TITLE).exists():
        return 0
    last = Notification.objects.aggregate(last=Max("id"))["last"] or 0
    liuyang, chenjing, wuqiang = _user("liuyang"), _user("chenjing"), _user("wuqiang")
    zhangwei, lina, wangfang, huangmin = (
        _user("zhangwei"),
        _user("lina"),
        _user("wangfang"),
        _user("huangmin"),
    )
    xinqiao = _place("510106041004")
    zhongjia = _place("510106041004", "中加水岸小区")
    fuheyuan = _place("510106041004", "府河苑")
    shaheyuan = xinqiao.parent
    assert shaheyuan is not None
    zhiqiang = _place("510108015017")
    binhai = _place("510108015017", "濱海家園")
    zhiqiang_court = _place("510108015017", "致强小区")

    # 新桥社区: a renovation under way, an elevator approved after its notice, a back street
    # finished, a pocket park under notice now, cameras being fitted, a service centre done.
    renovation = _project(
        liuyang,
        170,
        zhongjia,
        FIRST_TITLE,
        K.OLD_AREA_RENOVATION,
        1_280_000,
        "四川华西安装工程有限公司",
        8,
        "外立面清洗翻新、屋面防水、雨污分流管网改造，同步更换单元门禁。",
    )
    notice = _notice(
        liuyang,
        160,
        zhongjia,
        "关于中加水岸小区老旧院落改造项目的公示",
        "项目预算128万元，由四川华西安装工程有限公司施工，计划工期8个月。"
        "施工期间每日8:00—12:00、14:00—18:00作业。",
        renovation,
    )
    objection = _object(zhangwei, notice, 158, "1栋外墙空调外机位置能否统一规划，避免乱挂。")
    _respond(liuyang, objection, 157, "已与施工方确认，统一设置空调外机格栅，施工前入户确认位置。")
    _close(liuyang, notice, 150, "公示期满，收到异议1条并已答复，项目按计划实施。")
    _run(liuyang, renovation, 148, "approve")
    _run(liuyang, renovation, 140, "start")
    _progress(
        liuyang, renovation, 110, 25, "外立面脚手架搭设完成，开始清洗。", photo=(150, 160, 170)
    )
    _progress(liuyang, renovation, 60, 50, "屋面防水完成，雨污管网开挖过半。", photo=(120, 110, 90))
    _progress(
        liuyang, renovation, 10, 65, "雨污分流主管铺设完成，进入外立面涂装。", photo=(200, 190, 170)
    )

    elevator = _project(
        liuyang,
        120,
        fuheyuan,
        "府河苑1栋加装电梯",
        K.OLD_AREA_RENOVATION,
        680_000,
        "成都快力电梯工程有限公司",
        5,
        "1栋1单元加装电梯一部，业主分摊与财政补贴相结合。",
    )
    notice = _notice(
        liuyang,
        110,
        fuheyuan,
        "府河苑1栋加装电梯项目公示",
        "加装方案、费用分摊表见附件，公示期内可提出异议。",
        elevator,
    )
    _close(liuyang, notice, 100, "公示期内未收到异议，项目进入实施准备。")
    _run(liuyang, elevator, 95, "approve")

    alley = _project(
        liuyang,
        175,
        xinqiao,
        "新桥社区背街小巷整治（新桥路二巷）",
        K.BACK_STREETS,
        420_000,
        "成都市金牛城建工程有限公司",
        4,
        "路面黑化、雨水篦子更换、架空线缆规整入地、增设路灯12盏。",
    )
    notice = _notice(
        liuyang,
        168,
        xinqiao,
        "新桥路二巷背街小巷整治项目公示",
        "整治内容：路面黑化、管线入地、增设路灯。预算42万元。",
        alley,
    )
    first = _object(lina, notice, 167, "施工期间请保留消防通道，老人出行不便。")
    second = _object(zhangwei, notice, 166, "希望增设几处休息座椅。")
    _respond(liuyang, first, 165, "施工分段进行，每段均保留消防通道，并安排志愿者协助老人出行。")
    _respond(liuyang, second, 164, "已采纳，在巷口和中段各增设座椅两处。")
    _close(liuyang, notice, 158, "收到异议2条，均已答复并采纳，项目按调整后方案实施。")
    _run(liuyang, alley, 150, "approve", "start")
    _progress(liuyang, alley, 120, 60, "路面黑化完成，管线入地施工中。")
    _run(liuyang, alley, 60, "complete")

    park = _project(
        liuyang,
        20,
        zhongjia,
        "中加水岸小区“两拆一增”：拆除违建围墙，增设口袋公园",
        K.DEMOLITION_GREENING,
        360_000,
        "成都蓉城园林绿化有限公司",
        3,
        "拆除院内违建围墙及棚架约120平方米，腾出空间建设口袋公园，增加绿地和健身设施。",
    )
    notice = _notice(
        liuyang,
        2,
        zhongjia,
        "关于中加水岸小区“两拆一增”口袋公园项目的公示",
        "拆除院内违建围墙及棚架，建设口袋公园。预算36万元。公示期内居民可在线提出异议。",
        park,
        period_days=7,
        period_unit=PeriodUnit.WORKING_DAYS,
    )
    answered = _object(wangfang, notice, 1.5, "健身器材请远离1栋窗户，避免早晚噪音。")
    _respond(liuyang, answered, 1, "已调整设计，健身区移至院落东侧，距住宅15米以上。")
    _object(zhangwei, notice, 0.5, "拆除棚架后，原来停放的电动车放在哪里？请统筹安排。")
    _at(
        0.4,
        lambda: services.notice_extend(
            actor=liuyang, notice=notice, days=3, reason="应居民要求延长公示，便于在外居民反馈。"
        ),
    )

    cameras = _project(
        liuyang,
        90,
        xinqiao,
        "新桥社区平安社区智能门禁与视频监控",
        K.SAFE_COMMUNITY,
        250_000,
        "成都智安科技有限公司",
        4,
        "院落出入口智能门禁8处、公共区域高清摄像头36个，接入社区网格平台。",
    )
    _run(liuyang, cameras, 60, "approve", "start")
    _progress(liuyang, cameras, 15, 30, "中加水岸小区门禁安装完成，府河苑施工中。")

    centre = _project(
        liuyang,
        172,
        xinqiao,
        "新桥社区党群服务中心适老化改造",
        K.COMMUNITY_SERVICES,
        180_000,
        "四川明建装饰工程有限公司",
        2,
        "增设无障碍坡道、扶手和助浴设施，开设老年食堂。",
    )
    _run(liuyang, centre, 165, "approve", "start")
    _run(liuyang, centre, 100, "complete")

    # 沙河源街道: the park-city block and a feature street, and a decision under notice.
    greenway = _project(
        wuqiang,
        174,
        shaheyuan,
        "沙河源街道府河公园城市示范街区",
        K.PARK_CITY,
        3_600_000,
        "中铁二十三局集团有限公司",
        12,
        "沿府河建设绿道2.4公里，串联三个社区的口袋公园与运动场地。",
    )
    _run(wuqiang, greenway, 160, "approve", "start")
    _progress(wuqiang, greenway, 40, 40, "绿道一期1.1公里贯通。", photo=(90, 150, 90))
    _project(
        wuqiang,
        30,
        shaheyuan,
        "沙河源“新桥记忆”特色街区",
        K.FEATURE_STREETS,
        1_500_000,
        "成都文旅规划设计院",
        10,
        "以老厂区记忆为主题打造特色商业街区，统一店招和外摆。",
    )
    decision = _notice(
        liuyang,
        12,
        xinqiao,
        "关于调整新桥社区院落停车管理办法的决定（征求意见）",
        "拟对院落内临时停车实行限时免费、超时收费，收入纳入院落基金，用于公共设施维护。",
    )
    parking = _object(zhangwei, decision, 11, "收费标准请公开测算依据，并对老年人车辆适当优惠。")
    _respond(liuyang, parking, 10, "测算依据将随决定一并公布，老年人车辆每月可免费登记一辆。")
    _at(0, services.notice_sweep)  # its period is over: it awaits its result

    # 致强社区: a renovation under notice, a finished alley, a cancelled shed.
    binhai_project = _project(
        chenjing,
        25,
        binhai,
        "濱海家園老旧小区改造",
        K.OLD_AREA_RENOVATION,
        950_000,
        "成都建工第三建筑工程有限公司",
        6,
        "更换供水管网、整治楼道、增设非机动车充电棚。",
    )
    notice = _notice(
        chenjing,
        3,
        binhai,
        "濱海家園老旧小区改造项目公示",
        "改造内容及预算详见项目页，公示期7天。",
        binhai_project,
    )
    _object(huangmin, notice, 1, "充电棚请设在远离住宅的位置，注意消防安全。")
    lane = _project(
        chenjing,
        176,
        zhiqiang,
        "致强社区背街小巷整治（致强路一巷）",
        K.BACK_STREETS,
        310_000,
        "成都市成华区市政工程公司",
        3,
        "路面修补、增设分类垃圾桶和路灯。",
    )
    _run(chenjing, lane, 170, "approve", "start")
    _run(chenjing, lane, 110, "complete")
    shed = _project(
        chenjing,
        150,
        zhiqiang_court,
        "致强小区停车棚改建",
        K.OTHER,
        80_000,
        "",
        2,
        "原计划改建停车棚。",
    )
    _at(
        140,
        lambda: services.project_transition(
            actor=chenjing, project=shed, name="cancel", note="并入濱海家園老旧小区改造统一实施。"
        ),
    )
    # What the demo's past told people has been read (the tests expect empty inboxes).
    for user in User.objects.filter(notifications__pk__gt=last).distinct():
        notifications_mark_read(user=user)
    return Project.objects.count()
