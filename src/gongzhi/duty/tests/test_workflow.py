"""The swap and service-hour state machines: every allowed and forbidden transition."""

from __future__ import annotations

import pytest

from gongzhi.core.errors import Conflict, NotPermitted
from gongzhi.duty import workflow
from gongzhi.duty.choices import ServiceState, SwapState

MACHINES = [
    (workflow.SWAP_TRANSITIONS, SwapState.values),
    (workflow.SERVICE_TRANSITIONS, ServiceState.values),
]


@pytest.mark.parametrize(("transitions", "states"), MACHINES)
def test_it_walks_every_transition_from_every_state_for_every_capacity(transitions, states):
    capacities = {"requester", "counterparty", "manager", "stranger"}
    for name, transition in transitions.items():
        for state in states:
            for capacity in capacities:
                if capacity not in transition.who:
                    with pytest.raises(NotPermitted):
                        workflow.check(transitions, name, state, lambda c=capacity: {c})
                elif state not in transition.sources:
                    with pytest.raises(Conflict):
                        workflow.check(transitions, name, state, lambda c=capacity: {c})
                else:
                    taken = workflow.check(transitions, name, state, lambda c=capacity: {c})
                    assert taken.target == transition.target


def test_the_swap_machine_is_what_the_design_says():
    t = workflow.SWAP_TRANSITIONS
    assert {n: (set(x.sources), x.target, set(x.who)) for n, x in t.items()} == {
        "accept": ({SwapState.REQUESTED}, SwapState.ACCEPTED, {"counterparty"}),
        "decline": ({SwapState.REQUESTED}, SwapState.DECLINED, {"counterparty"}),
        "cancel": ({SwapState.REQUESTED}, SwapState.CANCELLED, {"requester", "manager"}),
    }
    # Every decided state is final.
    finals = {SwapState.ACCEPTED, SwapState.DECLINED, SwapState.CANCELLED}
    assert not any(finals & x.sources for x in t.values())
