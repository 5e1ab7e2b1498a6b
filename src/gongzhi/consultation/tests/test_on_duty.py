"""Questions go to whoever is on duty for the place (duty rosters), else to the community worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.consultation import selectors, services
from gongzhi.core import clock
from gongzhi.core.models import Notification
from gongzhi.duty import services as duty

ON_SHIFT = dt.datetime(2030, 3, 12, 10, 0, tzinfo=clock.SHANGHAI)  # a Tuesday, far from the demo
OFF_SHIFT = dt.datetime(2030, 3, 12, 20, 0, tzinfo=clock.SHANGHAI)


def put_on_shift(worker, courtyard, person, role: str, name: str):
    """`person` on the courtyard's roster, on duty on ON_SHIFT's day from 9:00 to 12:00."""
    roster = duty.roster_create(actor=worker, place=courtyard, name=name)
    duty.roster_member_add(actor=worker, roster=roster, user=person, role=role)
    shift = duty.shift_create(
        actor=worker,
        roster=roster,
        date=ON_SHIFT.date(),
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    duty.shift_assign(actor=worker, shift=shift, user=person)
    return shift


@pytest.fixture
def shift(worker, courtyard, volunteer):
    return put_on_shift(worker, courtyard, volunteer, "volunteer", "咨询测试值班")


def _inbox(user) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("duty:inbox"))
    assert response.status_code == 200
    return response.content.decode()


def _told(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_a_question_goes_to_the_volunteer_on_duty(shift, resident, courtyard, volunteer, worker):
    with clock.frozen(ON_SHIFT):
        question = services.question_ask(actor=resident, place=courtyard, title="值班", body="？")
        assert _inbox(volunteer).count(reverse("consultation:detail", args=[question.pk])) == 1
        assert reverse("consultation:detail", args=[question.pk]) not in _inbox(worker)
    assert _told(volunteer, "question.asked") == 1
    assert _told(worker, "question.asked") == 0


def test_a_building_question_reaches_the_courtyards_duty(shift, resident, courtyard, volunteer):
    building = courtyard.children.get(name="1栋")
    with clock.frozen(ON_SHIFT):
        services.question_ask(actor=resident, place=building, title="楼栋", body="？")
    assert _told(volunteer, "question.asked") == 1


def test_off_shift_it_goes_to_the_community_worker(shift, resident, courtyard, volunteer, worker):
    with clock.frozen(OFF_SHIFT):
        question = services.question_ask(actor=resident, place=courtyard, title="夜间", body="？")
        assert reverse("consultation:detail", args=[question.pk]) not in _inbox(volunteer)
    assert _told(volunteer, "question.asked") == 0
    assert _told(worker, "question.asked") == 1


def test_on_duty_is_what_lets_a_building_head_answer_for_the_courtyard(
    worker, resident, courtyard, demo
):
    """李娜 heads 1栋: no role on the courtyard, so she answers its questions only on duty."""
    from gongzhi.accounts.models import User
    from gongzhi.core.errors import NotFound, NotPermitted

    head = User.objects.get(username="lina")
    put_on_shift(worker, courtyard, head, "building_head", "楼长值班")
    with clock.frozen(OFF_SHIFT):
        question = services.question_ask(actor=resident, place=courtyard, title="楼长", body="？")
        with pytest.raises(NotFound):
            selectors.question_get(viewer=head, question_id=question.pk)
        with pytest.raises(NotPermitted):
            services.question_reply(actor=head, question=question, body="越权")
    with clock.frozen(ON_SHIFT):
        assert selectors.question_get(viewer=head, question_id=question.pk) == question
        answer = services.question_reply(actor=head, question=question, body="我来回答")
    assert answer.author_role == "responder"
