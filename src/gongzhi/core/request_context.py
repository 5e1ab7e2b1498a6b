"""Who is acting, from where and through which channel — read by the audit log."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str = ""
    channel: str = "system"  # web, api, admin, cli, open311, system


_DEFAULT = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("gongzhi_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _DEFAULT


@contextlib.contextmanager
def using(context: RequestContext) -> Iterator[None]:
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)
