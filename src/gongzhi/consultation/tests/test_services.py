"""Asking, replying, marking answered, escalation, turning into a case, publishing to the FAQ."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cases.models import Case, Category
from gongzhi.consultation import routing, services
from gongzhi.consultation.choices import AuthorRole, QuestionState
from gongzhi.consultation.models import FaqEntry, Question
from gongzhi.core import clock
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry, Notification

from .conftest import png

SH = clock.SHANGHAI


def _audited(question_or_entry, action: str) -> bool:
    return AuditEntry.objects.filter(object_id=str(question_or_entry.pk), action=action).exists()


def test_it_asks_with_photos_and_tells_the_community_worker(resident, courtyard, worker):
    # Nobody is on duty then (the demo's rosters cover the current weeks only).
    with clock.frozen(dt.datetime(2030, 3, 12, 22, 0, tzinfo=SH)):
        question = services.question_ask(
            actor=resident,
            place=courtyard,
            title="垃圾分类",
            body="厨余垃圾几点收？",
            photos=[png()],
        )
    assert question.state == QuestionState.OPEN
    assert question.place_path == courtyard.path
    assert question.photos.count() == 1
    assert question.photos.get().content_type == "image/png"
    assert _audited(question, "question.asked")
    assert Notification.objects.filter(recipient=worker, kind="question.asked").exists()
    assert not Notification.objects.filter(recipient=resident, kind="question.asked").exists()


def test_it_refuses_empty_text_and_other_communities(resident, courtyard, zhiqiang):
    with pytest.raises(InvalidInput) as caught:
        services.question_ask(actor=resident, place=courtyard, title=" ", body="")
    assert set(caught.value.fields) == {"title", "body"}
    with pytest.raises(NotPermitted):
        services.question_ask(actor=resident, place=zhiqiang, title="问", body="问")
    assert not Question.objects.filter(place=zhiqiang, asker=resident).exists()


def test_a_resident_may_ask_about_their_community(resident, xinqiao):
    question = services.question_ask(
        actor=resident, place=xinqiao, title="社区活动", body="周末有活动吗？"
    )
    assert question.place == xinqiao


def test_a_thread_of_answers_and_the_asker_marks_it_answered(question, volunteer, resident):
    answer = services.question_reply(
        actor=volunteer, question=question, body="到物业服务中心办理，带身份证和房产证明。"
    )
    assert answer.author_role == AuthorRole.RESPONDER
    question.refresh_from_db()
    assert question.first_response_at is not None
    assert Notification.objects.filter(recipient=resident, kind="question.replied").exists()
    follow_up = services.question_reply(actor=resident, question=question, body="租户可以办吗？")
    assert follow_up.author_role == AuthorRole.ASKER
    assert Notification.objects.filter(recipient=volunteer, kind="question.replied").exists()
    services.question_mark_answered(actor=resident, question=question)
    question.refresh_from_db()
    assert question.state == QuestionState.ANSWERED and question.answered_at is not None
    assert _audited(question, "question.replied") and _audited(question, "question.mark_answered")
    services.question_reopen(actor=resident, question=question)
    question.refresh_from_db()
    assert question.state == QuestionState.OPEN


def test_outsiders_and_other_residents_cannot_reply(question, outsider, other_resident):
    for actor in (outsider, other_resident):
        with pytest.raises(NotPermitted):
            services.question_reply(actor=actor, question=question, body="越权")
    assert question.answers.count() == 0


def test_escalate_due_is_one_working_day_later_at_the_same_time(db):
    friday = dt.datetime(2025, 9, 19, 15, 0, tzinfo=SH)
    assert routing.escalate_due(friday) == dt.datetime(2025, 9, 22, 15, 0, tzinfo=SH)
    # Sunday 28 September 2025 was a make-up working day (调休) before the National Day week.
    before_make_up_day = dt.datetime(2025, 9, 26, 15, 0, tzinfo=SH)
    assert routing.escalate_due(before_make_up_day) == dt.datetime(2025, 9, 28, 15, 0, tzinfo=SH)
    before_national_day = dt.datetime(2025, 9, 30, 10, 0, tzinfo=SH)  # holiday 1–8 October
    assert routing.escalate_due(before_national_day) == dt.datetime(2025, 10, 9, 10, 0, tzinfo=SH)


def test_the_sweep_escalates_unanswered_questions_once(resident, courtyard, worker, volunteer):
    asked = dt.datetime(2025, 9, 19, 15, 0, tzinfo=SH)
    with clock.frozen(asked):
        silent = services.question_ask(actor=resident, place=courtyard, title="无人回答", body="？")
        answered = services.question_ask(
            actor=resident, place=courtyard, title="有人回答", body="？"
        )
        services.question_reply(actor=volunteer, question=answered, body="已回复")
    with clock.frozen(dt.datetime(2025, 9, 22, 14, 59, tzinfo=SH)):
        assert services.question_escalate_sweep() == {"escalated": 0}
    with clock.frozen(dt.datetime(2025, 9, 22, 15, 1, tzinfo=SH)):
        assert services.question_escalate_sweep() == {"escalated": 1}
        assert services.question_escalate_sweep() == {"escalated": 0}
    silent.refresh_from_db()
    answered.refresh_from_db()
    assert silent.escalated_at is not None and silent.state == QuestionState.OPEN
    assert answered.escalated_at is None
    assert Notification.objects.filter(recipient=worker, kind="question.escalated").count() == 1
    entry = AuditEntry.objects.get(object_id=str(silent.pk), action="question.escalated")
    assert entry.actor_id is None


def test_staff_turn_a_question_into_a_case_linked_both_ways(question, worker, resident, volunteer):
    category = Category.objects.get(code="other")
    case = services.question_convert(
        actor=worker, question=question, category=category, nature="help"
    )
    question.refresh_from_db()
    assert question.state == QuestionState.CONVERTED
    assert question.case == case
    assert list(case.consultation_questions.all()) == [question]
    assert case.reporter == resident and case.title == question.title
    assert Notification.objects.filter(recipient=resident, kind="question.converted").exists()
    assert _audited(question, "question.converted")
    with pytest.raises(NotPermitted):
        services.question_convert(
            actor=volunteer, question=question, category=category, nature="help"
        )


def test_a_volunteer_cannot_convert(question, volunteer):
    with pytest.raises(NotPermitted):
        services.question_convert(
            actor=volunteer,
            question=question,
            category=Category.objects.get(code="other"),
            nature="help",
        )
    assert not Case.objects.filter(title=question.title).exists()


def test_publishing_masks_names_and_phones(question, volunteer, worker, resident, xinqiao):
    services.question_reply(
        actor=volunteer, question=question, body="张伟您好，请联系王芳 13800001111。"
    )
    with pytest.raises(Exception) as caught:  # open questions are not published
        services.faq_publish(actor=worker, question=question)
    assert getattr(caught.value, "code", "") == "invalid_transition"
    services.question_mark_answered(actor=resident, question=question)
    entry = services.faq_publish(actor=worker, question=question)
    assert entry.community == xinqiao
    shown = entry.title + entry.question_text + entry.answer_text
    assert "13912345678" not in shown and "139****5678" in shown
    assert "张伟" not in shown and "王芳" not in shown and "张*" in shown
    assert "13800001111" not in shown
    assert _audited(entry, "faq.published")
    edited = services.faq_publish(
        actor=worker, question=question, answer_text="请联系张伟，电话13900001001"
    )
    assert edited.pk == entry.pk and "张伟" not in edited.answer_text
    assert "13900001001" not in edited.answer_text
    services.faq_unpublish(actor=worker, entry=edited)
    assert not FaqEntry.objects.get(pk=entry.pk).is_published
