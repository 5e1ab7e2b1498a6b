"""POST Service Request with `Prefer: respond-async`: a token at once, the service_request_id
from GET tokens/{token} once the worker has registered it (Open311's token flow)."""

from __future__ import annotations

import pytest

from gongzhi.cases import intake
from gongzhi.cases.models import Case, Intake
from gongzhi.cases.tests.conftest import png_bytes
from gongzhi.core.models import Notification
from gongzhi.open311.tests.conftest import parsed, report_data

ASYNC = {"HTTP_PREFER": "respond-async"}


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_a_queued_request_gets_a_token_then_its_id(o311, key, bounded, property_company, fmt):
    cases = Case.objects.count()

    response = o311.post("requests", fmt, report_data(key), **ASYNC)

    assert response.status_code == 200 and response["Preference-Applied"] == "respond-async"
    body = parsed(response)
    if fmt == "json":
        assert set(body[0]) == {"token", "service_notice", "account_id"}
        token = body[0]["token"]
    else:
        assert body.find("request/service_request_id") is None
        token = body.findtext("request/token")
    assert Case.objects.count() == cases
    waiting = parsed(o311.get(f"tokens/{token}", "json"))
    assert waiting[0]["token"] == token and "service_request_id" not in waiting[0]

    assert intake.intake_register_queued()["registered"] == 1
    # The client asks GET tokens/{token}: its service user gets no notification.
    assert not Notification.objects.filter(recipient=key.key.user).exists()

    case = Case.objects.get(intake__pk=token)
    assert case.channel == "open311" and case.reporter == key.key.user
    assert case.place == bounded and case.unit == property_company
    assert case.category.code == "property.elevator"
    assert str(case.latitude) == "30.725000" and str(case.longitude) == "104.055000"
    done = o311.get(f"tokens/{token}", fmt)
    if fmt == "json":
        assert parsed(done) == [{"token": token, "service_request_id": case.number}]
    else:
        assert parsed(done).findtext("request/service_request_id") == case.number


def test_a_queued_request_is_checked_as_one_filed_at_once(o311, key, bounded):
    data = report_data(key)
    data["service_code"] = "no.such.service"

    response = o311.post("requests", "json", data, **ASYNC)

    assert response.status_code == 404 and not Intake.objects.exists()


def test_a_request_with_media_is_filed_at_once(o311, key, bounded):
    data = {**report_data(key), "media": png_bytes()}

    response = o311.post("requests", "json", data, **ASYNC)

    assert response.status_code == 200 and "Preference-Applied" not in response
    assert Case.objects.filter(number=parsed(response)[0]["service_request_id"]).exists()
