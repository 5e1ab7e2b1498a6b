from __future__ import annotations

import pytest

from gongzhi.cases import services
from gongzhi.cases.choices import CaseState
from gongzhi.cases.models import CaseFollower
from gongzhi.core.errors import InvalidInput, NotFound, NotPermitted
from gongzhi.core.models import Notification


def test_a_follower_gets_the_public_updates(report, worker, property_handler):
    case = report()
    services.case_follow(actor=worker, case=case)
    services.case_accept(actor=property_handler, case=case)
    assert Notification.objects.filter(recipient=worker, kind="case.update").count() == 1


def test_a_followers_update_is_the_public_one(report, worker, property_handler, resident):
    """A follower may be a neighbour who sees only the transparency page: the message masks
    names and numbers and links there."""
    case = report(title=f"{resident.name}家门口电梯坏了 13812345678")
    services.case_follow(actor=worker, case=case)
    services.case_accept(actor=property_handler, case=case)
    (message,) = Notification.objects.filter(recipient=worker, kind="case.update")
    assert resident.name not in message.title and "13812345678" not in message.title
    assert "138****5678" in message.title
    assert message.url == f"/public/cases/{case.number}/"


def test_one_cannot_follow_a_case_one_may_not_see(report, other_resident):
    with pytest.raises(NotFound):
        services.case_follow(actor=other_resident, case=report())


def test_merging_moves_the_reporter_and_followers_to_the_survivor(
    report, worker, property_handler, resident, supervisor
):
    survivor, duplicate = report(), report(title="电梯又坏了")
    services.case_follow(actor=supervisor, case=duplicate)
    merged = services.case_merge(actor=worker, case=duplicate, into=survivor, note="同一问题")
    assert (
        merged.state == CaseState.CLOSED
        and merged.close_reason == "merged"
        and merged.merged_into == survivor
    )
    assert set(
        CaseFollower.objects.filter(case=survivor).values_list("user__username", flat=True)
    ) == {"zhoumin"}
    # The reporter of both is the same resident: they hear through their own report either way.
    services.case_accept(actor=property_handler, case=survivor)
    assert Notification.objects.filter(recipient=supervisor, kind="case.update").exists()


def test_merge_rules(report, worker, resident):
    case = report()
    with pytest.raises(InvalidInput):
        services.case_merge(actor=worker, case=case, into=case)
    with pytest.raises(NotPermitted):
        services.case_merge(actor=resident, case=report(), into=case)
