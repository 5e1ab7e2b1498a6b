from __future__ import annotations

import io

import pytest
from PIL import Image

from gongzhi.accounts.models import User
from gongzhi.consultation import services
from gongzhi.consultation.models import Question
from gongzhi.places.models import Place


@pytest.fixture
def courtyard(xinqiao) -> Place:
    return Place.objects.get(parent=xinqiao, name="中加水岸小区")


@pytest.fixture
def volunteer(demo) -> User:
    """王芳, volunteer of 中加水岸小区 (新桥社区)."""
    return User.objects.get(username="wangfang")


@pytest.fixture
def question(resident, courtyard) -> Question:
    return services.question_ask(
        actor=resident,
        place=courtyard,
        title="小区门禁卡在哪里办理？",
        body="新搬来的住户，请问门禁卡去哪里办，需要带什么材料？我的电话13912345678。",
    )


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, "PNG")
    out.seek(0)
    out.name = "p.png"
    return out
