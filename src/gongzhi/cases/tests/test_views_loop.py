"""Closing the loop on the case pages: rating and the follow-up call, merging duplicates,
following, the similar cases and the category suggestion while reporting, and the router's
suggestion for the dispatcher."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.models import User
from gongzhi.cases import services, suggest
from gongzhi.cases.choices import CaseState
from gongzhi.cases.models import CaseFollower, FollowUp
from gongzhi.core import clock

from .conftest import MONDAY_MORNING, category, unit

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def client_for(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def step_url(case, name: str) -> str:
    return reverse("cases:step", args=[case.pk, name])


def detail_url(case) -> str:
    return reverse("cases:detail", args=[case.pk])


@pytest.fixture
def neighbour(demo) -> User:
    """李娜, building head in the resident's building: another reporter of the same courtyard."""
    return User.objects.get(username="lina")


@pytest.fixture
def resolved(report, property_handler):
    case = services.case_accept(actor=property_handler, case=report())
    with clock.frozen(MONDAY_MORNING + dt.timedelta(hours=5)):
        return services.case_resolve(
            actor=property_handler, case=case, resolution="已更换电梯控制板，运行正常。"
        )


# Rating and the follow-up call -----------------------------------------------------------------


def test_the_resident_reads_the_resolution_then_rates_and_the_case_closes(resolved, resident):
    client = client_for(resident)
    page = client.get(detail_url(resolved))
    html = page.content.decode()
    assert "已更换电梯控制板，运行正常。" in html
    assert "rate" in [name for name, *_ in page.context["steps"]]
    assert html.index("已更换电梯控制板") < html.index('name="rate-rating"')

    response = client.post(
        step_url(resolved, "rate"),
        {"rate-solved": "yes", "rate-rating": "satisfied", "rate-comment": "很及时"},
        follow=True,
    )
    resolved.refresh_from_db()
    assert resolved.state == CaseState.CLOSED and resolved.rating == "satisfied"
    follow_up = FollowUp.objects.get(case=resolved)
    assert follow_up.solved and not follow_up.by_phone and follow_up.comment == "很及时"
    text = response.content.decode()
    assert "the rating is recorded and the case is closed" in text
    assert "rate" not in [name for name, *_ in response.context["steps"]]


def test_dissatisfied_within_the_units_duty_shows_the_reopening(resolved, resident):
    response = client_for(resident).post(
        step_url(resolved, "rate"),
        {"rate-solved": "no", "rate-rating": "dissatisfied", "rate-reason": "not_solved"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    resolved.refresh_from_db()
    assert resolved.state == CaseState.DISPATCHED and resolved.reopen_count == 1
    assert (
        "The case is reopened: 中加水岸物业服务中心 handles it again" in response.content.decode()
    )


def test_dissatisfied_without_a_reason_is_refused_next_to_the_field(resolved, resident):
    response = client_for(resident).post(
        step_url(resolved, "rate"), {"rate-solved": "no", "rate-rating": "dissatisfied"}
    )
    assert response.status_code == 400
    form = dict((name, f) for name, _l, f, _q in response.context["steps"])["rate"]
    assert form.errors["reason"] == ["Tell us why you are dissatisfied."]
    resolved.refresh_from_db()
    assert resolved.state == CaseState.RESOLVED


def test_a_rating_outside_the_choices_is_refused(resolved, resident):
    response = client_for(resident).post(
        step_url(resolved, "rate"), {"rate-solved": "maybe", "rate-rating": "delighted"}
    )
    assert response.status_code == 400
    form = dict((name, f) for name, _l, f, _q in response.context["steps"])["rate"]
    assert set(form.errors) == {"solved", "rating"}


def test_an_agent_records_the_rating_by_phone(resolved, agent):
    client = client_for(agent)
    page = client.get(detail_url(resolved))
    labels = {name: label for name, label, *_ in page.context["steps"]}
    assert labels["rate"] == "Record the resident's rating (follow-up call)"
    client.post(
        step_url(resolved, "rate"),
        {"rate-solved": "yes", "rate-rating": "mostly_satisfied"},
    )
    follow_up = FollowUp.objects.get(case=resolved)
    assert follow_up.by_phone and follow_up.recorded_by == agent
    assert "(follow-up call)" in client.get(detail_url(resolved)).content.decode()


@pytest.mark.parametrize("who", ["other_resident", "outsider", "property_handler"])
def test_others_cannot_rate(request, resolved, who):
    user = request.getfixturevalue(who)
    response = client_for(user).post(
        step_url(resolved, "rate"), {"rate-solved": "yes", "rate-rating": "satisfied"}
    )
    assert response.status_code in (403, 404)
    resolved.refresh_from_db()
    assert resolved.state == CaseState.RESOLVED and not FollowUp.objects.exists()


# Merging duplicates ----------------------------------------------------------------------------


def test_the_dispatcher_merges_a_duplicate_after_confirming(report, worker, neighbour):
    survivor = report()
    duplicate = report(
        actor=neighbour, title="电梯又停了", description="1栋2单元电梯停运，老人下不了楼。"
    )
    client = client_for(worker)
    page = client.get(detail_url(duplicate))
    assert survivor in page.context["merge_candidates"]  # it looks alike

    unconfirmed = client.post(step_url(duplicate, "merge"), {"merge-into": survivor.number})
    assert unconfirmed.status_code == 400
    form = dict((n, f) for n, _l, f, _q in unconfirmed.context["steps"])["merge"]
    assert form.errors["confirm"] == ["Confirm that the two cases are about the same problem."]

    client.post(
        step_url(duplicate, "merge"),
        {"merge-into": survivor.number, "merge-confirm": "on", "merge-note": "同一部电梯"},
    )
    duplicate.refresh_from_db()
    assert duplicate.state == CaseState.CLOSED and duplicate.merged_into == survivor
    assert CaseFollower.objects.filter(case=survivor, user=neighbour).exists()


def test_merge_refuses_a_number_outside_the_community(report, worker, other_resident, demo):
    from gongzhi.places.models import Place

    case = report()
    elsewhere = report(
        actor=other_resident, place=Place.objects.get(name="A栋", parent__name="濱海家園")
    )
    response = client_for(worker).post(
        step_url(case, "merge"), {"merge-into": elsewhere.number, "merge-confirm": "on"}
    )
    assert response.status_code == 400
    form = dict((n, f) for n, _l, f, _q in response.context["steps"])["merge"]
    assert "No open case with this number in the same community" in form.errors["into"][0]
    case.refresh_from_db()
    assert case.state != CaseState.CLOSED


def test_the_merge_search_finds_by_number_and_title(report, worker):
    survivor, case = report(title="楼道堆放杂物"), report()
    client = client_for(worker)
    url = reverse("cases:merge_candidates", args=[case.pk])
    assert list(client.get(url, {"merge_q": "杂物"}, headers=HTMX).context["merge_candidates"]) == [
        survivor
    ]
    found = client.get(url, {"merge_q": survivor.number}, headers=HTMX).context["merge_candidates"]
    assert list(found) == [survivor]


@pytest.mark.parametrize("who", ["resident", "outsider", "other_resident"])
def test_those_without_the_right_cannot_merge(request, report, who):
    survivor, case = report(), report()
    user = request.getfixturevalue(who)
    response = client_for(user).post(
        step_url(case, "merge"), {"merge-into": survivor.number, "merge-confirm": "on"}
    )
    assert response.status_code in (403, 404)
    assert (
        client_for(user).get(reverse("cases:merge_candidates", args=[case.pk])).status_code == 404
    )
    case.refresh_from_db()
    assert case.merged_into is None


# Following -------------------------------------------------------------------------------------


def test_staff_follow_and_unfollow_from_the_case_page(report, supervisor):
    case = report()
    client = client_for(supervisor)
    assert client.get(detail_url(case)).context["following"] is False
    response = client.post(
        reverse("cases:follow"), {"number": case.number, "action": "follow"}, headers=HTMX
    )
    assert (
        response.status_code == 200
        and 'name="action" value="unfollow"' in response.content.decode()
    )
    assert client.get(detail_url(case)).context["following"] is True
    client.post(reverse("cases:follow"), {"number": case.number, "action": "unfollow"})
    assert not CaseFollower.objects.filter(case=case, user=supervisor).exists()


def test_a_neighbour_follows_a_published_case_and_lands_on_its_public_page(report, neighbour):
    case = report()
    response = client_for(neighbour).post(
        reverse("cases:follow"), {"number": case.number, "action": "follow"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("public:case", args=[case.number])
    assert CaseFollower.objects.filter(case=case, user=neighbour).exists()


def test_an_outsider_cannot_follow_another_communitys_case(report, other_resident):
    case = report()
    client = client_for(other_resident)
    response = client.post(reverse("cases:follow"), {"number": case.number, "action": "follow"})
    assert response.status_code == 404
    htmx = client.post(reverse("cases:follow"), {"number": case.number}, headers=HTMX)
    assert "You can follow the cases of your own community only." in htmx.content.decode()
    assert not CaseFollower.objects.filter(case=case).exists()


def test_a_tip_off_is_never_followed_by_a_neighbour(report, neighbour):
    case = report(nature="tip_off")
    response = client_for(neighbour).post(reverse("cases:follow"), {"number": case.number})
    assert response.status_code == 404


# While reporting -------------------------------------------------------------------------------


def hints(client: Client, **params):
    return client.get(reverse("cases:report_hints"), params, headers=HTMX)


def test_similar_open_cases_appear_while_reporting(report, neighbour, resident, building):
    theirs = report(
        actor=neighbour, title="电梯按钮失灵", description="1栋2单元电梯按钮失灵，按了没有反应。"
    )
    report(nature="tip_off", title="电梯按钮失灵", description="1栋2单元电梯按钮失灵，有人破坏。")
    response = hints(
        client_for(resident),
        title="电梯按钮坏了",
        description="1栋2单元电梯按钮失灵，没有反应",
        category=str(category("property.elevator").pk),
        place=str(building.pk),
    )
    numbers = [item["number"] for item in response.context["similar"]]
    assert numbers == [theirs.number]  # the tip-off is never shown
    assert f"Follow {theirs.number} instead" in response.content.decode()


def test_hints_mask_phone_numbers_in_the_neighbours_text(report, neighbour, resident, building):
    report(actor=neighbour, title="电梯按钮失灵", description="电梯按钮失灵，请联系13812345678。")
    response = hints(
        client_for(resident),
        title="电梯按钮失灵",
        description="电梯按钮失灵",
        place=str(building.pk),
    )
    html = response.content.decode()
    assert "13812345678" not in html and "138****5678" in html


def test_the_suggested_category_is_offered_but_never_replaces_a_choice(
    resident, building, monkeypatch
):
    lift = category("property.elevator")
    found = suggest.Suggestion(lift, 0.87, unit("中加水岸物业服务中心"), 0.8, 1)
    monkeypatch.setattr(suggest, "suggest", lambda *args, **kwargs: found)
    client = client_for(resident)

    unchosen = hints(client, title="电梯坏了", description="电梯停运", place=str(building.pk))
    html = unchosen.content.decode()
    assert f'data-category="{lift.pk}"' in html and "We preselected it" in html and "87%" in html

    chosen = hints(
        client,
        title="电梯坏了",
        description="电梯停运",
        place=str(building.pk),
        category=str(category("neighbours").pk),
    )
    assert "Your choice stays as it is." in chosen.content.decode()


def test_hints_ignore_a_place_outside_the_residents_communities(resident, report, zhiqiang):
    response = hints(client_for(resident), title="x", description="电梯", place=str(zhiqiang.pk))
    assert response.status_code == 200  # falls back to the resident's home


# The dispatcher's suggestion -------------------------------------------------------------------


def test_the_dispatcher_sees_the_suggestion_beside_a_different_rule(report, worker, monkeypatch):
    case = report()
    other = unit("新桥社区居民委员会")
    found = suggest.Suggestion(category("property.elevator"), 0.9, other, 0.75, 1)
    monkeypatch.setattr(suggest, "suggest", lambda *args, **kwargs: found)
    page = client_for(worker).get(detail_url(case))
    hint = page.context["hint"]
    assert hint.unit == other and hint.rule_unit == unit("中加水岸物业服务中心") and hint.differs
    html = page.content.decode()
    assert "Routing suggestion (not applied)" in html
    assert "The routing rules send it to 中加水岸物业服务中心." in html
    case.refresh_from_db()
    assert case.unit == unit("中加水岸物业服务中心")  # nothing applied


def test_the_resident_never_sees_the_routing_suggestion(report, resident, monkeypatch):
    case = report()
    found = suggest.Suggestion(category("property.elevator"), 0.9, None, 0.0, 1)
    monkeypatch.setattr(suggest, "suggest", lambda *args, **kwargs: found)
    assert client_for(resident).get(detail_url(case)).context["hint"] is None


def test_the_merge_search_works_without_javascript(report, worker):
    survivor, case = report(title="楼道堆放杂物"), report()
    page = client_for(worker).get(detail_url(case), {"merge_q": "杂物"})
    assert page.context["open_step"] == "merge"
    assert list(page.context["merge_candidates"]) == [survivor]
