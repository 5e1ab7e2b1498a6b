"""The model behind routing suggestions (cases/suggest.py): its features, its arrays, and
training it on the platform's history.

Features: the tokens of the title and description (cases/text.py: simplified, half-width, rjieba
words and character bigrams) weighted by TF-IDF, plus one token per level of the case's place
(city, district, street, community, courtyard…, from its path). The unit model also sees the
category crossed with the place ("this category in this courtyard"), since units are assigned
by category × place: the case's category when the caller knows it (the dispatcher does), else
the suggested one. The label for the unit is the unit that accepted the case and kept it (the
first receiver), else the unit that had it last.

Training (`router_train`, run by `gongzhi train-router` and a daily periodic task) fits
scikit-learn's LogisticRegression on 80 % of the resolved and closed cases (not those merged
away as duplicates), measures accuracy on the other 20 %, then fits again on all of them and
stores the result as a new RoutingModel row. With too little history (fewer than
ROUTER_MIN_CASES usable cases, or fewer than two categories with ROUTER_MIN_CLASS_CASES cases
each) it trains nothing and says why. The row holds plain NumPy arrays (an .npz archive: no
pickle, so loading runs no code and survives a scikit-learn upgrade); `Router` computes the
probabilities from them itself, in well under a millisecond.
"""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce

from gongzhi.cases.choices import CaseState, CloseReason
from gongzhi.cases.models import Case, Category, RoutingModel
from gongzhi.cases.text import tokens
from gongzhi.core import clock
from gongzhi.core.audit import audit_record
from gongzhi.places.models import Place

FORMAT = 1
HELD_OUT = 0.2
# Inverse regularisation of the logistic regressions: tf-idf rows have unit length, so the
# default (1.0) gives timid probabilities; 10 gives confident ones without overfitting the
# held-out split of the demo history.
C = 10.0


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def min_cases() -> int:
    return _setting("ROUTER_MIN_CASES", 50)


def min_class_cases() -> int:
    return _setting("ROUTER_MIN_CLASS_CASES", 5)


def max_cases() -> int:
    """Train on the most recent cases only: bounded time and memory, and recent habits."""
    return _setting("ROUTER_MAX_CASES", 20_000)


def max_features() -> int:
    return _setting("ROUTER_MAX_FEATURES", 20_000)


def models_kept() -> int:
    return _setting("ROUTER_MODELS_KEPT", 3)


# ---------------------------------------------------------------- features


def place_tokens(path: str) -> list[str]:
    """One token per level of the place: "@<path prefix>" for each ancestor and the place."""
    step = Place.steplen
    return ["@" + path[:end] for end in range(step, len(path) + 1, step)]


def text_tokens(title: str, description: str) -> list[str]:
    return tokens(f"{title}\n{description}")


def cross_tokens(category_id: int, parents: dict[int, int | None], path: str) -> list[str]:
    """The category and its ancestors, alone and crossed with each level of the place."""
    lineage: list[int] = []
    node: int | None = category_id
    while node is not None and node not in lineage:
        lineage.append(node)
        node = parents.get(node)
    places = place_tokens(path)
    return [f"k{c}" for c in lineage] + [f"k{c}{p}" for c in lineage for p in places]


def _same(doc: list[str]) -> list[str]:
    """The analyzer for pre-tokenised documents."""
    return doc


def _softmax(scores: np.ndarray) -> np.ndarray:
    scores = scores - scores.max()
    exp = np.exp(scores)
    result: np.ndarray = exp / exp.sum()
    return result


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Head:
    """One classifier: a row of class weights per feature, and the classes' intercepts."""

    labels: np.ndarray  # int64 (classes,)
    coef: np.ndarray  # float32 (features, classes)
    intercept: np.ndarray  # float32 (classes,)

    @classmethod
    def from_sklearn(cls, model: Any) -> _Head:
        coef = np.asarray(model.coef_, dtype=np.float32)
        intercept = np.asarray(model.intercept_, dtype=np.float32)
        if coef.shape[0] == 1:  # two classes: P(second) = sigmoid(z) = softmax([0, z])[1]
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.concatenate([np.zeros(1, dtype=np.float32), intercept])
        return cls(np.asarray(model.classes_, dtype=np.int64), coef.T.copy(), intercept)


class Router:
    """The trained model as plain arrays, and the arithmetic to apply it to one report."""

    def __init__(
        self,
        *,
        vocabulary: Sequence[str],
        idf: np.ndarray,
        category: _Head,
        unit: _Head | None,
        cross_vocabulary: Sequence[str],
        parents: dict[int, int | None],
    ) -> None:
        self.vocabulary = list(vocabulary)
        self.index = {term: i for i, term in enumerate(self.vocabulary)}
        self.idf = idf
        self.category = category
        self.unit = unit
        self.cross_vocabulary = list(cross_vocabulary)
        self.cross_index = {term: i for i, term in enumerate(self.cross_vocabulary)}
        self.parents = parents

    # The same weighting as TfidfVectorizer(sublinear_tf=True, norm="l2").
    def vector(self, doc: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(i for i in (self.index.get(t) for t in doc) if i is not None)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        weights = (1.0 + np.log(tf)) * self.idf[idx]
        weights /= np.sqrt(np.dot(weights, weights))
        return idx, weights

    def category_probabilities(self, idx: np.ndarray, weights: np.ndarray) -> np.ndarray:
        head = self.category
        return _softmax(weights @ head.coef[idx] + head.intercept)

    def unit_probabilities(
        self, idx: np.ndarray, weights: np.ndarray, category_id: int, path: str
    ) -> np.ndarray | None:
        head = self.unit
        if head is None:
            return None
        cross = [
            len(self.vocabulary) + i
            for i in (
                self.cross_index.get(t) for t in cross_tokens(category_id, self.parents, path)
            )
            if i is not None
        ]
        scores = weights @ head.coef[idx] + head.intercept
        if cross:
            scores = scores + head.coef[cross].sum(axis=0)
        return _softmax(scores)

    def predict(
        self, doc: Sequence[str], path: str, category_id: int | None = None
    ) -> tuple[int | None, int | None]:
        """The most likely category and unit (any, active or not): for measuring accuracy."""
        idx, weights = self.vector(doc)
        category = int(self.category.labels[self.category_probabilities(idx, weights).argmax()])
        units = self.unit_probabilities(idx, weights, category_id or category, path)
        unit = int(self.unit.labels[units.argmax()]) if self.unit and units is not None else None
        return category, unit

    def to_bytes(self) -> bytes:
        arrays: dict[str, np.ndarray] = {
            "vocabulary": np.array(self.vocabulary, dtype=str),
            "idf": self.idf,
            "category_labels": self.category.labels,
            "category_coef": self.category.coef,
            "category_intercept": self.category.intercept,
            "cross_vocabulary": np.array(self.cross_vocabulary, dtype=str),
            "parents": np.array(
                [[c, -1 if p is None else p] for c, p in self.parents.items()], dtype=np.int64
            ).reshape(-1, 2),
        }
        if self.unit is not None:
            arrays |= {
                "unit_labels": self.unit.labels,
                "unit_coef": self.unit.coef,
                "unit_intercept": self.unit.intercept,
            }
        out = io.BytesIO()
        np.savez_compressed(out, allow_pickle=False, **arrays)
        return out.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Router:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        unit = None
        if "unit_labels" in arrays:
            unit = _Head(arrays["unit_labels"], arrays["unit_coef"], arrays["unit_intercept"])
        return cls(
            vocabulary=arrays["vocabulary"].tolist(),
            idf=arrays["idf"].astype(np.float32),
            category=_Head(
                arrays["category_labels"], arrays["category_coef"], arrays["category_intercept"]
            ),
            unit=unit,
            cross_vocabulary=arrays["cross_vocabulary"].tolist(),
            parents={int(c): (None if p < 0 else int(p)) for c, p in arrays["parents"].tolist()},
        )


# ---------------------------------------------------------------- training


@dataclass(frozen=True)
class _Sample:
    doc: list[str]
    path: str
    category: int
    unit: int | None


@dataclass
class TrainResult:
    trained: bool
    message: str  # for the operator, in English
    samples: int = 0
    categories: int = 0
    units: int = 0
    held_out: int = 0
    category_accuracy: float | None = None
    # With the case's own category (what the dispatcher sees), and with the suggested one.
    unit_accuracy: float | None = None
    unit_accuracy_suggested_category: float | None = None
    model_id: int | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _history(limit: int) -> list[_Sample]:
    """The most recent resolved and closed cases, except duplicates merged away (one query)."""
    rows = (
        Case.objects.filter(state__in=[CaseState.RESOLVED, CaseState.CLOSED])
        .filter(merged_into__isnull=True)
        .exclude(close_reason=CloseReason.MERGED)
        .annotate(handler=Coalesce("first_receiver_id", "unit_id"))
        .order_by("-id")
        .values_list("title", "description", "place_path", "category_id", "handler")[:limit]
    )
    return [
        _Sample(text_tokens(title, description) + place_tokens(path), path, category, unit)
        for title, description, path, category, unit in rows
    ]


def _fit(samples: list[_Sample], parents: dict[int, int | None], min_class: int) -> Router:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(
        analyzer=_same,
        min_df=2,
        max_features=max_features(),
        sublinear_tf=True,
        dtype=np.float32,
    )
    matrix = vectorizer.fit_transform([s.doc for s in samples])
    category_model = LogisticRegression(C=C, solver="newton-cg", max_iter=1000)
    category_model.fit(matrix, [s.category for s in samples])

    unit_counts = Counter(s.unit for s in samples if s.unit is not None)
    units = {u for u, n in unit_counts.items() if n >= min_class}
    unit_head, cross_vocabulary = None, []
    if len(units) >= 2:
        rows = [i for i, s in enumerate(samples) if s.unit in units]
        crosser = CountVectorizer(analyzer=_same, binary=True, dtype=np.float32)
        cross = crosser.fit_transform(
            [cross_tokens(samples[i].category, parents, samples[i].path) for i in rows]
        )
        unit_model = LogisticRegression(C=C, solver="newton-cg", max_iter=1000)
        unit_model.fit(hstack([matrix[rows], cross]).tocsr(), [samples[i].unit for i in rows])
        unit_head = _Head.from_sklearn(unit_model)
        cross_vocabulary = crosser.get_feature_names_out().tolist()
    return Router(
        vocabulary=vectorizer.get_feature_names_out().tolist(),
        idf=vectorizer.idf_.astype(np.float32),
        category=_Head.from_sklearn(category_model),
        unit=unit_head,
        cross_vocabulary=cross_vocabulary,
        parents=parents,
    )


def _accuracy(hits: list[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def _split(samples: list[_Sample]) -> tuple[list[_Sample], list[_Sample]]:
    from sklearn.model_selection import train_test_split

    labels = [s.category for s in samples]
    try:
        train, test = train_test_split(samples, test_size=HELD_OUT, random_state=0, stratify=labels)
    except ValueError:  # a held-out part too small to hold every category
        train, test = train_test_split(samples, test_size=HELD_OUT, random_state=0)
    return list(train), list(test)


def router_train(
    *, min_total: int | None = None, min_class: int | None = None, limit: int | None = None
) -> TrainResult:
    """Learn from the history and store a new model, or say why there is too little history."""
    started = time.perf_counter()
    needed = min_cases() if min_total is None else min_total
    min_class = min_class_cases() if min_class is None else min_class
    samples = _history(max_cases() if limit is None else limit)
    counts = Counter(s.category for s in samples)
    categories = {c for c, n in counts.items() if n >= min_class}
    samples = [s for s in samples if s.category in categories]
    if len(samples) < needed or len(categories) < 2:
        return TrainResult(
            trained=False,
            message=(
                f"Too little history: {len(samples)} usable resolved or closed cases in "
                f"{len(categories)} categories with at least {min_class} cases each; at least "
                f"{needed} cases in 2 such categories are needed. No model was trained: "
                "suggestions stay off."
            ),
            samples=len(samples),
            categories=len(categories),
            seconds=round(time.perf_counter() - started, 3),
        )
    parents: dict[int, int | None] = dict(Category.objects.values_list("id", "parent_id"))

    train, test = _split(samples)
    trial = _fit(train, parents, min_class)
    category_hits, unit_hits, unit_hits_suggested = [], [], []
    for sample in test:
        category, unit = trial.predict(sample.doc, sample.path, sample.category)
        category_hits.append(category == sample.category)
        if trial.unit is not None and sample.unit is not None:  # a unit too rare to learn: a miss
            unit_hits.append(unit == sample.unit)
            unit_hits_suggested.append(trial.predict(sample.doc, sample.path)[1] == sample.unit)

    router = _fit(samples, parents, min_class)
    data = router.to_bytes()
    result = TrainResult(
        trained=True,
        message="",
        samples=len(samples),
        categories=len(router.category.labels),
        units=len(router.unit.labels) if router.unit is not None else 0,
        held_out=len(test),
        category_accuracy=_accuracy(category_hits),
        unit_accuracy=_accuracy(unit_hits),
        unit_accuracy_suggested_category=_accuracy(unit_hits_suggested),
    )
    result.seconds = round(time.perf_counter() - started, 3)
    with transaction.atomic():
        row = RoutingModel.objects.create(
            trained_at=clock.now(),
            samples=len(samples),
            category_accuracy=result.category_accuracy or 0.0,
            unit_accuracy=result.unit_accuracy,
            labels={
                "category": router.category.labels.tolist(),
                "unit": router.unit.labels.tolist() if router.unit is not None else [],
            },
            metrics={
                "held_out": result.held_out,
                "unit_accuracy_suggested_category": result.unit_accuracy_suggested_category,
                "features": len(router.vocabulary),
                "cross_features": len(router.cross_vocabulary),
                "bytes": len(data),
                "seconds": result.seconds,
            },
            data=data,
            format=FORMAT,
        )
        keep = list(
            RoutingModel.objects.order_by("-id").values_list("id", flat=True)[: models_kept()]
        )
        RoutingModel.objects.exclude(id__in=keep).delete()
        audit_record(
            actor=None,
            action="router.trained",
            obj=row,
            after={
                "samples": row.samples,
                "category_accuracy": row.category_accuracy,
                "unit_accuracy": row.unit_accuracy,
            },
        )
    result.model_id = row.pk
    result.message = f"Model {row.pk} saved."
    return result
