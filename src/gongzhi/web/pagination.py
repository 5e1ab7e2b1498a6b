"""Keyset pagination for HTML lists: `?after=<key>`; no COUNT, no OFFSET."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from gongzhi.core.validators import is_digits

PAGE_SIZE = 50


@dataclass
class KeysetPage:
    items: list[Any]
    next_after: Any | None


def keyset_page(
    queryset: QuerySet[Any],
    request: HttpRequest,
    *,
    key: str,
    descending: bool = False,
    size: int = PAGE_SIZE,
) -> KeysetPage:
    after = request.GET.get("after")
    qs = queryset.order_by(f"-{key}" if descending else key)
    if after and is_digits(after):
        qs = qs.filter(**{f"{key}__lt" if descending else f"{key}__gt": int(after)})
    items = list(qs[: size + 1])
    more = len(items) > size
    items = items[:size]
    return KeysetPage(items, getattr(items[-1], key) if more and items else None)
