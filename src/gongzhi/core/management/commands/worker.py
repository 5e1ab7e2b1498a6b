from __future__ import annotations

import logging
import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from gongzhi.cases.intake import intake_register_queued
from gongzhi.core import schedule

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Register queued reports, run background tasks and the periodic jobs (deadline sweep, …). "
        "Run one or several."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between polls")
        parser.add_argument(
            "--once", action="store_true", help="one tick and the queued tasks, then stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"gongzhi-{os.getpid()}",
            excluded_queue_names=[],
        )
        self.stdout.write("Gongzhi worker running (Ctrl-C stops it)" if not options["once"] else "")
        try:
            while True:
                close_old_connections()
                for name in schedule.tick():
                    if options["verbosity"] > 1:
                        self.stdout.write(f"enqueued {name}")
                # Reports queued with `Prefer: respond-async` become cases, a batch at a time
                # so that tasks (notifications) keep flowing while a backlog drains.
                try:
                    busy = sum(intake_register_queued(limit=200).values()) == 200
                except Exception:  # the database went away, say: log, wait, try again
                    logger.exception("registering queued reports failed")
                    busy = False
                worker.run()  # batch mode: runs what is ready, then returns
                if busy:
                    continue
                if options["once"]:
                    return
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("worker stopped")
