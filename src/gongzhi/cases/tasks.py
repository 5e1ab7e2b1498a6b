"""Background tasks of the cases app: thin wrappers over services."""

from __future__ import annotations

from django_tasks import task

from gongzhi.cases import intake
from gongzhi.cases.services import case_deadline_sweep
from gongzhi.cases.suggest_model import router_train
from gongzhi.core import request_context


@task()
def deadline_sweep() -> dict[str, int]:
    with request_context.using(request_context.RequestContext(channel="system")):
        return case_deadline_sweep()


@task()
def train_router() -> dict[str, object]:
    with request_context.using(request_context.RequestContext(channel="system")):
        return router_train().as_dict()


@task()
def intake_purge() -> int:
    with request_context.using(request_context.RequestContext(channel="system")):
        return intake.intake_purge()
