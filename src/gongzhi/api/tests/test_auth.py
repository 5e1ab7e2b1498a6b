from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.api.tests.conftest import assert_error
from gongzhi.demo.data import DEMO_PASSWORD

# The demo fixture asks for the database at run time; pytest-django only sets the test
# database up for tests that declare it.
pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def _login(api, username: str, password: str = DEMO_PASSWORD):
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json")


def test_it_gives_a_token_for_username_and_password(api, resident):
    response = _login(api, "zhangwei")

    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=resident).key}


def test_it_gives_a_token_for_a_mobile_number(api, resident):
    response = _login(api, "13900001001")

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=resident).key


def test_it_gives_the_same_token_until_it_is_revoked(api, resident):
    assert _login(api, "zhangwei").json() == _login(api, "zhangwei").json()


def test_it_accepts_form_data(api, resident):
    response = api.post(TOKEN_URL, {"username": "zhangwei", "password": DEMO_PASSWORD})

    assert response.status_code == 200


def test_it_refuses_a_wrong_password_in_the_error_format(api, resident):
    body = assert_error(_login(api, "zhangwei", "wrong-password"), 400, "invalid_credentials")

    assert body["fields"] == {}
    assert not Token.objects.filter(user=resident).exists()


def test_it_refuses_an_unknown_user_like_a_wrong_password(api, demo):
    assert_error(_login(api, "nobody"), 400, "invalid_credentials")


def test_it_refuses_an_inactive_user(api, resident):
    resident.is_active = False
    resident.save(update_fields=["is_active"])

    assert_error(_login(api, "zhangwei"), 400, "invalid_credentials")


def test_it_says_which_fields_are_missing(api, demo):
    body = assert_error(api.post(TOKEN_URL, {}, format="json"), 400, "invalid")

    assert set(body["fields"]) == {"username", "password"}


def test_it_authenticates_with_the_token(api, resident):
    token = _login(api, "zhangwei").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["username"] == "zhangwei"


def test_it_answers_anonymous_requests_with_401(api, demo):
    response = api.get("/api/v1/me/")

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_it_answers_a_wrong_token_with_401(api, demo):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert_error(api.get("/api/v1/me/"), 401, "authentication_failed")


def test_it_answers_a_token_of_an_inactive_user_with_401(api_as, resident):
    client = api_as(resident)
    resident.is_active = False
    resident.save(update_fields=["is_active"])

    assert_error(client.get("/api/v1/me/"), 401, "authentication_failed")


def test_it_locks_the_account_after_five_failures(api, resident):
    for _ in range(4):
        assert_error(_login(api, "zhangwei", "wrong-password"), 400, "invalid_credentials")

    response = _login(api, "zhangwei", "wrong-password")

    assert_error(response, 429, "locked_out")
    assert int(response["Retry-After"]) == 30 * 60
    # Locked: even the right password is refused, in the same format.
    assert_error(_login(api, "zhangwei"), 429, "locked_out")
    assert not Token.objects.filter(user=resident).exists()


def test_it_says_when_a_lock_does_not_expire(api, resident, settings):
    settings.AXES_COOLOFF_TIME = None
    for _ in range(4):
        _login(api, "zhangwei", "wrong-password")

    response = _login(api, "zhangwei", "wrong-password")

    assert_error(response, 429, "locked_out")
    assert "Retry-After" not in response


def test_it_locks_one_account_not_the_others(api, resident, worker):
    for _ in range(5):
        _login(api, "zhangwei", "wrong-password")

    assert _login(api, "liuyang").status_code == 200


def test_it_forgets_failures_after_a_successful_login(api, resident):
    for _ in range(4):
        _login(api, "zhangwei", "wrong-password")
    assert _login(api, "zhangwei").status_code == 200

    for _ in range(4):
        assert_error(_login(api, "zhangwei", "wrong-password"), 400, "invalid_credentials")
    assert _login(api, "zhangwei").status_code == 200


def test_it_records_the_login(api, resident):
    _login(api, "zhangwei")

    resident.refresh_from_db()
    assert resident.last_login is not None


def test_it_revokes_the_token(api, resident):
    token = _login(api, "zhangwei").json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api.delete(TOKEN_URL).status_code == 204

    assert_error(api.get("/api/v1/me/"), 401, "authentication_failed")
    assert _login(api.__class__(), "zhangwei").json()["token"] != token


def test_it_revokes_only_with_a_token(api, demo):
    assert_error(api.delete(TOKEN_URL), 401, "not_authenticated")


def test_it_takes_no_session_on_the_token_endpoint(resident, worker):
    """A logged-in browser session neither counts as the user nor needs a CSRF token here."""
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(worker)

    response = _login(api, "zhangwei")

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=resident).key


def test_it_works_with_the_web_session_too(api, worker):
    api.force_login(worker)

    response = api.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["username"] == "liuyang"
