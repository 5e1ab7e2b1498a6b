"""The demo's questions: made through the services, in every community, once."""

from __future__ import annotations

from gongzhi.consultation.choices import QuestionState
from gongzhi.consultation.models import FaqEntry, Question
from gongzhi.core.audit import audit_verify
from gongzhi.demo.consultation import QUESTIONS, demo_consultation_load


def test_it_loads_questions_in_every_state_once(demo):
    assert demo_consultation_load() == len(QUESTIONS)
    assert demo_consultation_load() == 0
    assert Question.objects.count() == len(QUESTIONS)
    states = set(Question.objects.values_list("state", flat=True))
    assert states == {QuestionState.OPEN, QuestionState.ANSWERED, QuestionState.CONVERTED}
    assert Question.objects.filter(escalated_at__isnull=False).count() == 3
    converted = Question.objects.filter(state=QuestionState.CONVERTED)
    assert all(q.case_id for q in converted) and converted.count() == 2
    communities = set(FaqEntry.objects.values_list("community__name", flat=True))
    assert communities == {"新桥社区", "致强社区", "正因社区", "永安社区"}
    assert not any("13900001" in e.answer_text + e.question_text for e in FaqEntry.objects.all())
    assert audit_verify().ok
