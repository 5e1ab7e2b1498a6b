"""The publicity API: public reads without personal data, steps with their errors, fixed
query counts on lists, and an OpenAPI document that describes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from gongzhi.core import clock
from gongzhi.publicity import services
from gongzhi.publicity.choices import ProgrammeKind
from gongzhi.publicity.tests.conftest import TUESDAY


def api(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_public_reads_notices_with_masked_objectors(notice, resident):
    with clock.frozen(TUESDAY + dt.timedelta(days=1)):
        services.objection_file(actor=resident, notice=notice, body="反对")
    body = api().get(reverse("api:notice-detail", args=[notice.pk])).json()
    assert body["objections"][0]["author"] == "张*"
    assert body["subject"] == {"type": "project", "id": notice.subject_id}
    assert body["actions"] == []
    listed = api().get(reverse("api:notice-list")).json()
    assert any(row["id"] == notice.pk and row["objection_count"] == 1 for row in listed["results"])


def test_a_resident_objects_and_staff_respond_by_api(notice, resident, worker):
    with clock.frozen(TUESDAY + dt.timedelta(days=1)):
        response = api(resident).post(
            reverse("api:notice-objections", args=[notice.pk]), {"body": "意见"}, format="json"
        )
    assert response.status_code == 201
    assert response.json()["objections"][0]["author"] == "张伟"
    objection_id = response.json()["objections"][0]["id"]
    response = api(worker).post(
        reverse("api:objection-response", args=[objection_id]), {"response": "好的"}, format="json"
    )
    assert response.status_code == 200 and response.json()["response"] == "好的"


def test_the_api_answers_the_rules_with_their_codes(notice, resident, other_resident, worker):
    url = reverse("api:notice-objections", args=[notice.pk])
    refused = api(other_resident).post(url, {"body": "x"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    with clock.frozen(TUESDAY + dt.timedelta(days=30)):
        late = api(resident).post(url, {"body": "x"}, format="json")
    assert late.status_code == 409 and late.json()["code"] == "invalid_transition"
    early = api(worker).post(
        reverse("api:notice-close", args=[notice.pk]), {"result": "x"}, format="json"
    )
    assert early.status_code == 409
    bad = api(worker).post(
        reverse("api:notice-extend", args=[notice.pk]), {"days": 0, "reason": "r"}, format="json"
    )
    assert bad.status_code == 400 and "days" in bad.json()["fields"]
    assert api().post(reverse("api:notice-list"), {}, format="json").status_code in {401, 403}


def test_staff_publish_and_manage_projects_by_api(worker, courtyard):
    response = api(worker).post(
        reverse("api:project-list"),
        {
            "place": courtyard.pk,
            "title": "背街小巷整治",
            "kind": ProgrammeKind.BACK_STREETS,
            "budget_fen": 300000,
        },
        format="json",
    )
    assert response.status_code == 201
    project_id = response.json()["id"]
    response = api(worker).post(
        reverse("api:notice-list"),
        {
            "place": courtyard.pk,
            "title": "公示",
            "body": "内容",
            "project": project_id,
            "period_days": 3,
            "period_unit": "working_days",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["period_unit"] == "working_days"
    for step in ("approve", "start"):
        assert (
            api(worker).post(reverse(f"api:project-{step}", args=[project_id])).status_code == 200
        )
    response = api(worker).patch(
        reverse("api:project-detail", args=[project_id]), {"contractor": "金牛市政"}, format="json"
    )
    assert response.json()["contractor"] == "金牛市政"
    cancel = api(worker).post(reverse("api:project-cancel", args=[project_id]), {}, format="json")
    assert cancel.status_code == 400


def test_public_lists_take_a_fixed_number_of_queries(
    notice, worker, courtyard, xinqiao, django_assert_max_num_queries
):
    for i in range(6):
        services.notice_publish(actor=worker, place=courtyard, title=f"公示{i}", body="b")
    with django_assert_max_num_queries(3):
        assert api().get(reverse("api:notice-list")).status_code == 200
    with django_assert_max_num_queries(3):
        assert api().get(reverse("api:project-list")).status_code == 200
    with django_assert_max_num_queries(6):
        response = api().get(reverse("api:programme"), {"place": xinqiao.pk})
    assert response.status_code == 200
    assert {k["kind"] for k in response.json()["kinds"]} == set(ProgrammeKind.values)


def test_the_openapi_document_lists_the_errors(admin_user):
    schema = api(admin_user).get(reverse("api:schema"), {"format": "json"}).json()
    objections = schema["paths"]["/api/v1/notices/{id}/objections/"]["post"]["responses"]
    assert {"201", "400", "403", "404", "409"} <= set(objections)


@pytest.mark.parametrize("name", ["api:objection-list"])
def test_objections_are_for_staff_only(name, resident, notice):
    with clock.frozen(TUESDAY + dt.timedelta(days=1)):
        services.objection_file(actor=resident, notice=notice, body="意见")
    assert api(resident).get(reverse(name)).json() == []
