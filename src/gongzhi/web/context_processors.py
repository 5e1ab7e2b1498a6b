from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gongzhi.core import permissions


def site(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "is_staff_user": permissions.has_perm_anywhere(user, "staff.workbench"),
        "can_view_audit": permissions.has_perm_anywhere(user, "audit.view"),
    }
