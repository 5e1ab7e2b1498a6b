"""Tell people what concerns them: in-app notifications, written in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gongzhi.core import clock
from gongzhi.core.models import Notification


def notify(
    *, recipients: Iterable[Any], kind: str, title: str, body: str = "", url: str = ""
) -> int:
    """One notification per distinct recipient; returns how many were written."""
    now = clock.now()
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                kind=kind,
                title=title[:200],
                body=body[:2000],
                url=url,
                created_at=now,
            )
        )
    Notification.objects.bulk_create(rows)
    return len(rows)
