from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from gongzhi.accounts.models import Unit, User
from gongzhi.cases.models import Category
from gongzhi.cases.services import case_report
from gongzhi.core import clock
from gongzhi.places.models import Place

# A Tuesday morning in Shanghai, away from holidays: 2026-11-17 09:00 +08:00.
MONDAY_MORNING = dt.datetime(2026, 11, 17, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def property_handler(demo) -> User:
    return User.objects.get(username="wuyong")


@pytest.fixture
def street_official(demo) -> User:
    return User.objects.get(username="wuqiang")


@pytest.fixture
def agent(demo) -> User:
    return User.objects.get(username="yangfan")


@pytest.fixture
def building(demo) -> Place:
    return Place.objects.get(parent__name="中加水岸小区", name="1栋")


@pytest.fixture
def courtyard(demo) -> Place:
    return Place.objects.get(name="中加水岸小区")


def report_json(building: Place, **overrides: object) -> dict[str, object]:
    """The body of a resident's report through the API: a lift out of order in 中加水岸小区 1栋
    (the category's own questions unanswered; add `answers=` for them)."""
    return {
        "category": "property",
        "nature": "help",
        "title": "电梯停了三天",
        "description": "1栋2单元电梯停运三天，老人上下楼困难。",
        "place": building.pk,
        **overrides,
    }


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def png_bytes(size: tuple[int, int] = (8, 6), exif: bool = False, fmt: str = "PNG") -> io.BytesIO:
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "SecretCam"  # Make
        data[0x8825] = {2: (30, 40, 0)}  # GPS info
        image.save(out, fmt, exif=data)
    else:
        image.save(out, fmt)
    out.seek(0)
    out.name = f"photo.{fmt.lower()}"
    return out


@pytest.fixture
def report(resident, building):
    """report(**overrides): a resident's property report from 中加水岸小区 1栋, at a fixed time."""

    def make(**overrides):
        fields = dict(
            actor=resident,
            channel="web",
            category=category("property"),
            nature="help",
            title="电梯停了三天",
            description="1栋2单元电梯停运三天，老人上下楼困难。",
            place=building,
        )
        fields.update(overrides)
        with clock.frozen(overrides.pop("at", MONDAY_MORNING)):
            fields.pop("at", None)
            return case_report(**fields)

    return make
