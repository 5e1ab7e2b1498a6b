"""The duty app's state machines, declared once: shift swaps and service-hour confirmation.

Capacities (who): `requester` (asked for the swap), `counterparty` (was asked), `manager`
(duty.manage on the roster's place, or volunteer.manage on the community for hours).
Services call `check()` before changing anything; an illegal step is a Conflict, a step by
someone not entitled is NotPermitted — both shown as messages, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from gongzhi.core.errors import Conflict, NotPermitted
from gongzhi.duty.choices import ServiceState, SwapState


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    who: frozenset[str]


def _t(name: str, sources: set[str], target: str, who: set[str]) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(who))


# A swap: requested → accepted (the shifts change) | declined | cancelled.
SWAP_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("accept", {SwapState.REQUESTED}, SwapState.ACCEPTED, {"counterparty"}),
        _t("decline", {SwapState.REQUESTED}, SwapState.DECLINED, {"counterparty"}),
        _t("cancel", {SwapState.REQUESTED}, SwapState.CANCELLED, {"requester", "manager"}),
    ]
}

# Service hours: reported → confirmed | rejected (a staff record starts confirmed).
SERVICE_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("confirm", {ServiceState.REPORTED}, ServiceState.CONFIRMED, {"manager"}),
        _t("reject", {ServiceState.REPORTED}, ServiceState.REJECTED, {"manager"}),
    ]
}


def check(
    transitions: dict[str, Transition],
    name: str,
    state: str,
    capacities: Callable[[], set[str]],
) -> Transition:
    """The transition `name` from `state`, if the actor (whose capacities are computed lazily)
    may take it."""
    transition = transitions[name]
    if not capacities() & transition.who:
        raise NotPermitted()
    if state not in transition.sources:
        raise Conflict(_("This is not possible in the current state."))
    return transition
