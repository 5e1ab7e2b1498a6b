"""Background tasks of core: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core import request_context
from gongzhi.core.notifications import deliveries_send


@task()
def send_deliveries() -> dict[str, int]:
    with request_context.using(request_context.RequestContext(channel="system")):
        return deliveries_send()
