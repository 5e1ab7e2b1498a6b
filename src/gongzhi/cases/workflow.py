"""The case state machine, declared once: transitions, who may take each, what each records.

Capacities (who): `system` (the platform itself: routing, the deadline sweep), `reporter`,
`handler` (a member of the case's current unit), `dispatcher` (case.dispatch on the place),
`supervisor` (case.supervise on the place), `agent` (case.follow_up on the place: the service
centre's agents, who phone residents for the follow-up). Services call `check()` before changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import OPEN_STATES, CaseState
from gongzhi.core import permissions
from gongzhi.core.errors import Conflict, NotPermitted

if TYPE_CHECKING:
    from gongzhi.cases.models import Case

S = CaseState


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    who: frozenset[str]
    label: Any
    public: bool  # whether the resident sees a timeline entry for it
    needs_note: bool = False


def _t(
    name: str,
    sources: set[str] | frozenset[str],
    target: str | None,
    who: set[str],
    label: Any,
    *,
    public: bool,
    needs_note: bool = False,
) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(who), label, public, needs_note)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t(
            "dispatch",
            {S.SUBMITTED, S.RETURNED},
            S.DISPATCHED,
            {"system", "dispatcher"},
            _("Dispatched"),
            public=True,
        ),
        _t(
            "reroute",
            {S.DISPATCHED, S.ESCALATED, S.ACCEPTED, S.IN_PROGRESS},
            S.DISPATCHED,
            {"dispatcher"},
            _("Transferred to another unit"),
            public=True,
            needs_note=True,
        ),
        _t(
            "accept",
            {S.DISPATCHED, S.ESCALATED},
            S.ACCEPTED,
            {"handler"},
            _("Accepted"),
            public=True,
        ),
        _t(
            "return",
            {S.DISPATCHED, S.ESCALATED},
            S.RETURNED,
            {"handler"},
            _("Returned"),
            public=False,
            needs_note=True,
        ),
        _t("start", {S.ACCEPTED}, S.IN_PROGRESS, {"handler"}, _("Work started"), public=True),
        _t(
            "escalate",
            {S.DISPATCHED, S.ESCALATED, S.ACCEPTED, S.IN_PROGRESS},
            S.ESCALATED,
            {"handler", "dispatcher", "supervisor", "system"},
            _("Escalated"),
            public=True,
            needs_note=True,
        ),
        _t(
            "request_extension",
            {S.ACCEPTED, S.IN_PROGRESS},
            None,
            {"handler"},
            _("Extension requested"),
            public=False,
            needs_note=True,
        ),
        _t(
            "decide_extension",
            {S.ACCEPTED, S.IN_PROGRESS},
            None,
            {"supervisor"},
            _("Extension decided"),
            public=True,
        ),
        _t(
            "resolve",
            {S.ACCEPTED, S.IN_PROGRESS},
            S.RESOLVED,
            {"handler"},
            _("Resolved"),
            public=True,
            needs_note=True,
        ),
        _t(
            "remind",
            OPEN_STATES,
            None,
            {"system", "dispatcher", "supervisor"},
            _("Reminder"),
            public=False,
        ),
        _t(
            "supervise",
            OPEN_STATES,
            None,
            {"supervisor"},
            _("Supervision note"),
            public=False,
            needs_note=True,
        ),
        _t(
            "answer_supervision",
            set(CaseState.values),
            None,
            {"handler"},
            _("Supervision answered"),
            public=False,
            needs_note=True,
        ),
        _t(
            "close",
            {S.RESOLVED},
            S.CLOSED,
            {"reporter", "agent"},
            _("Rated and closed"),
            public=True,
        ),
        _t("reopen", {S.RESOLVED}, S.DISPATCHED, {"reporter", "agent"}, _("Reopened"), public=True),
        _t(
            "merge",
            OPEN_STATES,
            S.CLOSED,
            {"dispatcher", "supervisor", "handler"},
            _("Merged as a duplicate"),
            public=True,
        ),
        _t(
            "close_unanswered",
            {S.RESOLVED},
            S.CLOSED,
            {"system"},
            _("Closed without a rating"),
            public=True,
        ),
        _t(
            "comment",
            OPEN_STATES,
            None,
            {"handler", "dispatcher", "supervisor"},
            _("Note"),
            public=False,
            needs_note=True,
        ),
    ]
}


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This step is not possible in the case's current state.")


def capacities(actor: Any, case: Case) -> set[str]:
    """What the actor is, with respect to this case."""
    if actor is None:
        return {"system"}
    held: set[str] = set()
    if case.reporter_id is not None and case.reporter_id == getattr(actor, "pk", None):
        held.add("reporter")
    if permissions.is_unit_member(actor, case.unit_id):
        held.add("handler")
    if permissions.has_perm(actor, "case.dispatch", case.place):
        held.add("dispatcher")
    if permissions.has_perm(actor, "case.supervise", case.place):
        held.add("supervisor")
    if permissions.has_perm(actor, "case.follow_up", case.place):
        held.add("agent")
    return held


def check(case: Case, name: str, actor: Any) -> Transition:
    """The transition, if `actor` may take it now; else NotPermitted or InvalidTransition."""
    transition = TRANSITIONS[name]
    if not capacities(actor, case) & transition.who:
        raise NotPermitted()
    if case.state not in transition.sources:
        raise InvalidTransition(
            _("Cannot %(step)s a case that is %(state)s.")
            % {"step": str(transition.label).lower(), "state": case.get_state_display()}
        )
    return transition


def allowed(case: Case, actor: Any) -> list[Transition]:
    """The transitions `actor` may take on the case now (for showing buttons)."""
    held = capacities(actor, case)
    return [t for t in TRANSITIONS.values() if case.state in t.sources and held & t.who]
