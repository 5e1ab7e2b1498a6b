"""The duty API: rosters, generation, edits, swaps, on-duty, volunteers, hours; errors."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from gongzhi.api.tests import conftest as api_fixtures
from gongzhi.api.tests.conftest import assert_error
from gongzhi.core import clock
from gongzhi.duty import volunteering
from gongzhi.duty.models import Shift
from gongzhi.duty.tests.conftest import DAY, at, staffed_shift

api_as, unlimited = api_fixtures.api_as, api_fixtures.unlimited


def _json(response):
    return json.loads(response.content)


@pytest.mark.usefixtures("unlimited")
def test_it_creates_a_roster_generates_and_lists_shifts(
    api_as, worker, courtyard, volunteer, building_head, django_assert_max_num_queries
):
    client = api_as(worker)
    created = client.post(
        reverse("api:duty-roster-list"), {"place": courtyard.pk, "name": "API值班"}, format="json"
    )
    assert created.status_code == 201, created.content
    roster_id = _json(created)["id"]
    for person, role in ((volunteer, "volunteer"), (building_head, "building_head")):
        added = client.post(
            reverse("api:duty-roster-members", args=[roster_id]),
            {"user": person.pk, "role": role},
            format="json",
        )
        assert added.status_code == 201, added.content
    generated = client.post(
        reverse("api:duty-roster-generate", args=[roster_id]),
        {
            "start": "2030-03-11",
            "end": "2030-03-22",
            "times": [{"start": "09:00", "end": "12:00"}, {"start": "14:00", "end": "17:00"}],
        },
        format="json",
    )
    assert generated.status_code == 201, generated.content
    assert len(_json(generated)) == 20
    with django_assert_max_num_queries(8):
        listed = client.get(
            reverse("api:duty-shift-list", args=[roster_id]),
            {"start": "2030-03-01", "end": "2030-03-31"},
        )
    shifts = _json(listed)
    assert len(shifts) == 20
    names = [p["name"] for shift in shifts for p in shift["people"]]
    assert names.count("王芳") == names.count("李娜") == 10
    with django_assert_max_num_queries(8):
        rosters = client.get(reverse("api:duty-roster-list"))
    assert roster_id in [r["id"] for r in _json(rosters)["results"]]


def test_edits_and_their_errors(api_as, worker, outsider, roster, volunteer, building_head):
    shift = staffed_shift(worker, roster, [volunteer])
    client = api_as(worker)
    full = client.post(
        reverse("api:duty-shift-assign", args=[shift.pk]), {"user": building_head.pk}, format="json"
    )
    assert_error(full, 409, "conflict")
    replaced = client.post(
        reverse("api:duty-shift-replace", args=[shift.pk]),
        {"user": building_head.pk, "old": volunteer.pk},
        format="json",
    )
    assert [p["name"] for p in _json(replaced)["people"]] == ["李娜"]
    unassigned = client.post(
        reverse("api:duty-shift-unassign", args=[shift.pk]),
        {"user": building_head.pk},
        format="json",
    )
    assert _json(unassigned)["gap"] is True
    gaps = client.get(reverse("api:duty-gap-list"), {"start": DAY, "end": DAY})
    assert shift.pk in [g["id"] for g in _json(gaps)]
    # Another community's worker sees nothing and may change nothing.
    other = api_as(outsider)
    assert_error(other.get(reverse("api:duty-roster-detail", args=[roster.pk])), 404, "not_found")
    assert_error(
        other.post(
            reverse("api:duty-shift-assign", args=[shift.pk]), {"user": volunteer.pk}, format="json"
        ),
        404,
        "not_found",
    )
    bad = client.post(
        reverse("api:duty-roster-generate", args=[roster.pk]),
        {"start": "2030-03-11", "end": "2030-12-31", "times": [{"start": "09:00", "end": "12:00"}]},
        format="json",
    )
    assert "end" in assert_error(bad, 400, "invalid")["fields"]


def test_swap_through_the_api(api_as, worker, roster, volunteer, building_head):
    shift = staffed_shift(worker, roster, [volunteer])
    with clock.frozen(at(DAY, 7)):
        asked = api_as(volunteer).post(
            reverse("api:duty-swap-list"),
            {"shift": shift.pk, "counterparty": building_head.pk, "note": "出差"},
            format="json",
        )
        assert asked.status_code == 201, asked.content
        swap_id = _json(asked)["id"]
        assert_error(
            api_as(volunteer).post(reverse("api:duty-swap-accept", args=[swap_id])),
            403,
            "permission_denied",
        )
        accepted = api_as(building_head).post(reverse("api:duty-swap-accept", args=[swap_id]))
        assert _json(accepted)["state"] == "accepted"
        again = api_as(building_head).post(reverse("api:duty-swap-decline", args=[swap_id]))
        assert_error(again, 409, "conflict")
    assert list(shift.assignments.values_list("user__username", flat=True)) == ["lina"]
    mine = _json(api_as(volunteer).get(reverse("api:duty-swap-list")))
    assert swap_id in [s["id"] for s in mine]
    assert all(volunteer.pk in (s["requester"], s["counterparty"]) for s in mine)


def test_on_duty_masks_names_for_residents(api_as, worker, resident, roster, courtyard, volunteer):
    staffed_shift(worker, roster, [volunteer])
    with clock.frozen(at(DAY, 10)):
        staff = _json(api_as(worker).get(reverse("api:duty-on-duty"), {"place": courtyard.pk}))
        public = _json(api_as(resident).get(reverse("api:duty-on-duty"), {"place": courtyard.pk}))
    assert staff["people"] == [{"id": volunteer.pk, "name": "王芳"}]
    assert public["people"] == [{"id": volunteer.pk, "name": "王*"}]
    missing = api_as(worker).get(reverse("api:duty-on-duty"), {"place": 999999})
    assert_error(missing, 404, "not_found")


@pytest.mark.usefixtures("unlimited")
def test_volunteers_hours_and_totals(
    api_as, worker, outsider, xinqiao, volunteer, django_assert_max_num_queries
):
    client = api_as(worker)
    registered = client.post(
        reverse("api:duty-volunteer-list"),
        {"user": volunteer.pk, "community": xinqiao.pk, "kind": "party_member", "skills": "电工"},
        format="json",
    )
    assert registered.status_code == 201, registered.content
    entry = _json(registered)
    assert entry["phone"] == volunteer.phone  # a community worker may call people back
    day = clock.today() - dt.timedelta(days=1)
    reported = api_as(volunteer).post(
        reverse("api:duty-service-record-list"),
        {"volunteer": entry["id"], "date": day, "hours": "3.0", "activity": "社区义诊"},
        format="json",
    )
    assert _json(reported)["state"] == "reported"
    record_id = _json(reported)["id"]
    assert_error(
        api_as(volunteer).post(reverse("api:duty-service-record-confirm", args=[record_id])),
        403,
        "permission_denied",
    )
    assert_error(
        api_as(outsider).post(reverse("api:duty-service-record-confirm", args=[record_id])),
        404,
        "not_found",
    )
    confirmed = client.post(reverse("api:duty-service-record-confirm", args=[record_id]))
    assert _json(confirmed)["state"] == "confirmed"
    totals = _json(
        client.get(
            reverse("api:duty-service-totals"),
            {"start": day, "end": day, "community": xinqiao.pk},
        )
    )
    assert totals["by_community"][0]["hours"] >= 3
    assert any(row["volunteer_id"] == entry["id"] for row in totals["by_person"])
    with django_assert_max_num_queries(8):
        listed = client.get(reverse("api:duty-volunteer-list"))
    assert entry["id"] in [v["id"] for v in _json(listed)["results"]]
    outsider_list = _json(api_as(outsider).get(reverse("api:duty-volunteer-list")))
    assert entry["id"] not in [v["id"] for v in outsider_list["results"]]


def test_the_shift_model_is_unchanged_by_a_refused_generation(api_as, outsider, roster):
    refused = api_as(outsider).post(
        reverse("api:duty-roster-generate", args=[roster.pk]),
        {"start": "2030-03-11", "end": "2030-03-12", "times": [{"start": "09:00", "end": "12:00"}]},
        format="json",
    )
    assert_error(refused, 404, "not_found")
    assert not Shift.objects.filter(roster=roster).exists()


@pytest.mark.usefixtures("unlimited")
def test_a_registered_volunteer_list_is_query_bounded(
    api_as, worker, xinqiao, volunteer, building_head, django_assert_max_num_queries
):
    for person in (volunteer, building_head):
        volunteering.volunteer_register(
            actor=worker, user=person, community=xinqiao, kind="volunteer"
        )
    with django_assert_max_num_queries(8):
        response = api_as(worker).get(reverse("api:duty-service-record-list"))
    assert response.status_code == 200
