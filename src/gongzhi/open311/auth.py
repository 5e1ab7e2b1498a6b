"""API keys on Open311 requests: `api_key` in the form or the query string."""

from __future__ import annotations

import datetime as dt

from gongzhi.accounts.models import ApiKey, apikey_digest
from gongzhi.core import clock

# last_used_at is refreshed at most this often, so a busy key does not write on every request.
TOUCH_EVERY = dt.timedelta(minutes=5)


def api_key_for(raw: str) -> ApiKey | None:
    """The active key whose digest matches `raw`, with its service user; None otherwise."""
    if not raw or len(raw) > 200:
        return None
    key = (
        ApiKey.objects.select_related("user")
        .filter(key_hash=apikey_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if key is None or not key.user.is_active:
        return None
    now = clock.now()
    if key.last_used_at is None or now - key.last_used_at > TOUCH_EVERY:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
