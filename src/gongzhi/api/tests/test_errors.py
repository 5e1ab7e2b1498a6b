"""Every error the API gives has one format: {"code", "message", "fields"}."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from gongzhi.api.errors import server_error
from gongzhi.api.tests.conftest import assert_error
from gongzhi.core.errors import Conflict, DomainError, InvalidInput, NotFound, NotPermitted

pytestmark = pytest.mark.django_db


def test_it_answers_invalid_parameters_with_400_and_the_fields(api, demo):
    body = assert_error(api.get("/api/v1/places/", {"under": "abc"}), 400, "invalid")

    assert list(body["fields"]) == ["under"]
    assert body["fields"]["under"]


def test_it_answers_an_unknown_level_with_400(api, demo):
    body = assert_error(api.get("/api/v1/places/", {"level": "planet"}), 400, "invalid")

    assert list(body["fields"]) == ["level"]


def test_it_answers_several_invalid_parameters_at_once(api, demo):
    body = assert_error(api.get("/api/v1/places/", {"under": "-1", "parent": "x"}), 400, "invalid")

    assert set(body["fields"]) == {"under", "parent"}


def test_it_refuses_ids_beyond_64_bits_without_a_500(api, demo):
    assert_error(api.get("/api/v1/places/", {"under": "9" * 20}), 400, "invalid")
    assert_error(api.get(f"/api/v1/places/{'9' * 20}/"), 404, "not_found")
    assert_error(api.get(f"/api/v1/units/{'9' * 20}/"), 404, "not_found")


def test_it_answers_an_unknown_place_in_a_parameter_with_404(api, demo):
    body = assert_error(api.get("/api/v1/places/", {"under": "999999"}), 404, "not_found")

    assert "999999" in body["message"]
    assert list(body["fields"]) == ["under"]


def test_it_answers_401_without_credentials(api, demo):
    response = api.get("/api/v1/people/")

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_it_answers_403_when_a_permission_is_missing(api_as, resident):
    assert_error(api_as(resident).get("/api/v1/people/"), 403, "permission_denied")


def test_it_answers_403_to_a_session_that_writes_without_csrf_token(worker):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(worker)

    assert_error(api.post("/api/v1/places/"), 403, "permission_denied")


def test_it_answers_an_unknown_id_with_404(api, demo):
    assert_error(api.get("/api/v1/places/999999/"), 404, "not_found")
    assert_error(api.get("/api/v1/units/999999/"), 404, "not_found")


@pytest.mark.parametrize("method", ["get", "post", "put", "delete", "options"])
def test_it_answers_an_unknown_url_under_the_api_with_404(api, demo, method):
    response = getattr(api, method)("/api/v1/no-such-thing/")

    body = assert_error(response, 404, "not_found")
    assert "/api/v1/no-such-thing/" in body["message"]


def test_it_answers_an_unknown_url_even_with_a_wrong_token(api, demo):
    api.credentials(HTTP_AUTHORIZATION="Token wrong")

    assert_error(api.get("/api/v1/no-such-thing/"), 404, "not_found")


def test_it_points_at_the_missing_slash(api, demo):
    body = assert_error(api.get("/api/v1/places"), 404, "not_found")

    assert "/api/v1/places/" in body["message"]


def test_it_answers_a_wrong_method_with_405(api, demo):
    response = api.post("/api/v1/places/", {}, format="json")

    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


def test_it_answers_malformed_json_with_400(api, demo):
    response = api.post("/api/v1/auth/token/", data="{not json", content_type="application/json")

    assert_error(response, 400, "parse_error")


def test_it_answers_a_tampered_cursor_with_404(api, demo):
    assert_error(api.get("/api/v1/places/", {"cursor": "garbage"}), 404, "not_found")


class _Raises(APIView):
    """A view whose service refuses with a domain error."""

    permission_classes = [AllowAny]
    error: DomainError = DomainError()

    def get(self, request: Request) -> Response:
        raise self.error


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (Conflict(), 409, "conflict"),
        (NotPermitted(), 403, "permission_denied"),
        (NotFound(), 404, "not_found"),
        (InvalidInput(fields={"title": ["Too long."]}), 400, "invalid"),
        (DomainError("The case is already closed."), 400, "domain_error"),
    ],
)
def test_it_answers_domain_errors_in_the_format(error, status, code):
    view = _Raises.as_view(error=error)

    response = view(APIRequestFactory().get("/api/v1/anything/"))

    assert response.status_code == status
    assert response.data == {"code": code, "message": error.message, "fields": error.fields}


def test_it_answers_server_errors_under_the_api_in_the_format():
    response = server_error(RequestFactory().get("/api/v1/places/"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert_error(response, 500, "server_error")


def test_it_leaves_server_errors_elsewhere_to_django():
    response = server_error(RequestFactory().get("/places/1/"))

    assert response.status_code == 500
    assert not response["Content-Type"].startswith("application/json")
