"""Background tasks of consultation: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from gongzhi.consultation.services import question_escalate_sweep
from gongzhi.core import request_context


@task()
def escalate() -> dict[str, int]:
    with request_context.using(request_context.RequestContext(channel="system")):
        return question_escalate_sweep()
