"""The one permission check. Every view, API endpoint and service asks here.

A permission is granted by roles; a role is granted on a place and applies to its subtree.
`POLICY` is the whole rulebook: which roles carry which permission.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from gongzhi.accounts.choices import Role
from gongzhi.core.errors import NotPermitted

STAFF_ROLES = frozenset(
    {Role.COMMUNITY_WORKER, Role.AGENT, Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN}
)
SELF_GOVERNANCE_ROLES = frozenset(
    {Role.BUILDING_HEAD, Role.COURTYARD_MEMBER, Role.VOLUNTEER, Role.SOCIAL_ORG_LEAD}
)

POLICY: dict[str, frozenset[str]] = {
    # People registered in a place (residents, volunteers, staff) and their roles.
    "person.view": STAFF_ROLES,
    # Unmasked phone numbers: only those who must call people back.
    "person.view_contact": frozenset({Role.COMMUNITY_WORKER, Role.AGENT, Role.ADMIN}),
    "person.manage": frozenset({Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.ADMIN}),
    "audit.view": frozenset({Role.SUPERVISOR, Role.OFFICIAL, Role.ADMIN}),
    "place.manage": frozenset({Role.ADMIN}),
    "unit.manage": frozenset({Role.ADMIN}),
    "staff.workbench": STAFF_ROLES,
    # Cases: who may register a case for a resident or from patrol, see every case of a
    # place, route and re-route, and supervise (督办).
    "case.register": frozenset({Role.AGENT, Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.ADMIN}),
    "case.view": frozenset(
        {Role.AGENT, Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN}
    ),
    "case.dispatch": frozenset({Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.ADMIN}),
    "case.supervise": frozenset({Role.SUPERVISOR, Role.ADMIN}),
    # 回访: record a resident's rating on their behalf, by phone.
    "case.follow_up": frozenset({Role.AGENT, Role.ADMIN}),
    # The reporter's identity and contact, when the reporter allowed it or the viewer is staff.
    "case.view_contact": frozenset({Role.AGENT, Role.COMMUNITY_WORKER, Role.ADMIN}),
    # Aggregates of a place: participation rate and analyses (no personal data).
    "analytics.view": STAFF_ROLES,
    # Consultation: see and answer the questions of a place (staff and the self-governance
    # roles who take turns on duty); close, turn into a case, publish to the FAQ.
    "consultation.view": STAFF_ROLES | SELF_GOVERNANCE_ROLES,
    "consultation.answer": STAFF_ROLES | SELF_GOVERNANCE_ROLES,
    "consultation.manage": frozenset({Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.ADMIN}),
    # Duty rosters: see a place's rosters and shifts (with names), and manage them.
    "duty.view": STAFF_ROLES | SELF_GOVERNANCE_ROLES,
    "duty.manage": frozenset({Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.ADMIN}),
    # The registry of volunteers and party members serving a community, and their hours.
    "volunteer.view": frozenset(
        {Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.SUPERVISOR, Role.ADMIN}
    ),
    "volunteer.manage": frozenset({Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.ADMIN}),
    # Courtyard funds: see the ledger with names, open a fund, act as treasurer (post
    # contributions, transfers, reversals; pay and publish expenses), submit and approve expenses.
    "fund.view": STAFF_ROLES | {Role.BUILDING_HEAD, Role.COURTYARD_MEMBER},
    "fund.manage": frozenset({Role.COMMUNITY_WORKER, Role.ADMIN}),
    "fund.treasurer": frozenset({Role.COMMUNITY_WORKER, Role.ADMIN}),
    "fund.expense_submit": frozenset(
        {Role.COMMUNITY_WORKER, Role.BUILDING_HEAD, Role.COURTYARD_MEMBER, Role.ADMIN}
    ),
    "fund.expense_approve": frozenset(
        {Role.COMMUNITY_WORKER, Role.COURTYARD_MEMBER, Role.OFFICIAL, Role.ADMIN}
    ),
    # Publicity: projects and their progress; notices, their periods and results; objections
    # with the objector's name (the public sees it masked).
    "project.manage": frozenset({Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.ADMIN}),
    "notice.manage": frozenset({Role.COMMUNITY_WORKER, Role.OFFICIAL, Role.ADMIN}),
    "objection.view": STAFF_ROLES,
}

# Roles a granter may hand out on a place: admins any, others only the resident-side ones.
GRANTABLE_BY: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(Role.values),
    Role.OFFICIAL: frozenset(Role.values) - {Role.ADMIN, Role.SUPERVISOR},
    Role.COMMUNITY_WORKER: frozenset({Role.RESIDENT, *SELF_GOVERNANCE_ROLES}),
}


@dataclass(frozen=True)
class Grant:
    role: str
    place_id: int
    place_path: str


def grants_of(user: Any) -> list[Grant]:
    """The user's role grants, loaded once per user object (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached: list[Grant] | None = getattr(user, "_gongzhi_grants", None)
    if cached is None:
        from gongzhi.accounts.models import RoleGrant

        cached = [
            Grant(role, place_id, path)
            for role, place_id, path in RoleGrant.objects.filter(user_id=user.pk).values_list(
                "role", "place_id", "place__path"
            )
        ]
        user._gongzhi_grants = cached
    return cached


def unit_ids_of(user: Any) -> dict[int, str]:
    """The handling units the user belongs to (unit id → role in unit), loaded once (one query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    cached: dict[int, str] | None = getattr(user, "_gongzhi_units", None)
    if cached is None:
        from gongzhi.accounts.models import UnitMembership

        cached = dict(
            UnitMembership.objects.filter(user_id=user.pk, unit__is_active=True).values_list(
                "unit_id", "role"
            )
        )
        user._gongzhi_units = cached
    return cached


def is_unit_member(user: Any, unit_id: int | None) -> bool:
    return unit_id is not None and unit_id in unit_ids_of(user)


def forget_grants(user: Any) -> None:
    for attribute in ("_gongzhi_grants", "_gongzhi_units"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def roles_for(perm: str) -> frozenset[str]:
    try:
        return POLICY[perm]
    except KeyError:
        raise ValueError(f"unknown permission {perm!r}") from None


def has_perm(user: Any, perm: str, place: Any) -> bool:
    """May `user` exercise `perm` on something at `place` (a Place)?"""
    roles = roles_for(perm)
    if is_superuser(user):
        return True
    if not getattr(user, "is_active", False):
        return False
    path = place.path
    return any(g.role in roles and path.startswith(g.place_path) for g in grants_of(user))


def has_perm_anywhere(user: Any, perm: str) -> bool:
    roles = roles_for(perm)
    return is_superuser(user) or any(g.role in roles for g in grants_of(user))


def require(user: Any, perm: str, place: Any) -> None:
    if not has_perm(user, perm, place):
        raise NotPermitted()


def scope_paths(user: Any, perm: str) -> list[str] | None:
    """Place paths under which `perm` holds; None means everywhere (superuser)."""
    roles = roles_for(perm)
    if is_superuser(user):
        return None
    paths = sorted({g.place_path for g in grants_of(user) if g.role in roles})
    # Drop paths that lie under another granted path: the filter stays short.
    return [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]


def place_q(
    user: Any, perm: str, place_field: str = "place", *, path_field: str | None = None
) -> Q:
    """A filter selecting rows whose place lies where `perm` holds.

    `path_field` names a denormalised copy of the place's path on the row (no join needed).
    """
    paths = scope_paths(user, perm)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    from gongzhi.places.selectors import subtree_range

    # A range on the path, not LIKE 'prefix%': both databases answer it from the index.
    lookup = f"{path_field}__range" if path_field else f"{place_field}__path__range"
    q = Q()
    for path in paths:
        q |= Q(**{lookup: subtree_range(path)})
    return q


M = TypeVar("M", bound=Model)


def scope(queryset: QuerySet[M], user: Any, perm: str, place_field: str = "place") -> QuerySet[M]:
    return queryset.filter(place_q(user, perm, place_field))


def can_grant(user: Any, role: str, place: Any) -> bool:
    if is_superuser(user):
        return True
    return any(
        role in GRANTABLE_BY.get(g.role, frozenset()) and place.path.startswith(g.place_path)
        for g in grants_of(user)
    )


def roles_held(user: Any) -> Iterable[str]:
    return {g.role for g in grants_of(user)}
