from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gongzhi.core import notifications, permissions


def site(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "is_staff_user": permissions.has_perm_anywhere(user, "staff.workbench"),
        "can_view_audit": permissions.has_perm_anywhere(user, "audit.view"),
        # Counted only if the page shows it (the navigation), once per request.
        "unread_notifications": SimpleLazyObject(
            lambda: notifications.unread_count(user) if user.is_authenticated else 0
        ),
    }
