"""Tell people what concerns them.

`notify()` writes in-app notifications in the caller's transaction and queues their outbound
deliveries (e-mail, SMS, WeChat) by each recipient's preferences. Sending happens later, in the
worker (`deliveries_send`, every minute and right after a commit), so a slow or failing channel
never blocks or undoes the state change. A failed delivery is retried with exponential backoff;
reminders are digested: at most one message per recipient and channel per hour.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.models import (
    Delivery,
    DeliveryState,
    Notification,
    NotificationChannel,
    NotificationPreference,
)

DIGEST_KINDS = frozenset({"case.reminder"})
DIGEST_INTERVAL = dt.timedelta(hours=1)
MAX_ATTEMPTS = 8


def _default_channels(user: Any) -> set[str]:
    """Without preferences: e-mail when the user has an address."""
    return {NotificationChannel.EMAIL} if getattr(user, "email", "") else set()


def channels_for(users: list[Any], kind: str) -> dict[int, set[str]]:
    """Outbound channels each user wants for this kind (one query)."""
    chosen = {u.pk: _default_channels(u) for u in users}
    for pref in NotificationPreference.objects.filter(user_id__in=list(chosen)):
        wanted = pref.enabled and kind not in pref.muted_kinds
        if wanted:
            chosen[pref.user_id].add(pref.channel)
        else:
            chosen[pref.user_id].discard(pref.channel)
    return chosen


def notify(
    *, recipients: Iterable[Any], kind: str, title: str, body: str = "", url: str = ""
) -> int:
    """One in-app notification per distinct active recipient, plus its deliveries."""
    now = clock.now()
    users: dict[int, Any] = {}
    for user in recipients:
        if user is not None and user.is_active and user.pk not in users:
            users[user.pk] = user
    if not users:
        return 0
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=u, kind=kind, title=title[:200], body=body[:2000], url=url, created_at=now
            )
            for u in users.values()
        ]
    )
    digest = kind in DIGEST_KINDS
    wanted = channels_for(list(users.values()), kind)
    deliveries = [
        Delivery(
            notification=n,
            recipient_id=n.recipient_id,
            channel=channel,
            digest=digest,
            next_attempt_at=now,
        )
        for n in notifications
        for channel in sorted(wanted[n.recipient_id])
    ]
    if deliveries:
        Delivery.objects.bulk_create(deliveries)
        transaction.on_commit(_enqueue_send)
    return len(notifications)


def _enqueue_send() -> None:
    from gongzhi.core.tasks import send_deliveries

    send_deliveries.enqueue()


def _claim_due(now: dt.datetime, batch: int) -> list[Delivery]:
    qs = Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now).order_by(
        "next_attempt_at", "id"
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    else:
        qs = qs.select_for_update()
    return list(qs.select_related("notification", "recipient")[:batch])


def _backoff(attempts: int) -> dt.timedelta:
    return min(dt.timedelta(minutes=2**attempts), dt.timedelta(hours=12))


def deliveries_send(*, batch: int = 200) -> dict[str, int]:
    """Send what is due: single messages, and one digest per recipient and channel per hour."""
    from gongzhi.core.channels import backend_for

    now = clock.now()
    counts = {"sent": 0, "retry": 0, "failed": 0, "waiting": 0}
    with transaction.atomic():
        due = _claim_due(now, batch)
        groups: dict[tuple[int, str, bool], list[Delivery]] = defaultdict(list)
        for delivery in due:
            groups[(delivery.recipient_id, delivery.channel, delivery.digest)].append(delivery)
        for (recipient_id, channel, digest), items in groups.items():
            if digest:
                last = (
                    Delivery.objects.filter(
                        recipient_id=recipient_id,
                        channel=channel,
                        digest=True,
                        sent_at__isnull=False,
                    )
                    .order_by("-sent_at")
                    .values_list("sent_at", flat=True)
                    .first()
                )
                if last is not None and now - last < DIGEST_INTERVAL:
                    Delivery.objects.filter(pk__in=[d.pk for d in items]).update(
                        next_attempt_at=last + DIGEST_INTERVAL
                    )
                    counts["waiting"] += len(items)
                    continue
                messages = [items]
            else:
                messages = [[d] for d in items]
            backend = backend_for(channel)
            for message in messages:
                to = backend.address(message[0].recipient)
                if not to:
                    _finish(message, DeliveryState.FAILED, now, _("no address on this channel"))
                    counts["failed"] += len(message)
                    continue
                subject, body = _compose(message)
                try:
                    backend.send(to=to, subject=subject, body=body)
                except Exception as exc:  # any backend failure is retried later
                    counts["retry" if message[0].attempts + 1 < MAX_ATTEMPTS else "failed"] += len(
                        message
                    )
                    _retry(message, now, f"{type(exc).__name__}: {exc}"[:500])
                else:
                    _finish(message, DeliveryState.SENT, now)
                    counts["sent"] += len(message)
    return counts


def _compose(message: list[Delivery]) -> tuple[str, str]:
    site = settings.GONGZHI_SITE_URL.rstrip("/")
    if len(message) == 1:
        n = message[0].notification
        return n.title, "\n".join(filter(None, [n.body, f"{site}{n.url}" if n.url else ""]))
    lines = [f"- {d.notification.title} {site}{d.notification.url}".rstrip() for d in message]
    return _("%(n)d reminders") % {"n": len(message)}, "\n".join(lines)


def _finish(message: list[Delivery], state: str, now: dt.datetime, error: str = "") -> None:
    Delivery.objects.filter(pk__in=[d.pk for d in message]).update(
        state=state, sent_at=now if state == DeliveryState.SENT else None, last_error=error
    )


def _retry(message: list[Delivery], now: dt.datetime, error: str) -> None:
    for delivery in message:
        delivery.attempts += 1
        delivery.last_error = error
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.state = DeliveryState.FAILED
        else:
            delivery.next_attempt_at = now + _backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_mark_read(*, user: Any, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=clock.now())
