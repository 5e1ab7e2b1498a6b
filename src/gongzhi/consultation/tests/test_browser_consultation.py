"""Consultation in a real browser: a resident asks on a phone; the volunteer on duty for the
courtyard finds the question in the on-duty inbox and answers; the resident reads the answer and
marks the question answered. Every page is checked with axe-core (gongzhi.testing.browser).

These tests share the committed demo with the other browser tests, so they remove what they
made (questions, the roster they may add, notifications) when they finish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.db import connections
from django.db.models import Max

from gongzhi.accounts.models import User
from gongzhi.consultation.choices import QuestionState
from gongzhi.consultation.models import Question
from gongzhi.core import clock
from gongzhi.core.models import Notification
from gongzhi.duty import services as duty
from gongzhi.duty.models import Roster
from gongzhi.duty.selectors import on_duty_users
from gongzhi.places.models import Place
from gongzhi.testing.browser import PHONE, assert_accessible, label, log_in, nav_link

pytestmark = pytest.mark.browser


@pytest.fixture
def volunteer_on_duty(transactional_db: None) -> Iterator[User]:
    """王芳 on duty for 中加水岸小区 now: the demo's roster if it has her on, else a shift made
    through the duty services for the next two hours (removed afterwards)."""
    courtyard = Place.objects.get(name="中加水岸小区")
    volunteer = User.objects.get(username="wangfang")
    last_question = Question.objects.aggregate(last=Max("id"))["last"] or 0
    last_notification = Notification.objects.aggregate(last=Max("id"))["last"] or 0
    made: Roster | None = None
    if volunteer not in on_duty_users(place=courtyard):
        worker = User.objects.get(username="liuyang")
        made = duty.roster_create(actor=worker, place=courtyard, name="浏览器测试值班")
        duty.roster_member_add(actor=worker, roster=made, user=volunteer, role="volunteer")
        now = clock.now().astimezone(clock.SHANGHAI)
        start = dt.time(now.hour)
        shift = duty.shift_create(
            actor=worker,
            roster=made,
            date=now.date(),
            start_time=start,
            end_time=dt.time((now.hour + 2) % 24),
        )
        duty.shift_assign(actor=worker, shift=shift, user=volunteer)
    yield volunteer
    Question.objects.filter(pk__gt=last_question).delete()
    Notification.objects.filter(pk__gt=last_notification).delete()
    if made is not None:
        made.delete()
    connections.close_all()


def test_a_resident_asks_the_volunteer_on_duty_answers_the_resident_reads_it(
    visit, page, volunteer_on_duty
):
    # The resident asks, on a phone.
    page.set_viewport_size(PHONE)
    log_in(visit, "zhangwei")
    page = visit.follow(nav_link(page, label("Questions")))
    page = visit.follow(page.get_by_role("button", name=label("Ask a question")))
    assert (
        page.get_by_label(label("About")).locator("option:checked").inner_text() == "中加水岸小区"
    )
    page.get_by_label(label("Your question in a few words")).fill("小区游泳池几月开放？")
    page.get_by_label(label("Details")).fill("去年是6月开放的，今年什么时候开？")
    page = visit.follow(page.get_by_role("button", name=label("Send the question")))
    assert page.get_by_role("heading", level=1).inner_text() == "小区游泳池几月开放？"
    question = Question.objects.get(title="小区游泳池几月开放？")
    assert Notification.objects.filter(
        recipient=volunteer_on_duty, url__contains=f"/{question.pk}/"
    ).exists()

    # The volunteer on duty finds it in the on-duty inbox and answers.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(visit, "wangfang")
    page = visit("/duty/inbox/")
    section = page.get_by_role("region", name=label("Open questions for my places"))
    page = visit.follow(section.get_by_role("link", name="小区游泳池几月开放？"))
    page.get_by_label(label("Your reply")).fill("今年6月15日开放，开放前会在小区公告栏通知。")
    page = visit.follow(page.get_by_role("button", name=label("Send"), exact=True))
    thread = page.get_by_role("region", name=label("Answers"))
    assert "今年6月15日开放" in thread.inner_text()
    assert "王芳" in thread.inner_text()

    # The resident reads the answer and marks the question answered.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    log_in(visit, "zhangwei")
    page = visit("/consultation/")
    page = visit.follow(page.get_by_role("link", name="小区游泳池几月开放？"))
    assert "今年6月15日开放" in page.get_by_role("region", name=label("Answers")).inner_text()
    page = visit.follow(page.get_by_role("button", name=label("My question is answered")))
    assert str(label(QuestionState.ANSWERED.label)) in page.locator("main header").inner_text()
    assert_accessible(page)
    question.refresh_from_db()
    assert question.state == QuestionState.ANSWERED
    assert question.answers.get().author == volunteer_on_duty
