"""The two state machines of publicity, declared once: a project's status and a notice's state.

Capacities (who): `system` (the platform: the period sweep, a notice publishing a project),
`staff` (project.manage / notice.manage on the place), `resident` (someone registered in the
notice's place or below it: the people a notice asks for objections).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.core import permissions
from gongzhi.core.errors import Conflict, NotPermitted
from gongzhi.publicity.choices import NoticeState, ProjectStatus

if TYPE_CHECKING:
    from gongzhi.places.models import Place
    from gongzhi.publicity.models import Notice, Project

P, N = ProjectStatus, NoticeState


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the state does not change
    who: frozenset[str]
    label: Any
    needs_note: bool = False


def _t(
    name: str,
    sources: Iterable[str],
    target: str | None,
    who: set[str],
    label: Any,
    *,
    needs_note: bool = False,
) -> Transition:
    return Transition(name, frozenset(sources), target, frozenset(who), label, needs_note)


LIVE = {P.PLANNED, P.IN_CONSULTATION, P.APPROVED, P.IN_PROGRESS}

PROJECT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # Publishing a notice about a planned project puts it under public notice.
        _t("notice", {P.PLANNED}, P.IN_CONSULTATION, {"system", "staff"}, _("Put under notice")),
        _t("approve", {P.PLANNED, P.IN_CONSULTATION}, P.APPROVED, {"staff"}, _("Approve")),
        _t("start", {P.APPROVED}, P.IN_PROGRESS, {"staff"}, _("Start work")),
        _t("complete", {P.IN_PROGRESS}, P.COMPLETED, {"staff"}, _("Complete")),
        _t("cancel", LIVE, P.CANCELLED, {"staff"}, _("Cancel"), needs_note=True),
        _t("progress", {P.APPROVED, P.IN_PROGRESS}, None, {"staff"}, _("Progress update")),
        _t("edit", LIVE, None, {"staff"}, _("Edit")),
    ]
}

NOTICE_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("object", {N.OPEN}, None, {"resident"}, _("File an objection")),
        _t("respond", {N.OPEN, N.ENDED}, None, {"staff"}, _("Respond"), needs_note=True),
        _t("extend", {N.OPEN, N.ENDED}, N.OPEN, {"staff"}, _("Extend the period"), needs_note=True),
        _t(
            "restart",
            {N.OPEN, N.ENDED},
            N.OPEN,
            {"staff"},
            _("Restart the period"),
            needs_note=True,
        ),
        _t("end", {N.OPEN}, N.ENDED, {"system"}, _("Period ended")),
        _t("close", {N.ENDED}, N.CLOSED, {"staff"}, _("Close with a result"), needs_note=True),
    ]
}

# Roles of the people who live in a place (the ones a notice asks for objections).
RESIDENT_ROLES = frozenset({"resident", *permissions.SELF_GOVERNANCE_ROLES})


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This step is not possible in the current state.")


def residence_q(place: Place, user_field: str = "") -> Q:
    """Grants that make someone a resident of `place`: a resident-side role on it or below."""
    from gongzhi.places.selectors import subtree_range

    prefix = f"{user_field}__" if user_field else ""
    return Q(
        **{
            f"{prefix}role__in": RESIDENT_ROLES,
            f"{prefix}place__path__range": subtree_range(place.path),
        }
    )


def is_resident(user: Any, place: Place) -> bool:
    """Registered in `place` or below it (no query when the grants are loaded)."""
    return any(
        g.role in RESIDENT_ROLES and g.place_path.startswith(place.path)
        for g in permissions.grants_of(user)
    )


def project_capacities(actor: Any, project: Project) -> set[str]:
    if actor is None:
        return {"system"}
    return {"staff"} if permissions.has_perm(actor, "project.manage", project.place) else set()


def notice_capacities(actor: Any, notice: Notice) -> set[str]:
    if actor is None:
        return {"system"}
    held = set()
    if permissions.has_perm(actor, "notice.manage", notice.place):
        held.add("staff")
    if getattr(actor, "is_active", False) and is_resident(actor, notice.place):
        held.add("resident")
    return held


def _check(
    table: dict[str, Transition], name: str, state: str, state_label: str, held: set[str]
) -> Transition:
    transition = table[name]
    if not held & transition.who:
        raise NotPermitted()
    if state not in transition.sources:
        raise InvalidTransition(
            _("Not possible now: %(step)s, while it is %(state)s.")
            % {"step": str(transition.label).lower(), "state": state_label}
        )
    return transition


def project_check(project: Project, name: str, actor: Any) -> Transition:
    return _check(
        PROJECT_TRANSITIONS,
        name,
        project.status,
        project.get_status_display(),
        project_capacities(actor, project),
    )


def notice_check(notice: Notice, name: str, actor: Any) -> Transition:
    held = notice_capacities(actor, notice)
    if name == "object" and "resident" not in held:
        raise NotPermitted(
            _("Only residents of %(place)s may object to this notice.")
            % {"place": notice.place.name}
        )
    return _check(NOTICE_TRANSITIONS, name, notice.state, notice.get_state_display(), held)


def project_allowed(project: Project, actor: Any) -> list[Transition]:
    held = project_capacities(actor, project)
    return [t for t in PROJECT_TRANSITIONS.values() if project.status in t.sources and held & t.who]


def notice_allowed(notice: Notice, actor: Any) -> list[Transition]:
    held = notice_capacities(actor, notice)
    return [t for t in NOTICE_TRANSITIONS.values() if notice.state in t.sources and held & t.who]
