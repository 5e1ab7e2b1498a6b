"""Both state machines, walked: every transition from every state, allowed or refused."""

from __future__ import annotations

import pytest

from gongzhi.core.errors import NotPermitted
from gongzhi.publicity import workflow
from gongzhi.publicity.choices import NoticeState, ProjectStatus
from gongzhi.publicity.models import Notice, Project


@pytest.mark.parametrize("state", NoticeState.values)
@pytest.mark.parametrize("name", list(workflow.NOTICE_TRANSITIONS))
def test_notice_transitions_from_every_state(notice, worker, resident, state, name):
    transition = workflow.NOTICE_TRANSITIONS[name]
    actor = {"staff": worker, "resident": resident, "system": None}[sorted(transition.who)[0]]
    Notice.objects.filter(pk=notice.pk).update(state=state)
    notice.refresh_from_db()
    if state in transition.sources:
        assert workflow.notice_check(notice, name, actor) is transition
    else:
        with pytest.raises(workflow.InvalidTransition):
            workflow.notice_check(notice, name, actor)


@pytest.mark.parametrize("state", ProjectStatus.values)
@pytest.mark.parametrize("name", list(workflow.PROJECT_TRANSITIONS))
def test_project_transitions_from_every_state(project, worker, state, name):
    transition = workflow.PROJECT_TRANSITIONS[name]
    Project.objects.filter(pk=project.pk).update(status=state)
    project.refresh_from_db()
    if state in transition.sources:
        assert workflow.project_check(project, name, worker) is transition
    else:
        with pytest.raises(workflow.InvalidTransition):
            workflow.project_check(project, name, worker)


def test_it_lets_only_the_declared_capacities_take_a_step(notice, worker, resident, outsider):
    with pytest.raises(NotPermitted):
        workflow.notice_check(notice, "close", resident)
    with pytest.raises(NotPermitted):
        workflow.notice_check(notice, "respond", outsider)
    with pytest.raises(NotPermitted):
        workflow.notice_check(notice, "end", worker)  # only the sweep ends a period
    with pytest.raises(NotPermitted):
        workflow.notice_check(notice, "object", worker)  # staff of the community, not a resident


def test_the_states_reach_their_ends():
    targets = {t.target for t in workflow.NOTICE_TRANSITIONS.values()}
    assert {NoticeState.OPEN, NoticeState.ENDED, NoticeState.CLOSED} <= targets
    assert not any(NoticeState.CLOSED in t.sources for t in workflow.NOTICE_TRANSITIONS.values()), (
        "a closed notice is final"
    )
    final = {ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}
    assert not any(final & t.sources for t in workflow.PROJECT_TRANSITIONS.values())
