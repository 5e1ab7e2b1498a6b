"""Which case pages a user's navigation offers, decided by their roles.

It spends no query for staff (their grants are already loaded for the page); only a user with
no staff role is asked whether they belong to a handling unit (one query).
"""

from __future__ import annotations

from typing import Any

from django import template

from gongzhi.accounts.choices import Role
from gongzhi.core import permissions

register = template.Library()

RESIDENT_SIDE = frozenset({Role.RESIDENT, *permissions.SELF_GOVERNANCE_ROLES})
# Roles whose holders normally sit in a handling unit (the community committee, the street office).
UNIT_STAFF = frozenset({Role.COMMUNITY_WORKER, Role.OFFICIAL})


def case_links_for(user: Any) -> dict[str, bool]:
    if not getattr(user, "is_authenticated", False):
        return {}
    held = set(permissions.roles_held(user))
    superuser = permissions.is_superuser(user)
    staff = bool(held & permissions.STAFF_ROLES)
    return {
        "report": bool(held & RESIDENT_SIDE),
        "mine": bool(held & RESIDENT_SIDE),
        "workbench": superuser
        or bool(held & UNIT_STAFF)
        or (not staff and bool(permissions.unit_ids_of(user))),
        "dispatch": permissions.has_perm_anywhere(user, "case.dispatch"),
        "supervision": permissions.has_perm_anywhere(user, "case.supervise"),
        "register": permissions.has_perm_anywhere(user, "case.register"),
    }


@register.simple_tag(takes_context=True)
def case_links(context: template.Context) -> dict[str, bool]:
    request = context.get("request")
    return case_links_for(getattr(request, "user", None))
