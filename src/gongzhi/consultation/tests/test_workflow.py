"""The question state machine: every transition from every state, allowed and forbidden."""

from __future__ import annotations

import pytest

from gongzhi.consultation import workflow
from gongzhi.consultation.choices import QuestionState
from gongzhi.consultation.models import Question
from gongzhi.core.errors import NotPermitted

# Where each transition may start; from any other state it is an invalid transition.
EXPECTED = {
    "reply": {"open", "answered"},
    "mark_answered": {"open"},
    "reopen": {"answered"},
    "close": {"open", "answered"},
    "escalate": {"open"},
    "convert": {"open", "answered"},
    "publish": {"answered", "closed"},
}
TARGETS = {
    "mark_answered": "answered",
    "reopen": "open",
    "close": "closed",
    "convert": "converted",
}


def test_the_table_is_as_documented():
    assert {n: set(t.sources) for n, t in workflow.TRANSITIONS.items()} == EXPECTED
    assert {n: t.target for n, t in workflow.TRANSITIONS.items() if t.target} == TARGETS


@pytest.mark.parametrize("state", QuestionState.values)
@pytest.mark.parametrize("name", list(EXPECTED))
def test_it_walks_every_transition_from_every_state(name, state, question, worker):
    question.state = state
    actor = (
        None
        if name == "escalate"
        else (question.asker if name in {"mark_answered", "reopen"} else worker)
    )
    if state in EXPECTED[name]:
        assert workflow.check(question, name, actor).name == name
    else:
        with pytest.raises(workflow.InvalidTransition):
            workflow.check(question, name, actor)


def test_capacities_decide_who(question, worker, volunteer, outsider, other_resident):
    assert workflow.capacities(question, question.asker) == {"asker"}
    assert workflow.capacities(question, worker) == {"manager", "responder"}
    assert workflow.capacities(question, volunteer) == {"responder"}
    assert workflow.capacities(question, outsider) == set()
    for name, who in [
        ("mark_answered", volunteer),
        ("close", volunteer),
        ("reply", outsider),
        ("convert", question.asker),
        ("escalate", worker),
    ]:
        with pytest.raises(NotPermitted):
            workflow.check(question, name, who)


def test_allowed_lists_buttons(question: Question, worker):
    assert [t.name for t in workflow.allowed(question, question.asker)] == [
        "reply",
        "mark_answered",
    ]
    assert [t.name for t in workflow.allowed(question, worker)] == ["reply", "close", "convert"]
