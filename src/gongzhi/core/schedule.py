"""Periodic jobs, declared in one place, and the worker's scheduler tick.

Each tick, every due job is claimed by a conditional UPDATE (`… WHERE next_run_at <= now`):
with several workers exactly one wins and enqueues the job's task.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError
from django.utils.module_loading import import_string

from gongzhi.core import clock
from gongzhi.core.models import PeriodicJob


@dataclass(frozen=True)
class Periodic:
    name: str
    every: dt.timedelta
    task: str  # dotted path to a django-tasks Task


PERIODIC: list[Periodic] = [
    Periodic("cases.deadline_sweep", dt.timedelta(minutes=1), "gongzhi.cases.tasks.deadline_sweep"),
    # Retries and hourly digests; new notifications are also sent right after their commit.
    Periodic("notifications.send", dt.timedelta(minutes=1), "gongzhi.core.tasks.send_deliveries"),
    Periodic("cases.train_router", dt.timedelta(days=1), "gongzhi.cases.tasks.train_router"),
    # Queued reports registered or rejected long ago: their cases keep what they said.
    Periodic("cases.intake_purge", dt.timedelta(days=1), "gongzhi.cases.tasks.intake_purge"),
    Periodic(
        "consultation.escalate", dt.timedelta(minutes=5), "gongzhi.consultation.tasks.escalate"
    ),
    Periodic(
        "duty.shift_reminders", dt.timedelta(minutes=15), "gongzhi.duty.tasks.shift_reminders"
    ),
    # Notices whose period is over await their result; staff are told.
    Periodic(
        "publicity.notice_sweep", dt.timedelta(minutes=5), "gongzhi.publicity.tasks.notice_sweep"
    ),
]


def claim_due(now: dt.datetime | None = None) -> list[Periodic]:
    """The jobs this caller won for this tick (each is then the caller's to enqueue)."""
    now = now or clock.now()
    won = []
    for job in PERIODIC:
        with contextlib.suppress(IntegrityError):  # another worker created it at the same moment
            PeriodicJob.objects.get_or_create(name=job.name, defaults={"next_run_at": now})
        claimed = PeriodicJob.objects.filter(name=job.name, next_run_at__lte=now).update(
            next_run_at=now + job.every, last_run_at=now
        )
        if claimed:
            won.append(job)
    return won


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job that is due; returns their names."""
    names = []
    for job in claim_due(now):
        import_string(job.task).enqueue()
        names.append(job.name)
    return names
