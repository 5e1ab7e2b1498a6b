"""Routing suggestions learnt from the platform's own history: the API for the UI.

`suggest(title, description, place)` gives a report's likely category and handling unit, each
with a probability, from the newest model trained on resolved and closed cases
(cases/suggest_model.py; `gongzhi train-router` and a daily task retrain it). It is a hint,
never a decision:

- Routing rules always win. `case_report` routes by the rules (cases/routing.py) as before;
  nothing here changes a case. The dispatcher sees the suggestion beside the routed unit (most
  useful for cases no rule routed, and returned ones); the resident may get the suggested
  category as a pre-selection, which they confirm or change.
- With too little history no model exists and `suggest` returns None; `router_status` says so
  in words staff can read.

The model lives in the database, never on local disk, so any number of app servers share it:
each process loads the newest row once and checks at most every ROUTER_REFRESH_SECONDS whether
a newer one exists (one indexed query).
"""

from __future__ import annotations

import logging
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from gongzhi.accounts.models import Unit
from gongzhi.cases.models import Case, Category, RoutingModel
from gongzhi.cases.suggest_model import FORMAT, Router, min_cases, place_tokens, text_tokens
from gongzhi.cases.text import warm_up
from gongzhi.places.models import Place

logger = logging.getLogger(__name__)


def refresh_seconds() -> int:
    return int(getattr(settings, "ROUTER_REFRESH_SECONDS", 60))


@dataclass(frozen=True)
class _Loaded:
    model_id: int
    router: Router
    categories: dict[int, Category]  # the model's categories still active
    units: dict[int, Unit]  # the model's units still active


_lock = threading.Lock()
_loaded: _Loaded | None = None
_checked_at: float | None = None
_monotonic = time.monotonic  # replaced in tests


def forget() -> None:
    """Drop this process's copy: the next call loads the newest model (tests, after training)."""
    global _loaded, _checked_at
    with _lock:
        _loaded, _checked_at = None, None


def _labels(router: Router) -> tuple[dict[int, Category], dict[int, Unit]]:
    categories = Category.objects.filter(
        pk__in=router.category.labels.tolist(), is_active=True
    ).in_bulk()
    units: dict[int, Unit] = {}
    if router.unit is not None:
        units = Unit.objects.filter(pk__in=router.unit.labels.tolist(), is_active=True).in_bulk()
    return categories, units


def _load(model_id: int) -> _Loaded | None:
    row = RoutingModel.objects.filter(pk=model_id).values_list("format", "data").first()
    if row is None:
        return None
    model_format, data = row
    if model_format != FORMAT:
        logger.warning(
            "Routing model %s has format %s, not %s: ignored", model_id, model_format, FORMAT
        )
        return None
    try:
        router = Router.from_bytes(bytes(data))
    except Exception:  # a damaged row must not break reporting
        logger.exception("Routing model %s could not be read", model_id)
        return None
    warm_up()
    return _Loaded(model_id, router, *_labels(router))


def _current() -> _Loaded | None:
    """This process's model: loaded once, checked for a newer one every refresh_seconds()."""
    global _loaded, _checked_at
    now = _monotonic()
    if _checked_at is not None and now - _checked_at < refresh_seconds():
        return _loaded
    with _lock:
        if _checked_at is not None and now - _checked_at < refresh_seconds():
            return _loaded
        latest = RoutingModel.objects.order_by("-id").values_list("id", flat=True).first()
        if latest is None:
            _loaded = None
        elif _loaded is None or _loaded.model_id != latest:
            _loaded = _load(latest)
        else:  # the same model: see whether a category or unit was switched off meanwhile
            _loaded = _Loaded(_loaded.model_id, _loaded.router, *_labels(_loaded.router))
        _checked_at = now
        return _loaded


@dataclass(frozen=True)
class Suggestion:
    category: Category
    category_confidence: float  # the model's probability, 0–1
    unit: Unit | None  # None when the history has too few units to tell them apart
    unit_confidence: float
    model_id: int


def _best(
    probabilities: np.ndarray, labels: np.ndarray, allowed: dict[int, Any]
) -> tuple[Any, float]:
    for i in np.argsort(-probabilities):
        found = allowed.get(int(labels[i]))
        if found is not None:
            return found, float(probabilities[i])
    return None, 0.0


def suggest(
    title: str, description: str, place: Place | None, *, category: Category | None = None
) -> Suggestion | None:
    """The likely category and handling unit of a report, or None (no model, or nothing in the
    text the model knows). A hint for the dispatcher and a pre-selection for the resident:
    routing rules decide where a case goes.

    `category`: the case's category when it has one (the dispatcher's view); the unit is then
    suggested for it rather than for the suggested category.
    """
    loaded = _current()
    if loaded is None:
        return None
    router = loaded.router
    words = text_tokens(title, description)
    if not any(t in router.index for t in words):
        return None
    path = place.path if place is not None else ""
    idx, weights = router.vector(words + place_tokens(path))
    chosen, confidence = _best(
        router.category_probabilities(idx, weights), router.category.labels, loaded.categories
    )
    if chosen is None:
        return None
    unit, unit_confidence = None, 0.0
    units = router.unit_probabilities(
        idx, weights, category.pk if category is not None else chosen.pk, path
    )
    if units is not None and router.unit is not None:
        unit, unit_confidence = _best(units, router.unit.labels, loaded.units)
    return Suggestion(chosen, confidence, unit, unit_confidence, loaded.model_id)


# ---------------------------------------------------------------- for the UI and bench/


@dataclass(frozen=True)
class RouterStatus:
    available: bool
    message: str  # translated, for staff
    trained_at: Any = None
    samples: int = 0
    category_accuracy: float | None = None
    unit_accuracy: float | None = None


def router_status() -> RouterStatus:
    """What the dispatcher's screen may say about the suggestions (one query)."""
    row = (
        RoutingModel.objects.order_by("-id")
        .values("trained_at", "samples", "category_accuracy", "unit_accuracy")
        .first()
    )
    if row is None:
        return RouterStatus(
            False,
            _(
                "No routing suggestions yet: too few cases have been resolved to learn from "
                "(at least %(n)d are needed)."
            )
            % {"n": min_cases()},
        )
    return RouterStatus(
        True,
        _(
            "Suggested from %(n)d resolved cases; on cases it had not seen, the category was "
            "right %(accuracy)d%% of the time."
        )
        % {"n": row["samples"], "accuracy": round(100 * row["category_accuracy"])},
        row["trained_at"],
        row["samples"],
        row["category_accuracy"],
        row["unit_accuracy"],
    )


def measure_latency(
    *, calls: int = 1000, samples: Sequence[tuple[str, str, Place | None]] | None = None
) -> dict[str, float] | None:
    """Time `suggest` on recent reports (or `samples`); None without a model. For bench/."""
    if _current() is None:
        return None
    if not samples:
        recent = Case.objects.select_related("place").order_by("-id")[:200]
        samples = [(c.title, c.description, c.place) for c in recent] or [
            ("电梯停运", "1栋2单元电梯停运三天，老人上下楼困难。", None)
        ]
    suggest(*samples[0])  # load and warm up outside the timing
    times = []
    for i in range(calls):
        title, description, place = samples[i % len(samples)]
        started = time.perf_counter()
        suggest(title, description, place)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "calls": float(calls),
        "mean_ms": round(statistics.fmean(times), 3),
        "p50_ms": round(times[len(times) // 2], 3),
        "p95_ms": round(times[int(len(times) * 0.95)], 3),
        "p99_ms": round(times[int(len(times) * 0.99)], 3),
        "max_ms": round(times[-1], 3),
    }
