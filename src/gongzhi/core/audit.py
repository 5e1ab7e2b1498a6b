"""The audit log: every state change is recorded here, chained by SHA-256.

Services call `audit_record(...)` inside their transaction. `audit_verify()` walks the chain
and reports the first broken link; `gongzhi audit verify` prints it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction

from gongzhi.core import clock, request_context
from gongzhi.core.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from gongzhi.places.models import Place

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(
    *,
    prev_hash: str,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    place_id: int | None,
    before: Any,
    after: Any,
    ip: str,
    channel: str,
) -> str:
    body = _canonical(
        [
            seq,
            at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_id,
            action,
            object_type,
            object_id,
            object_repr,
            place_id,
            before,
            after,
            ip,
            channel,
        ]
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def _row_hash(entry: AuditEntry) -> str:
    return entry_hash(
        prev_hash=entry.prev_hash,
        seq=entry.seq,
        at=entry.at,
        actor_id=entry.actor_id,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        object_repr=entry.object_repr,
        place_id=entry.place_id,
        before=entry.before,
        after=entry.after,
        ip=entry.ip,
        channel=entry.channel,
    )


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe summary of some fields of an object, for `before` / `after`."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, models.Model):
            value = value.pk
        out[name] = json.loads(_canonical(value))
    return out


def _fields(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None,
    place: Place | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    """An entry's content, without its time and place in the chain (at, seq, prev_hash, hash)."""
    context = request_context.current()
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    return {
        "actor_id": actor_id,
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_repr": str(obj)[:200] if obj is not None else "",
        "place_id": place.pk if place is not None else None,
        # Round-trip through JSON so what is hashed is exactly what the database returns.
        "before": json.loads(_canonical(before)) if before is not None else None,
        "after": json.loads(_canonical(after)) if after is not None else None,
        "ip": context.ip,
        "channel": context.channel,
    }


def _append(entries: list[AuditEntry]) -> None:
    """Chain `entries` (content filled in, in order) after the head: one head lock, one insert.

    The head row serialises every writer, so a service that records several entries appends
    them together rather than taking the lock once per entry. No savepoint: a failure here
    fails the caller's transaction, as it must. Times are taken under the lock, so they never
    go backwards along the chain (`audit_purge` cuts it by time).
    """
    with transaction.atomic(savepoint=False):
        head, _created = AuditHead.objects.select_for_update().get_or_create(id=1)
        seq, last_hash = head.seq, head.last_hash
        at = clock.now()
        for entry in entries:
            seq += 1
            entry.at, entry.seq, entry.prev_hash = at, seq, last_hash
            entry.hash = last_hash = _row_hash(entry)
        AuditEntry.objects.bulk_create(entries)
        head.seq, head.last_hash = seq, last_hash
        head.save(update_fields=["seq", "last_hash"])


_pending: ContextVar[list[AuditEntry] | None] = ContextVar("audit_pending", default=None)


@contextmanager
def audit_batch() -> Iterator[list[AuditEntry]]:
    """Collect the `audit_record` calls made inside and append them in one go at the end.

    Use it inside the service's transaction around a step that records several entries (a
    report that is also dispatched): the entries keep their order and content, the chain is
    the same as if they had been appended one by one, and the head is locked once. Entries
    recorded inside are unsaved (no time, seq or hash) until the block ends.
    """
    if _pending.get() is not None:  # already batching: the outer block appends
        yield _pending.get() or []
        return
    entries: list[AuditEntry] = []
    token = _pending.set(entries)
    try:
        yield entries
    finally:
        _pending.reset(token)
    if entries:
        _append(entries)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    place: Place | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call it inside the service's transaction, after the change."""
    entry = AuditEntry(
        **_fields(actor=actor, action=action, obj=obj, place=place, before=before, after=after)
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(entry)
    else:
        _append([entry])
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(*, chunk_size: int = 5000) -> VerifyResult:
    """Walk the chain in order; stop at the first row whose link or content does not match."""
    checked = 0
    previous: AuditEntry | None = None
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if previous is not None:
            if entry.seq != previous.seq + 1:
                return VerifyResult(
                    False,
                    checked,
                    entry.seq,
                    f"rows {previous.seq + 1}…{entry.seq - 1} are missing",
                )
            if entry.prev_hash != previous.hash:
                return VerifyResult(
                    False, checked, entry.seq, "its link does not match the previous row's hash"
                )
        if _row_hash(entry) != entry.hash:
            return VerifyResult(False, checked, entry.seq, "its content does not match its hash")
        previous = entry
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if (
        head is not None
        and head.seq
        and (previous is None or previous.seq != head.seq or previous.hash != head.last_hash)
    ):
        last = previous.seq if previous else 0
        return VerifyResult(False, checked, last + 1, f"the chain should end at row {head.seq}")
    return VerifyResult(True, checked)


def audit_purge(*, actor: Any = None) -> int:
    """Delete entries older than AUDIT_RETENTION_DAYS (never fewer than 180 days).

    The oldest remaining row's `prev_hash` stays as the anchor the chain is verified from.
    """
    cutoff = clock.now() - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    with transaction.atomic():
        expired = AuditEntry.objects.filter(at__lt=cutoff)
        count = expired.count()
        if count:
            # The queryset refuses delete(); purging is the one sanctioned removal.
            models.QuerySet.delete(expired)
            audit_record(
                actor=actor,
                action="audit.purged",
                after={"deleted": count, "before": cutoff.isoformat()},
            )
    return count
