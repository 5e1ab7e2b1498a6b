"""Answers to a category's extra questions, checked against their types (Open311's six)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gongzhi.cases.choices import QuestionType
from gongzhi.cases.models import Category, CategoryQuestion
from gongzhi.core.errors import InvalidInput


def questions_for(
    category: Category, rows: Iterable[CategoryQuestion] | None = None
) -> list[CategoryQuestion]:
    """The category's questions and those of its ancestors (a child inherits; its own question
    with the same code wins), the ancestors' first. `rows`: questions already loaded (any
    categories'); otherwise they are read."""
    lineage = category.lineage_ids()
    if rows is None:
        rows = CategoryQuestion.objects.filter(category_id__in=lineage)
    else:
        rows = [q for q in rows if q.category_id in lineage]
    by_code: dict[str, CategoryQuestion] = {}
    for question in sorted(rows, key=lambda q: (-lineage.index(q.category_id), q.order)):
        by_code[question.code] = question
    return list(by_code.values())


def _one(question: CategoryQuestion, value: Any) -> Any:
    keys = {str(choice["key"]) for choice in question.choices}
    kind = question.datatype
    if kind == QuestionType.STRING:
        value = str(value).strip()
        if len(value) > 200:
            raise ValueError(_("At most 200 characters."))
        return value
    if kind == QuestionType.TEXT:
        value = str(value).strip()
        if len(value) > 2000:
            raise ValueError(_("At most 2,000 characters."))
        return value
    if kind == QuestionType.NUMBER:
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == QuestionType.DATETIME:
        parsed = value if isinstance(value, dt.datetime) else parse_datetime(str(value).strip())
        if parsed is None:
            raise ValueError(_("Enter a date and time, e.g. 2026-10-01T09:30+08:00."))
        return parsed.isoformat()
    if kind == QuestionType.SINGLEVALUELIST:
        value = str(
            value[0] if isinstance(value, list | tuple) and len(value) == 1 else value
        ).strip()
        if value not in keys:
            raise ValueError(_("Choose one of the listed values."))
        return value
    if kind == QuestionType.MULTIVALUELIST:
        values = [str(v).strip() for v in (value if isinstance(value, list | tuple) else [value])]
        values = [v for v in values if v]
        if any(v not in keys for v in values):
            raise ValueError(_("Choose among the listed values."))
        return sorted(set(values), key=values.index)
    raise ValueError(f"unknown datatype {kind}")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def clean_answers(
    category: Category,
    answers: dict[str, Any],
    questions: list[CategoryQuestion] | None = None,
) -> dict[str, Any]:
    """Typed answers keyed by question code; unknown codes are refused, required ones enforced.
    `questions`: the category's (from `questions_for`), if already at hand."""
    by_code = {q.code: q for q in (questions_for(category) if questions is None else questions)}
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for code in answers:
        if code not in by_code:
            errors[f"answers.{code}"] = [_("No such question in this category.")]
    for code, question in by_code.items():
        value = answers.get(code)
        if _empty(value):
            if question.required:
                errors[f"answers.{code}"] = [_("This question needs an answer.")]
            continue
        try:
            clean[code] = _one(question, value)
        except ValueError as exc:
            errors[f"answers.{code}"] = [str(exc)]
    if errors:
        raise InvalidInput(fields=errors)
    return clean
