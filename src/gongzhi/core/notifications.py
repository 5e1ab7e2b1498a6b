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
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.core import clock
from gongzhi.core.audit import audit_record
from gongzhi.core.errors import InvalidInput
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


# ---------------------------------------------------------------- the notification centre

# Every kind of notification the platform sends, as its preferences page names them. An app that
# adds a kind adds it here; a kind missing here is still delivered, it just cannot be muted.
KINDS: dict[str, Any] = {
    "case.update": gettext_lazy("Updates on cases I report or follow"),
    "case.rated": gettext_lazy("A case of my unit was rated"),
    "case.reopened": gettext_lazy("A case of my unit was reopened"),
    "case.new": gettext_lazy("A new case for my unit"),
    "case.unrouted": gettext_lazy("A case needs routing"),
    "case.returned": gettext_lazy("A case was returned"),
    "case.returned_repeatedly": gettext_lazy("A case was returned repeatedly"),
    "case.escalated": gettext_lazy("A case was escalated"),
    "case.overdue_at_top": gettext_lazy("An overdue case has nowhere higher to go"),
    "case.extension_requested": gettext_lazy("A unit asks for more time"),
    "case.extension_decided": gettext_lazy("An extension was decided"),
    "case.supervised": gettext_lazy("A supervision note"),
    "case.supervision_answered": gettext_lazy("A supervision note was answered"),
    "case.reminder": gettext_lazy("Reminders (at most one message an hour)"),
}
NOTIFICATION_PAGE_SIZE = 30


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    next_after: int | None


def notification_list(
    *, user: Any, unread_only: bool = False, after: int | None = None, size: int = 30
) -> NotificationPage:
    """The user's notifications, newest first, keyset-paginated by id (one query)."""
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if after is not None:
        qs = qs.filter(pk__lt=after)
    items = list(qs.order_by("-id")[: size + 1])
    more = len(items) > size
    items = items[:size]
    return NotificationPage(items, items[-1].pk if more and items else None)


def notification_preferences(*, user: Any) -> dict[str, set[str]]:
    """channel → the kinds the user receives there (one query). In-app is always on."""
    prefs = {p.channel: p for p in NotificationPreference.objects.filter(user=user)}
    defaults = _default_channels(user)
    wanted: dict[str, set[str]] = {}
    for channel in NotificationChannel.values:
        pref = prefs.get(channel)
        if pref is None:
            wanted[channel] = set(KINDS) if channel in defaults else set()
        elif pref.enabled:
            wanted[channel] = set(KINDS) - set(pref.muted_kinds)
        else:
            wanted[channel] = set()
    return wanted


def notification_preferences_set(*, actor: Any, wanted: dict[str, set[str]]) -> None:
    """Save which kinds `actor` receives on each outbound channel (unknown keys: InvalidInput).

    A channel with no kind chosen is switched off; otherwise the unchosen kinds are muted there,
    so a kind added later reaches the user until they mute it.
    """
    errors: dict[str, list[str]] = {}
    unknown_channels = set(wanted) - set(NotificationChannel.values)
    if unknown_channels:
        errors["channel"] = [
            _("Unknown channel: %(c)s") % {"c": ", ".join(sorted(unknown_channels))}
        ]
    unknown_kinds = {k for kinds in wanted.values() for k in kinds} - set(KINDS)
    if unknown_kinds:
        errors["kind"] = [_("Unknown kind: %(k)s") % {"k": ", ".join(sorted(unknown_kinds))}]
    if errors:
        raise InvalidInput(fields=errors)
    before = notification_preferences(user=actor)
    with transaction.atomic():
        for channel in NotificationChannel.values:
            kinds = wanted.get(channel, set())
            NotificationPreference.objects.update_or_create(
                user=actor,
                channel=channel,
                defaults={
                    "enabled": bool(kinds),
                    "muted_kinds": sorted(set(KINDS) - kinds) if kinds else [],
                },
            )
        audit_record(
            actor=actor,
            action="notification.preferences_set",
            obj=actor,
            before={c: sorted(k) for c, k in before.items()},
            after={c: sorted(wanted.get(c, set())) for c in NotificationChannel.values},
        )
