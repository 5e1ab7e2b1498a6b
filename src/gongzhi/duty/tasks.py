"""Background tasks of the duty app: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from gongzhi.core import request_context
from gongzhi.duty.services import shift_reminders_send


@task()
def shift_reminders() -> int:
    with request_context.using(request_context.RequestContext(channel="system")):
        return shift_reminders_send()
