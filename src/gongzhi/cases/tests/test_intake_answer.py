"""A queued report's answer (`serializers.intake_data`) is what IntakeSerializer, which
documents it, gives — in every state, under a script prefix, in any time zone."""

from __future__ import annotations

import uuid

import pytest
from django.test import RequestFactory
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import timezone
from rest_framework.request import Request

from gongzhi.cases import intake
from gongzhi.cases import serializers as s
from gongzhi.cases.choices import IntakeState
from gongzhi.cases.models import Intake
from gongzhi.core import clock

from .conftest import MONDAY_MORNING

pytestmark = pytest.mark.django_db


def _oracle(queued, request):
    return dict(s.IntakeSerializer(queued, context={"request": Request(request)}).data)


def _states(resident, report):
    queued = Intake.objects.create(actor=resident, received_at=MONDAY_MORNING, report={})
    registered = Intake.objects.create(
        actor=resident,
        received_at=MONDAY_MORNING,
        report={},
        state=IntakeState.REGISTERED,
        case=report(),
        processed_at=clock.now(),
    )
    rejected = Intake.objects.create(
        actor=resident,
        received_at=MONDAY_MORNING,
        report={},
        state=IntakeState.REJECTED,
        errors={"category": ["不再使用。"], "place": ["No such place.", "2"]},
        processed_at=MONDAY_MORNING.replace(microsecond=123456),
    )
    return [queued, registered, rejected]


@pytest.mark.parametrize("prefix", ["/", "/gongzhi/"])
@pytest.mark.parametrize("zone", [None, "UTC", "America/New_York"])
def test_the_answer_is_the_serializers_in_every_state(resident, report, prefix, zone, settings):
    settings.ALLOWED_HOSTS = ["gz.example.cn"]
    request = RequestFactory().get("/", secure=True, HTTP_HOST="gz.example.cn")
    rows = _states(resident, report)
    set_script_prefix(prefix)
    try:
        with timezone.override(zone) if zone else timezone.override(clock.SHANGHAI):
            for row in rows:
                row = intake.intake_get(viewer=resident, intake_id=row.pk)
                data = s.intake_data(row, request)
                assert data == _oracle(row, request)
                assert data["url"].startswith(f"https://gz.example.cn{prefix}api/v1/intake/")
    finally:
        clear_script_prefix()


def test_a_key_like_the_stand_in_is_answered_too(resident):
    request = RequestFactory().get("/")
    row = Intake.objects.create(
        id=uuid.UUID(int=0), actor=resident, received_at=MONDAY_MORNING, report={}
    )
    assert s.intake_data(row, request) == _oracle(row, request)
