"""Token authentication that remembers, per process and for a few seconds, whose a token is.

DRF's TokenAuthentication reads the token and its user on every request: a query and two model
instances, about a third of a small API request here. This subclass keeps the user's column
values for GONGZHI_API_TOKEN_CACHE_SECONDS (10 by default; 0 turns it off) and builds fresh
instances from them each time, so nothing a request attaches to its user (the permission
module's grant caches) reaches another request.

Revoking a token or changing a user (deactivating them, say) takes effect at once in the
process where it happens — saving or deleting a user or a token clears what was remembered —
and in the other processes within those seconds (a signed JWT, by comparison, stays valid
for its whole lifetime). Only successful look-ups are remembered; a wrong token always costs
the query.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from gongzhi.accounts.models import User

_MAX_REMEMBERED = 10_000
_lock = threading.Lock()
# token key → (when remembered, user's database alias, user's column values, token's created)
_remembered: dict[str, tuple[float, str, tuple[Any, ...], Any]] = {}
_USER_COLUMNS = [field.attname for field in User._meta.concrete_fields]


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        seconds = settings.GONGZHI_API_TOKEN_CACHE_SECONDS
        if seconds > 0:
            hit = _remembered.get(key)
            if hit is not None and time.monotonic() - hit[0] < seconds:
                _at, alias, values, created = hit
                user = User.from_db(alias, _USER_COLUMNS, values)
                token = Token(key=key, user=user, created=created)
                token._state.adding, token._state.db = False, alias
                return user, token
        user, token = super().authenticate_credentials(key)
        if seconds > 0:
            values = tuple(getattr(user, column) for column in _USER_COLUMNS)
            with _lock:
                if len(_remembered) >= _MAX_REMEMBERED:
                    _remembered.clear()
                _remembered[key] = (time.monotonic(), user._state.db, values, token.created)
        return user, token


def forget(**_kwargs: Any) -> None:
    """Forget every remembered token (a user or a token changed in this process)."""
    with _lock:
        _remembered.clear()


for _model in (User, Token):
    post_save.connect(forget, sender=_model, dispatch_uid=f"token-cache-save-{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"token-cache-del-{_model.__name__}")
