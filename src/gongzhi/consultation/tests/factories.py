"""Questions for tests outside this app (the isolation registry in core/tests/isolation.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.urls import reverse

from gongzhi.consultation.models import Question
from gongzhi.places.models import Place


def make_question(community: Place) -> tuple[Question, str]:
    from gongzhi.consultation.services import question_ask
    from gongzhi.core.tests.isolation import _courtyard, make_person

    marker = f"隔离咨询 {uuid.uuid4().hex[:8]}"
    person, _ = make_person(community)
    question = question_ask(
        actor=person, place=_courtyard(community), title=marker, body="只应在本社区可见"
    )
    return question, marker


def question_changes() -> list[Callable[[Any, Any], Any]]:
    from gongzhi.cases.models import Category
    from gongzhi.consultation import services

    return [
        lambda actor, q: services.question_reply(actor=actor, question=q, body="越权"),
        lambda actor, q: services.question_close(actor=actor, question=q),
        lambda actor, q: services.question_convert(
            actor=actor, question=q, category=Category.objects.get(code="other"), nature="help"
        ),
    ]


def question_detail(question: Question) -> str:
    return reverse("consultation:detail", args=[question.pk])


def question_api_detail(question: Question) -> str:
    return reverse("api:question-detail", args=[question.pk])
