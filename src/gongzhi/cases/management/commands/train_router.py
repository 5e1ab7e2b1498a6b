"""`gongzhi train-router [--min-cases N] [--min-class-cases N] [--max-cases N]`

Retrain the routing-suggestion model on the resolved and closed cases and print what it learnt
from and how often it was right on the held-out fifth. The daily periodic task does the same.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gongzhi.cases.suggest import refresh_seconds
from gongzhi.cases.suggest_model import router_train
from gongzhi.core import request_context


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


class Command(BaseCommand):
    help = "Retrain the routing-suggestion model (category and handling unit) on the history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--min-cases", type=int, help="fewest usable cases to train on")
        parser.add_argument(
            "--min-class-cases", type=int, help="fewest cases for a category or unit to be learnt"
        )
        parser.add_argument("--max-cases", type=int, help="learn from this many recent cases")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context.using(request_context.RequestContext(channel="cli")):
            result = router_train(
                min_total=options["min_cases"],
                min_class=options["min_class_cases"],
                limit=options["max_cases"],
            )
        if not result.trained:
            self.stdout.write(result.message)
            return
        self.stdout.write(
            f"Samples: {result.samples} resolved and closed cases\n"
            f"Classes: {result.categories} categories, {result.units} units\n"
            f"Held-out accuracy ({result.held_out} cases, 20%):\n"
            f"  category {_percent(result.category_accuracy)}\n"
            f"  unit     {_percent(result.unit_accuracy)} with the case's category, "
            f"{_percent(result.unit_accuracy_suggested_category)} with the suggested one\n"
            f"{result.message} App servers use it within {refresh_seconds()} s "
            f"(trained in {result.seconds:.1f} s)."
        )
