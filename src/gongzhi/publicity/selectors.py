"""Reads of publicity. Notices and projects are public; objectors' names are not (masked unless
the viewer is staff of the place, or the objector). Lists issue a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr

from gongzhi.core import permissions
from gongzhi.core.errors import NotFound
from gongzhi.core.masking import mask_name, mask_text
from gongzhi.places.models import Place
from gongzhi.places.selectors import subtree_range
from gongzhi.publicity.choices import NoticeState, ProgrammeKind, ProjectStatus
from gongzhi.publicity.models import Notice, NoticeEvent, Objection, ProgressUpdate, Project
from gongzhi.publicity.workflow import RESIDENT_ROLES


def _in(place: Place | None, field: str = "place") -> Q:
    return Q(**{f"{field}__path__range": subtree_range(place.path)}) if place else Q()


# ---------------------------------------------------------------- notices


def _notices() -> QuerySet[Notice]:
    return (
        Notice.objects.select_related("place", "subject_type")
        .annotate(
            objection_count=Count("objections"),
            unanswered_count=Count("objections", filter=Q(objections__responded_at__isnull=True)),
        )
        .order_by("-published_at", "-id")
    )


@dataclass
class Page:
    items: list[Any]
    next_after: str = ""


def notice_list(
    *, place: Place | None = None, state: str = "", after: str = "", size: int = 30
) -> Page:
    """The public archive (every notice, newest first), keyset-paginated: one query per page.
    `after` is the last row's "<published_at iso>|<id>"."""
    qs = _notices().filter(_in(place))
    if state:
        qs = qs.filter(state=state)
    if after:
        stamp, _sep, last_id = after.partition("|")
        try:
            at, pk = dt.datetime.fromisoformat(stamp), int(last_id)
        except ValueError:
            at, pk = None, 0
        if at is not None:
            qs = qs.filter(Q(published_at__lt=at) | Q(published_at=at, id__lt=pk))
    rows = list(qs[: size + 1])
    next_after = ""
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_after = f"{last.published_at.isoformat()}|{last.pk}"
    return Page(rows, next_after)


def notice_places(*, levels: Sequence[str]) -> list[Place]:
    """The places of `levels` with at least one notice in their subtree, in tree order: what a
    resident can narrow the archive to. Two queries, whatever the number of notices: the
    distinct places of the notices, then those places and their ancestors at `levels`."""
    paths = Notice.objects.order_by().values_list("place__path", flat=True).distinct()
    wanted = {
        path[:i] for path in paths for i in range(Place.steplen, len(path) + 1, Place.steplen)
    }
    if not wanted:
        return []
    return list(Place.objects.filter(path__in=wanted, level__in=levels).order_by("path"))


def notice_list_for_resident(*, user: Any) -> list[Notice]:
    """Notices of the places where the user lives (their place and every place above it),
    open ones first."""
    paths: set[str] = set()
    for grant in permissions.grants_of(user):
        if grant.role in RESIDENT_ROLES:
            path = grant.place_path
            paths.update(path[:i] for i in range(Place.steplen, len(path) + 1, Place.steplen))
    if not paths:
        return []
    rows = list(_notices().filter(place__path__in=paths)[:100])
    rows.sort(key=lambda n: n.state != NoticeState.OPEN)  # stable: newest first within
    return rows


def notice_list_for_staff(*, viewer: Any, state: str = "") -> list[Notice]:
    qs = _notices().filter(permissions.place_q(viewer, "notice.manage"))
    if state:
        qs = qs.filter(state=state)
    return list(qs[:200])


def notice_get(*, notice_id: int) -> Notice:
    notice = _notices().filter(pk=notice_id).first()
    if notice is None:
        raise NotFound()
    return notice


def notice_events(*, notice: Notice) -> list[NoticeEvent]:
    return list(notice.events.all())


@dataclass(frozen=True)
class ObjectionRow:
    objection: Objection
    author: str  # full name for staff of the place and for the objector, masked otherwise
    body: str
    mine: bool


def objection_rows(*, notice: Notice, viewer: Any) -> list[ObjectionRow]:
    """The notice's objections as `viewer` may see them (one query)."""
    staff = permissions.has_perm(viewer, "objection.view", notice.place)
    me = getattr(viewer, "pk", None) if getattr(viewer, "is_authenticated", False) else None
    rows = []
    for objection in notice.objections.select_related("author").order_by("created_at", "id"):
        mine = me is not None and objection.author_id == me
        name = objection.author.get_full_name()
        rows.append(
            ObjectionRow(
                objection,
                name if staff or mine else mask_name(name),
                objection.body if staff or mine else mask_text(objection.body),
                mine,
            )
        )
    return rows


def objection_list_for_staff(*, viewer: Any, unanswered: bool = False) -> QuerySet[Objection]:
    """Objections of the notices where the viewer may see objectors (named)."""
    qs = Objection.objects.filter(
        permissions.place_q(viewer, "objection.view", "notice__place")
    ).select_related("author", "notice", "notice__place")
    if unanswered:
        qs = qs.filter(responded_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def objection_get_for_staff(*, viewer: Any, objection_id: int) -> Objection:
    found = objection_list_for_staff(viewer=viewer).filter(pk=objection_id).first()
    if found is None:
        raise NotFound()
    return found


# ---------------------------------------------------------------- projects


def project_list(
    *, place: Place | None = None, kind: str = "", status: str = "", size: int = 200
) -> list[Project]:
    qs = Project.objects.filter(_in(place)).select_related("place")
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-updated_at", "-id")[:size])


def project_list_for_staff(*, viewer: Any) -> list[Project]:
    qs = Project.objects.filter(permissions.place_q(viewer, "project.manage"))
    return list(qs.select_related("place").order_by("-updated_at", "-id")[:200])


def project_get(*, project_id: int) -> Project:
    project = (
        Project.objects.select_related("place")
        .prefetch_related(
            "documents",
            Prefetch("updates", ProgressUpdate.objects.prefetch_related("photos")),
        )
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise NotFound()
    return project


def notices_about(*, subject: Any) -> list[Notice]:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(subject)
    return list(_notices().filter(subject_type=ct, subject_id=subject.pk))


# ---------------------------------------------------------------- programmes


@dataclass
class KindTotals:
    kind: str
    label: str
    projects: int = 0
    completed: int = 0
    in_progress: int = 0
    budget_fen: int = 0


@dataclass
class ProgrammeTotals:
    """Totals of the projects of a place's subtree (cancelled ones only in `by_status`)."""

    place: Place
    kinds: list[KindTotals]
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def projects(self) -> int:
        return sum(k.projects for k in self.kinds)

    @property
    def completed(self) -> int:
        return sum(k.completed for k in self.kinds)

    @property
    def in_progress(self) -> int:
        return sum(k.in_progress for k in self.kinds)

    @property
    def budget_fen(self) -> int:
        return sum(k.budget_fen for k in self.kinds)

    def of(self, kind: str) -> KindTotals:
        return next(k for k in self.kinds if k.kind == kind)


def _programme_qs(place: Place, start: dt.date | None, end: dt.date | None) -> QuerySet[Project]:
    """Projects in the subtree whose schedule (actual, else planned) meets [start, end]."""
    qs = Project.objects.filter(_in(place))
    if start or end:
        qs = qs.annotate(
            begins=Coalesce("actual_start", "planned_start"),
            finishes=Coalesce("actual_end", "planned_end"),
        )
        if end:
            qs = qs.filter(Q(begins__lte=end) | Q(begins__isnull=True))
        if start:
            qs = qs.filter(Q(finishes__gte=start) | Q(finishes__isnull=True))
    return qs


_LIVE = ~Q(status=ProjectStatus.CANCELLED)
_AGGREGATES = {
    "projects": Count("id", filter=_LIVE),
    "completed": Count("id", filter=Q(status=ProjectStatus.COMPLETED)),
    "in_progress": Count("id", filter=Q(status=ProjectStatus.IN_PROGRESS)),
    "budget_fen": Coalesce(Sum("budget_fen", filter=_LIVE), 0),
}


def programme_totals(
    *, place: Place, start: dt.date | None = None, end: dt.date | None = None
) -> ProgrammeTotals:
    """Projects by programme kind and by status in `place`'s subtree, for projects whose
    schedule meets the period: "697 old-area renovations in 成都市 in 2024" is
    `programme_totals(place=chengdu, start=2024-01-01, end=2024-12-31).of("old_area_renovation")`.
    Two aggregate queries, whatever the number of projects."""
    qs = _programme_qs(place, start, end)
    rows: list[dict[str, Any]] = [
        dict(r) for r in qs.order_by().values("kind").annotate(**_AGGREGATES)
    ]
    found = {row["kind"]: row for row in rows}
    kinds = [
        KindTotals(
            kind,
            str(label),
            **({k: int(found[kind][k]) for k in _AGGREGATES} if kind in found else {}),
        )
        for kind, label in ProgrammeKind.choices
    ]
    by_status = dict(
        qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return ProgrammeTotals(place, kinds, by_status)


@dataclass
class AreaTotals:
    place: Place
    projects: int
    completed: int
    in_progress: int
    budget_fen: int


def programme_by_area(
    *, place: Place, start: dt.date | None = None, end: dt.date | None = None
) -> list[AreaTotals]:
    """The same totals for each child of `place` (a city's districts, a district's streets, a
    street's communities), plus `place` itself for projects placed on it. Two queries."""
    prefix_length = len(place.path) + Place.steplen
    grouped = (
        _programme_qs(place, start, end)
        .order_by()
        .annotate(area=Substr(F("place__path"), 1, prefix_length))
        .values("area")
        .annotate(**_AGGREGATES)
    )
    rows: list[dict[str, Any]] = [dict(r) for r in grouped]
    places = {p.path: p for p in Place.objects.filter(path__in=[r["area"] for r in rows])}
    out = [
        AreaTotals(
            places[r["area"]], r["projects"], r["completed"], r["in_progress"], r["budget_fen"]
        )
        for r in rows
        if r["area"] in places
    ]
    return sorted(out, key=lambda a: (a.place.depth, a.place.path))
