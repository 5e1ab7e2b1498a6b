"""The expense state machine, declared once: transitions, who may take each, what each records.

draft → submitted → approved → paid → published, with rejected (a reason required) and revise
(back to draft); paid or published → reversed when the payment's ledger entry is reversed
(services.entry_reverse takes that step, never a button: a reversed expense is final). Capacities: `submitter` (who created the expense and may still submit
expenses here), `approver` (fund.expense_approve on the fund's place and NOT the submitter:
four eyes), `treasurer` (fund.treasurer on the place). An expense of at least the fund's
`second_approval_from` stays `submitted` after its first approval until a second, distinct
approver agrees (see services.expense_approve). Services call `check()` before changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from gongzhi.core import permissions
from gongzhi.core.errors import Conflict, NotPermitted
from gongzhi.fund.choices import ExpenseState

if TYPE_CHECKING:
    from gongzhi.fund.models import Expense

S = ExpenseState


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    # Where the expense goes; `approve` may stay in `submitted` (a second approver is needed).
    target: str
    who: frozenset[str]
    label: Any
    needs_reason: bool = False
    # What the transition stamps on the expense.
    records: str = ""
    # False: another service takes it (entry_reverse), so it is not offered as a step.
    manual: bool = True


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition(
            "submit",
            frozenset({S.DRAFT}),
            S.SUBMITTED,
            frozenset({"submitter"}),
            _("Submit"),
            records="submitted_at",
        ),
        Transition(
            "approve",
            frozenset({S.SUBMITTED}),
            S.APPROVED,
            frozenset({"approver"}),
            _("Approve"),
            records="decided_at",
        ),
        Transition(
            "reject",
            frozenset({S.SUBMITTED}),
            S.REJECTED,
            frozenset({"approver"}),
            _("Reject"),
            needs_reason=True,
            records="decided_at",
        ),
        Transition(
            "revise",
            frozenset({S.REJECTED}),
            S.DRAFT,
            frozenset({"submitter"}),
            _("Revise"),
        ),
        Transition(
            "pay",
            frozenset({S.APPROVED}),
            S.PAID,
            frozenset({"treasurer"}),
            _("Pay"),
            records="paid_at",
        ),
        Transition(
            "publish",
            frozenset({S.PAID}),
            S.PUBLISHED,
            frozenset({"treasurer"}),
            _("Publish as a notice"),
        ),
        Transition(
            "reverse",
            frozenset({S.PAID, S.PUBLISHED}),
            S.REVERSED,
            frozenset({"treasurer"}),
            _("Reverse the payment"),
            needs_reason=True,
            records="reversed_at",
            manual=False,
        ),
    ]
}


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This step is not possible in the expense's current state.")


def capacities(actor: Any, expense: Expense) -> set[str]:
    """What the actor is, with respect to this expense."""
    held: set[str] = set()
    if actor is None:
        return held
    place = expense.fund.place
    is_submitter = expense.created_by_id == getattr(actor, "pk", None)
    if is_submitter and permissions.has_perm(actor, "fund.expense_submit", place):
        held.add("submitter")
    # Four eyes: whoever submitted an expense never approves or rejects it.
    if not is_submitter and permissions.has_perm(actor, "fund.expense_approve", place):
        held.add("approver")
    if permissions.has_perm(actor, "fund.treasurer", place):
        held.add("treasurer")
    return held


def check(expense: Expense, name: str, actor: Any) -> Transition:
    """The transition, if `actor` may take it now; else NotPermitted or InvalidTransition."""
    transition = TRANSITIONS[name]
    if not capacities(actor, expense) & transition.who:
        raise NotPermitted()
    if expense.state not in transition.sources:
        raise InvalidTransition(
            _("Cannot %(step)s an expense that is %(state)s.")
            % {"step": str(transition.label).lower(), "state": expense.get_state_display()}
        )
    return transition


def allowed(expense: Expense, actor: Any) -> list[Transition]:
    """The steps `actor` may take on the expense now (for showing buttons)."""
    held = capacities(actor, expense)
    return [
        t for t in TRANSITIONS.values() if t.manual and expense.state in t.sources and held & t.who
    ]
