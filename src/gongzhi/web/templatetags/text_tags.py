"""Text filters for every app's templates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

register = template.Library()


@register.filter(is_safe=True)
def list_join(items: Iterable[Any]) -> SafeString:
    """Items joined the way the language lists them: 甲、乙 in Chinese, "a, b" in English."""
    separator = pgettext("list separator", ", ")
    return mark_safe(separator.join(str(conditional_escape(item)) for item in items))
