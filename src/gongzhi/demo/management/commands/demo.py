from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from gongzhi.demo.cases import demo_cases_load
from gongzhi.demo.consultation import demo_consultation_load
from gongzhi.demo.data import DEMO_PASSWORD
from gongzhi.demo.history import demo_history_exists, demo_history_load, history_size
from gongzhi.demo.loader import demo_load
from gongzhi.demo.loop import demo_loop_load


class Command(BaseCommand):
    help = "Create the data directory and database, load the demo data and serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-serve", action="store_true", help="load the data, then stop")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="serve without the background worker (run `gongzhi worker` yourself)",
        )
        parser.add_argument(
            "--history",
            type=int,
            default=2000,
            help="cases of demo history in the last twelve months, on the first run; a third as many "
            "more the year before (0: none)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        call_command("migrate", interactive=False, verbosity=0)
        accounts = demo_load()
        made = demo_cases_load()
        demo_loop_load()  # a merged duplicate and followers (h-ui)
        if made:
            self.stdout.write(f"Loaded {made} demo cases.")
        demo_consultation_load()  # after the cases: its questions turned into cases are cases too
        if options["history"] and not demo_history_exists():
            total = history_size(options["history"])
            self.stdout.write(f"Loading two years of demo history ({total} cases, once)…")
            with tqdm(total=total, unit="case", file=self.stderr) as bar:
                demo_history_load(count=options["history"], progress=bar.update)
            # Train the routing suggestions on that history so the dispatcher sees them at once.
            call_command("train_router", verbosity=0)
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(
                f"  {account.username:<10} {account.name:<4} {account.phone or '':<12} {account.role:<17} {account.place}"
            )
        if options["no_serve"]:
            return
        # The background worker beside the site: queued reports, notifications, the deadline
        # sweep and the other periodic jobs. It inherits this process's environment (data dir).
        worker = (
            None
            if options["no_worker"]
            else subprocess.Popen([sys.executable, "-m", "gongzhi.cli", "worker"])
        )
        try:
            call_command(
                "serve", host=options["host"], port=options["port"], workers=options["workers"]
            )
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
