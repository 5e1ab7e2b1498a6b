"""API keys: created with their service user, stored hashed, shown once, revoked at once."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from gongzhi.accounts.models import ApiKey, Unit, User, apikey_digest
from gongzhi.accounts.services import apikey_create, apikey_revoke
from gongzhi.cases.models import Case
from gongzhi.core.errors import NotPermitted
from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Place


def test_it_stores_only_a_digest_and_a_prefix(demo):
    created = apikey_create(actor=None, name="城市App")
    key = ApiKey.objects.get()
    assert created.raw.startswith(f"gz_{key.prefix}_") and len(created.raw) > 40
    assert key.key_hash == apikey_digest(created.raw)
    assert created.raw not in {str(v) for v in ApiKey.objects.values().get().values()}
    audit = AuditEntry.objects.get(action="apikey.created")
    assert created.raw not in str(audit.after) and key.key_hash not in str(audit.after)


def test_its_service_user_cannot_log_in(demo, client):
    created = apikey_create(actor=None, name="城市App")
    user = created.key.user
    assert user.is_active and not user.has_usable_password()
    assert user.username == f"apikey-{created.key.prefix}" and user.name == "城市App"
    for password in ["", "!", user.password]:
        response = client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": password or "x"}
        )
        assert response.status_code == 400


def test_keys_are_unique_and_scoped(demo, xinqiao):
    unit = Unit.objects.get(name="中加水岸物业服务中心")
    one = apikey_create(actor=None, name="a", places=[xinqiao], read_only=True, units=[unit])
    two = apikey_create(actor=None, name="b")
    assert one.raw != two.raw and one.key.prefix != two.key.prefix
    assert list(one.key.places.all()) == [xinqiao] and one.key.read_only
    assert one.key.user.units.get() == unit


def test_only_superusers_or_the_command_line_manage_keys(demo, worker, admin_user):
    with pytest.raises(NotPermitted):
        apikey_create(actor=worker, name="mine")
    created = apikey_create(actor=admin_user, name="ok")
    assert created.key.created_by == admin_user
    with pytest.raises(NotPermitted):
        apikey_revoke(actor=worker, key=created.key)


def test_revoking_is_immediate_idempotent_and_audited(demo):
    created = apikey_create(actor=None, name="城市App")
    apikey_revoke(actor=None, key=created.key)
    apikey_revoke(actor=None, key=created.key)
    key = ApiKey.objects.get()
    assert key.revoked_at is not None and not key.user.is_active
    assert AuditEntry.objects.filter(action="apikey.revoked").count() == 1


# ---------------------------------------------------------------- the command


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("apikey", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_key_alone_as_the_last_line_and_it_works(demo, client, admin_user):
    from gongzhi.places.services import place_boundary_set

    courtyard = Place.objects.get(name="中加水岸小区")
    place_boundary_set(
        actor=admin_user,
        place=courtyard,
        geometry={
            "type": "Polygon",
            "coordinates": [[[104.05, 30.72], [104.06, 30.72], [104.06, 30.73], [104.05, 30.72]]],
        },
    )
    output = run("create", "城市App", "--places", "510106041004")
    raw = output.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(r"gz_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}", raw)
    key = ApiKey.objects.get()
    assert key.key_hash == apikey_digest(raw) and key.places.get().code == "510106041004"
    assert AuditEntry.objects.get(action="apikey.created").channel == "cli"
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": raw,
            "service_code": "property.elevator",
            "lat": "30.722",
            "long": "104.058",
            "description": "电梯坏了",
        },
    )
    assert response.status_code == 200, response.content
    assert Case.objects.get().reporter == key.user


def test_create_read_only_and_for_a_unit(demo):
    raw = run("create", "物业系统", "--read-only", "--unit", "中加水岸物业服务中心").splitlines()[
        -1
    ]
    key = ApiKey.objects.get(key_hash=apikey_digest(raw))
    assert key.read_only and key.user.units.get().name == "中加水岸物业服务中心"
    with pytest.raises(CommandError):
        run("create", "x", "--unit", "没有这个单位")
    with pytest.raises(CommandError):
        run("create", "x", "--places", "999999999999")
    with pytest.raises(CommandError):
        run("create", "   ")


def test_list_shows_prefixes_never_keys_and_revoke_takes_a_prefix(demo):
    raw = run("create", "城市App").splitlines()[-1]
    prefix = ApiKey.objects.get().prefix
    listed = run("list")
    assert f"gz_{prefix}" in listed and "城市App" in listed and "active" in listed
    assert raw not in listed
    assert "Revoked" in run("revoke", f"gz_{prefix}")
    assert "already revoked" in run("revoke", prefix)
    assert "revoked" in run("list")
    with pytest.raises(CommandError):
        run("revoke", "gz_ffffffff")
    assert not User.objects.get(username=f"apikey-{prefix}").is_active


# ---------------------------------------------------------------- the admin


def test_the_admin_shows_a_new_key_once_and_revokes(admin_client, demo):
    response = admin_client.post(
        "/admin/accounts/apikey/add/", {"name": "热线系统", "read_only": "on"}
    )
    assert response.status_code == 200  # the key on this page, not in a redirect's message
    assert "no-store" in response["Cache-Control"]
    key = ApiKey.objects.get()
    page = response.content.decode()
    shown = re.search(r"gz_[0-9a-f]{8}_[A-Za-z0-9_-]{40,}", page)
    assert shown and key.key_hash == apikey_digest(shown.group(0))
    assert key.read_only and key.created_by.username == "admin"
    again = admin_client.get(f"/admin/accounts/apikey/{key.pk}/change/").content.decode()
    assert shown.group(0) not in again and key.key_hash not in again
    listing = admin_client.get("/admin/accounts/apikey/").content.decode()
    assert f"gz_{key.prefix}" in listing
    admin_client.post(
        "/admin/accounts/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    key.refresh_from_db()
    assert key.revoked_at is not None
