from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from gongzhi.core import notifications, permissions
from gongzhi.web.navigation import main_navigation


def site(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "is_staff_user": permissions.has_perm_anywhere(user, "staff.workbench"),
        "can_view_audit": permissions.has_perm_anywhere(user, "audit.view"),
        # Counted only if the page shows it (the navigation), once per request.
        "unread_notifications": SimpleLazyObject(
            lambda: notifications.unread_count(user) if user.is_authenticated else 0
        ),
        # The main navigation's groups and links (see gongzhi.web.navigation), built if shown.
        "main_nav": SimpleLazyObject(
            lambda: main_navigation(user, getattr(request, "resolver_match", None))
        ),
    }
