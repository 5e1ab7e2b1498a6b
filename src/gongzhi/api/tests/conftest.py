"""API test helpers: an anonymous client and clients holding a user's token."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.accounts.models import User

ERROR_KEYS = {"code", "message", "fields"}


def openapi_document() -> dict[str, Any]:
    """The document /api/v1/schema/ serves, as JSON (made without a request or the database)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is an error in the one format, with this status and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == ERROR_KEYS, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    return body


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as() -> Callable[[User], APIClient]:
    """api_as(user): a client sending "Authorization: Token …" for that user."""

    def make(user: User) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def unlimited(settings):
    """The API's rate limits off. For query-count tests: they measure an endpoint, not the
    limiter, which adds a fixed few cache queries to every request (see test_limits.py)."""
    settings.GONGZHI_API_RATE_USER = settings.GONGZHI_API_RATE_ANON = ""
    settings.GONGZHI_API_RATE_WRITE = ""
