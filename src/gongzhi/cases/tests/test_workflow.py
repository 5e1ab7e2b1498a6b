"""Walk every transition from every state, with every capacity: the state machine is the spec."""

from __future__ import annotations

import pytest

from gongzhi.accounts.models import RoleGrant, UnitMembership, User
from gongzhi.cases import workflow
from gongzhi.cases.choices import CaseState
from gongzhi.cases.models import Case
from gongzhi.core import permissions
from gongzhi.core.errors import NotPermitted

CAPACITIES = ["system", "reporter", "handler", "dispatcher", "supervisor", "agent", "nobody"]


@pytest.fixture
def actors(report, resident, property_handler, worker, supervisor, outsider, agent):
    case = report()
    # The worker of 新桥社区 also sits in the community committee unit: drop that so each
    # actor holds exactly one capacity.
    UnitMembership.objects.filter(user=worker).delete()
    permissions.forget_grants(worker)
    return case, {
        "system": None,
        "reporter": resident,
        "handler": property_handler,
        "dispatcher": worker,
        "supervisor": supervisor,
        "agent": agent,
        "nobody": outsider,
    }


def test_each_actor_holds_the_capacity_it_stands_for(actors):
    case, by_capacity = actors
    for capacity, actor in by_capacity.items():
        expected = set() if capacity == "nobody" else {capacity}
        assert workflow.capacities(actor, case) == expected, capacity


@pytest.mark.parametrize("name", sorted(workflow.TRANSITIONS))
def test_every_transition_from_every_state_for_every_capacity(actors, name):
    case, by_capacity = actors
    transition = workflow.TRANSITIONS[name]
    for state in CaseState.values:
        case.state = state
        for capacity in CAPACITIES:
            actor = by_capacity[capacity]
            allowed_actor = capacity in transition.who
            if not allowed_actor:
                with pytest.raises(NotPermitted):
                    workflow.check(case, name, actor)
            elif state in transition.sources:
                assert workflow.check(case, name, actor) is transition
            else:
                with pytest.raises(workflow.InvalidTransition) as error:
                    workflow.check(case, name, actor)
                assert error.value.status == 409 and error.value.code == "invalid_transition"


def test_allowed_lists_exactly_the_checkable_transitions(actors):
    case, by_capacity = actors
    case.state = CaseState.DISPATCHED
    names = {t.name for t in workflow.allowed(case, by_capacity["handler"])}
    assert names == {"accept", "return", "escalate", "comment", "answer_supervision", "merge"}


def test_every_target_is_a_known_state():
    for transition in workflow.TRANSITIONS.values():
        assert transition.target is None or transition.target in CaseState.values
        assert transition.sources <= set(CaseState.values)


def test_no_open_state_is_a_dead_end(actors):
    """From every open state someone can move the case on."""
    moving = [t for t in workflow.TRANSITIONS.values() if t.target is not None]
    for state in CaseState.values:
        if state == CaseState.CLOSED:
            continue
        assert any(state in t.sources for t in moving), state


def test_users_and_grants_are_untouched(actors):
    # The fixture must not have changed anything but the worker's unit membership.
    assert RoleGrant.objects.filter(user__username="liuyang").exists()
    assert User.objects.filter(username="wuyong", units__name="中加水岸物业服务中心").exists()
    assert not Case.objects.filter(state=CaseState.RESOLVED).exists()
