"""Background tasks of the cases app: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from gongzhi.cases.services import case_deadline_sweep
from gongzhi.core import request_context


@task()
def deadline_sweep() -> dict[str, int]:
    with request_context.using(request_context.RequestContext(channel="system")):
        return case_deadline_sweep()
