"""Background tasks of publicity: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core import request_context
from gongzhi.publicity.services import notice_sweep as _notice_sweep


@task()
def notice_sweep() -> dict[str, int]:
    with request_context.using(request_context.RequestContext(channel="system")):
        return _notice_sweep()
