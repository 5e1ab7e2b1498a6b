"""API tokens remembered per process (api/authentication.py): fewer queries, the same answers."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from gongzhi.api import authentication
from gongzhi.api.tests.conftest import assert_error

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


@pytest.fixture
def remembering(settings):
    settings.GONGZHI_API_TOKEN_CACHE_SECONDS = 10


def test_a_remembered_token_costs_no_query(
    remembering, api_as, resident, django_assert_num_queries
):
    key = Token.objects.get_or_create(user=resident)[0].key
    assert api_as(resident).get(ME).status_code == 200  # remembered now

    with django_assert_num_queries(0):
        user, token = authentication.TokenAuthentication().authenticate_credentials(key)

    assert user.pk == resident.pk and token.key == key and token.user is user


def test_each_request_gets_its_own_user(remembering, api_as, resident):
    """What a request attaches to its user (the permission module's grants) stays with it."""
    key = Token.objects.get_or_create(user=resident)[0].key
    auth = authentication.TokenAuthentication()
    first, _ = auth.authenticate_credentials(key)
    first._gongzhi_grants = ["stale"]
    second, _ = auth.authenticate_credentials(key)

    assert second is not first and not hasattr(second, "_gongzhi_grants")
    assert (second.pk, second.username, second.is_active) == (
        resident.pk,
        resident.username,
        True,
    )


def test_a_revoked_token_stops_at_once(remembering, api_as, resident):
    client = api_as(resident)
    assert client.get(ME).status_code == 200

    assert client.delete("/api/v1/auth/token/").status_code == 204  # with the remembered token

    assert not Token.objects.filter(user=resident).exists()
    assert_error(client.get(ME), 401, "authentication_failed")


def test_a_deactivated_user_is_refused_at_once(remembering, api_as, resident):
    client = api_as(resident)
    assert client.get(ME).status_code == 200

    resident.is_active = False
    resident.save(update_fields=["is_active"])

    assert_error(client.get(ME), 401, "authentication_failed")


def test_a_wrong_token_is_never_remembered(remembering, api):
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert_error(api.get(ME), 401, "authentication_failed")
    assert_error(api.get(ME), 401, "authentication_failed")


def test_nothing_is_remembered_when_turned_off(api_as, resident, django_assert_num_queries):
    key = Token.objects.get_or_create(user=resident)[0].key
    api_as(resident).get(ME)
    with django_assert_num_queries(1):
        authentication.TokenAuthentication().authenticate_credentials(key)
