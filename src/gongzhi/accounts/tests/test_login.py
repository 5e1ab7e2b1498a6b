from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.core.models import AuditEntry
from gongzhi.demo.data import DEMO_PASSWORD


def _login(client, username: str, password: str = DEMO_PASSWORD):
    return client.post(reverse("web:login"), {"username": username, "password": password})


def test_it_logs_in_with_a_username(demo, client):
    response = _login(client, "liuyang")
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_it_logs_in_with_a_mobile_number(demo, client, worker):
    response = _login(client, worker.phone)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_it_refuses_a_wrong_password_and_records_the_attempt(demo, client):
    response = _login(client, "liuyang", "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.login_failed", after__username="liuyang").exists()


def test_it_locks_an_account_after_repeated_failures(demo, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "liuyang", "wrong-password")
    # Even the right password is refused while locked.
    response = _login(client, "liuyang")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_and_address(demo, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "liuyang", "wrong-password")
    assert _login(client, "chenjing").status_code == 302


def test_inactive_users_cannot_log_in(demo, client, worker):
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    assert _login(client, "liuyang").status_code == 200


@pytest.mark.parametrize("phone", ["1390000100", "23900001004", "139000010041"])
def test_a_malformed_number_is_taken_as_a_username(demo, client, phone):
    assert _login(client, phone).status_code == 200
