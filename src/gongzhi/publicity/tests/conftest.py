from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.core import clock
from gongzhi.places.models import Place
from gongzhi.publicity import services
from gongzhi.publicity.choices import ProgrammeKind

# A Tuesday morning in Shanghai, away from holidays: 2026-11-17 09:00 +08:00.
TUESDAY = dt.datetime(2026, 11, 17, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def courtyard(demo) -> Place:
    return Place.objects.get(name="中加水岸小区")


@pytest.fixture
def fuheyuan(demo) -> Place:
    return Place.objects.get(name="府河苑")


@pytest.fixture
def project(worker, courtyard):
    with clock.frozen(TUESDAY):
        return services.project_create(
            actor=worker,
            place=courtyard,
            title="中加水岸小区雨污分流改造",
            kind=ProgrammeKind.OLD_AREA_RENOVATION,
            budget_fen=86_000_000,
            contractor="四川蜀建市政工程有限公司",
            planned_start=dt.date(2026, 12, 1),
            planned_end=dt.date(2027, 3, 31),
        )


@pytest.fixture
def notice(worker, courtyard, project):
    with clock.frozen(TUESDAY):
        return services.notice_publish(
            actor=worker,
            place=courtyard,
            title="关于中加水岸小区雨污分流改造项目的公示",
            body="拟于12月开工，工期四个月，预算86万元。",
            subject=project,
        )
