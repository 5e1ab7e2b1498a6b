"""Which home page a user sees: the most responsible role they hold decides."""

from __future__ import annotations

from typing import Any

from gongzhi.accounts.choices import Role
from gongzhi.core import permissions

HOME_ORDER = [
    (Role.ADMIN, "admin"),
    (Role.SUPERVISOR, "supervisor"),
    (Role.OFFICIAL, "official"),
    (Role.COMMUNITY_WORKER, "worker"),
    (Role.AGENT, "agent"),
    (Role.BUILDING_HEAD, "self_governance"),
    (Role.COURTYARD_MEMBER, "self_governance"),
    (Role.VOLUNTEER, "self_governance"),
    (Role.SOCIAL_ORG_LEAD, "self_governance"),
    (Role.RESIDENT, "resident"),
]


def home_kind(user: Any) -> str:
    if not getattr(user, "is_authenticated", False):
        return "public"
    if permissions.is_superuser(user):
        return "admin"
    held = permissions.roles_held(user)
    for role, kind in HOME_ORDER:
        if role in held:
            return kind
    if user.units.exists():
        return "unit"
    return "resident"
