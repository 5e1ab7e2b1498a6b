from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.core import request_context
from gongzhi.core.audit import audit_purge, audit_verify


class Command(BaseCommand):
    help = (
        "Audit log: `verify` checks the hash chain; `purge` removes rows past the retention period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "purge"])

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "purge":
            with request_context.using(request_context.RequestContext(channel="cli")):
                deleted = audit_purge()
            self.stdout.write(f"Removed {deleted} audit entries past the retention period.")
            return
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at entry #{result.broken_seq}: {result.reason} "
                f"({result.checked} entries before it are intact)."
            )
        self.stdout.write(
            self.style.SUCCESS(f"Audit chain intact: {result.checked} entries verified.")
        )
