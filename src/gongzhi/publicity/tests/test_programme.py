"""The programme view: totals by kind, status and area are aggregate queries, a query away for
any place and period (the city's 697 old-area renovations, 1,979 back streets)."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.core import clock
from gongzhi.places.models import Place
from gongzhi.publicity import selectors, services
from gongzhi.publicity.choices import ProgrammeKind, ProjectStatus
from gongzhi.publicity.models import Project


def _bulk(place: Place, kind: str, n: int, status: str, year: int, budget: int = 100) -> None:
    now = clock.now()
    Project.objects.bulk_create(
        Project(
            place=place,
            title=f"{kind} {i}",
            kind=kind,
            status=status,
            budget_fen=budget,
            planned_start=dt.date(year, 3, 1),
            planned_end=dt.date(year, 11, 30),
            created_at=now,
            updated_at=now,
        )
        for i in range(n)
    )


@pytest.fixture
def chengdu(demo) -> Place:
    return Place.objects.get(code="5101")


def test_the_city_figures_are_a_query_away_for_a_subtree_and_a_period(
    chengdu, xinqiao, zhiqiang, django_assert_num_queries
):
    _bulk(xinqiao, ProgrammeKind.OLD_AREA_RENOVATION, 400, ProjectStatus.COMPLETED, 2019)
    _bulk(zhiqiang, ProgrammeKind.OLD_AREA_RENOVATION, 297, ProjectStatus.IN_PROGRESS, 2019)
    _bulk(zhiqiang, ProgrammeKind.BACK_STREETS, 1979, ProjectStatus.COMPLETED, 2019, budget=5)
    _bulk(xinqiao, ProgrammeKind.OLD_AREA_RENOVATION, 50, ProjectStatus.COMPLETED, 2022)
    _bulk(xinqiao, ProgrammeKind.OLD_AREA_RENOVATION, 3, ProjectStatus.CANCELLED, 2019)
    with django_assert_num_queries(2):
        totals = selectors.programme_totals(
            place=chengdu, start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31)
        )
    old = totals.of(ProgrammeKind.OLD_AREA_RENOVATION)
    assert (old.projects, old.completed, old.in_progress) == (697, 400, 297)
    assert old.budget_fen == 697 * 100  # cancelled projects count nowhere but in by_status
    assert totals.of(ProgrammeKind.BACK_STREETS).projects == 1979
    assert totals.by_status[ProjectStatus.CANCELLED] >= 3
    only_xinqiao = selectors.programme_totals(
        place=xinqiao, start=dt.date(2019, 1, 1), end=dt.date(2019, 12, 31)
    )
    assert only_xinqiao.of(ProgrammeKind.BACK_STREETS).projects == 0
    assert only_xinqiao.of(ProgrammeKind.OLD_AREA_RENOVATION).projects == 400


def test_totals_by_area_group_the_subtree_by_its_children(
    chengdu, xinqiao, zhiqiang, django_assert_num_queries
):
    _bulk(xinqiao, ProgrammeKind.SAFE_COMMUNITY, 4, ProjectStatus.COMPLETED, 2025, budget=10)
    _bulk(zhiqiang, ProgrammeKind.SAFE_COMMUNITY, 2, ProjectStatus.PLANNED, 2025, budget=10)
    street = xinqiao.parent
    with django_assert_num_queries(2):
        areas = selectors.programme_by_area(
            place=chengdu, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
        )
    names = {a.place.name: a for a in areas}
    assert names["金牛区"].completed >= 4 and names["成华区"].projects >= 2
    assert all(a.place.depth == chengdu.depth + 1 for a in areas)
    by_community = selectors.programme_by_area(place=street)
    assert xinqiao.name in {a.place.name for a in by_community}


def test_a_project_moves_from_plan_to_completion(worker, courtyard):
    project = services.project_create(
        actor=worker, place=courtyard, title="增设电梯", kind=ProgrammeKind.OLD_AREA_RENOVATION
    )
    services.project_transition(actor=worker, project=project, name="approve")
    services.project_transition(actor=worker, project=project, name="start")
    services.project_progress_add(actor=worker, project=project, percent=60, note="主体完工")
    project.refresh_from_db()
    assert (project.status, project.progress_percent) == (ProjectStatus.IN_PROGRESS, 60)
    assert project.actual_start == clock.today()
    services.project_transition(actor=worker, project=project, name="complete")
    project.refresh_from_db()
    assert (project.status, project.progress_percent) == (ProjectStatus.COMPLETED, 100)
