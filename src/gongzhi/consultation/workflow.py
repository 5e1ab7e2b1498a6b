"""The question state machine, declared once: transitions, who may take each, what each records.

    open ──mark_answered──▶ answered ──close──▶ closed
      │  ◀──────reopen────────┘
      ├──close──▶ closed
      └──convert──▶ converted (a case now carries it; see Question.case)

`reply` keeps the state (open or answered); `escalate` keeps it too and records `escalated_at`
(the flag: an unanswered question went to the community workers); `publish` puts an answered or
closed question in the FAQ.

Capacities (who): `asker` (the resident who asked), `responder` (consultation.answer on the
place, or on duty for it), `manager` (consultation.manage on the place), `system` (the
escalation sweep). Services call `check()` before changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from gongzhi.consultation.choices import QuestionState
from gongzhi.core import permissions
from gongzhi.core.errors import Conflict, NotPermitted

if TYPE_CHECKING:
    from gongzhi.consultation.models import Question

S = QuestionState


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    who: frozenset[str]
    label: Any
    records: str = ""  # the timestamp field the transition sets


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "reply",
            frozenset({S.OPEN, S.ANSWERED}),
            None,
            frozenset({"asker", "responder", "manager"}),
            _("Reply"),
        ),
        Transition(
            "mark_answered",
            frozenset({S.OPEN}),
            S.ANSWERED,
            frozenset({"asker"}),
            _("Mark as answered"),
            "answered_at",
        ),
        Transition("reopen", frozenset({S.ANSWERED}), S.OPEN, frozenset({"asker"}), _("Reopen")),
        Transition(
            "close",
            frozenset({S.OPEN, S.ANSWERED}),
            S.CLOSED,
            frozenset({"manager"}),
            _("Close"),
            "closed_at",
        ),
        Transition(
            "escalate",
            frozenset({S.OPEN}),
            None,
            frozenset({"system"}),
            _("Passed to the community workers"),
            "escalated_at",
        ),
        Transition(
            "convert",
            frozenset({S.OPEN, S.ANSWERED}),
            S.CONVERTED,
            frozenset({"manager"}),
            _("Turn into a case"),
        ),
        Transition(
            "publish",
            frozenset({S.ANSWERED, S.CLOSED}),
            None,
            frozenset({"manager"}),
            _("Publish to the FAQ"),
        ),
    ]
}


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This step is not possible in the question's current state.")


def capacities(question: Question, user: Any) -> set[str]:
    """In which capacities `user` acts on `question`."""
    if user is None:
        return {"system"}
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    found = set()
    if question.asker_id == user.pk:
        found.add("asker")
    if permissions.has_perm(user, "consultation.manage", question.place):
        found |= {"manager", "responder"}
    elif permissions.has_perm(user, "consultation.answer", question.place) or _on_duty(
        question, user
    ):
        found.add("responder")
    return found


def _on_duty(question: Question, user: Any) -> bool:
    from gongzhi.consultation.routing import is_on_duty

    return is_on_duty(user=user, place=question.place)


def check(question: Question, name: str, user: Any) -> Transition:
    """The transition, if `user` may take it now; NotPermitted or InvalidTransition otherwise."""
    transition = TRANSITIONS[name]
    if not capacities(question, user) & transition.who:
        raise NotPermitted()
    if question.state not in transition.sources:
        raise InvalidTransition()
    return transition


def allowed(question: Question, user: Any) -> list[Transition]:
    """The transitions `user` may take now (for buttons and the API's `actions`)."""
    mine = capacities(question, user)
    return [
        t
        for t in TRANSITIONS.values()
        if question.state in t.sources and mine & t.who and "system" not in t.who
    ]
