from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from gongzhi.core import schedule


class Command(BaseCommand):
    help = "Run background tasks and the periodic jobs (deadline sweep, …). Run one or several."

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
                worker.run()  # batch mode: runs what is ready, then returns
                if options["once"]:
                    return
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("worker stopped")
