from __future__ import annotations

from typing import Any

from django import template

from gongzhi.core import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def duty_links(context: template.Context) -> dict[str, bool]:
    """Which staff pages of the duty app the viewer may open (no query: grants are cached)."""
    user: Any = getattr(context.get("request"), "user", None)
    return {
        "rosters": permissions.has_perm_anywhere(user, "duty.view"),
        "volunteers": permissions.has_perm_anywhere(user, "volunteer.view"),
    }
