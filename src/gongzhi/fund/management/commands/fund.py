from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gongzhi.fund.ledger import fund_verify
from gongzhi.fund.services import yuan


class Command(BaseCommand):
    help = (
        "Courtyard funds: `verify` checks every fund's hash chain, that each entry's lines sum "
        "to zero and that each balance equals the sum of its entries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        reports = fund_verify()
        broken = [report for report in reports if not report.ok]
        for report in reports:
            status = "ok" if report.ok else "BROKEN"
            self.stdout.write(
                f"{status:6} fund #{report.fund_id} {report.name}: {report.entries} entries, "
                f"balance ¥{yuan(report.balance)}"
            )
            for problem in report.problems:
                self.stdout.write(f"       - {problem}")
        if broken:
            raise CommandError(f"{len(broken)} of {len(reports)} funds failed verification.")
        self.stdout.write(self.style.SUCCESS(f"All {len(reports)} funds verified."))
