from __future__ import annotations

import pytest

from gongzhi.accounts.models import RoleGrant, User
from gongzhi.accounts.services import role_grant, role_revoke, user_create
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Place


def test_it_creates_a_user_with_a_hashed_password_and_audits_it(demo, worker):
    user = user_create(
        actor=worker, username="xiaoming", password="Xm-2026-pass", name="小明", phone="13700000001"
    )
    assert user.check_password("Xm-2026-pass") and user.password != "Xm-2026-pass"
    assert AuditEntry.objects.filter(
        action="user.created", object_id=str(user.pk), actor=worker
    ).exists()


@pytest.mark.parametrize(
    ("password", "field_hint"),
    [("short1A", "password"), ("alllowercaseletters", "password"), ("12345678901", "password")],
)
def test_it_enforces_the_password_rules(demo, password, field_hint):
    count = User.objects.count()
    with pytest.raises(InvalidInput) as error:
        user_create(actor=None, username="weak", password=password)
    assert field_hint in error.value.fields
    assert User.objects.count() == count


def test_it_refuses_a_taken_phone_and_a_bad_phone(demo, worker):
    with pytest.raises(InvalidInput) as error:
        user_create(actor=None, username="dup", password=None, phone=worker.phone)
    assert "phone" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        user_create(actor=None, username="bad", password=None, phone="12345")
    assert "phone" in error.value.fields


def test_a_worker_may_verify_residents_of_their_community_only(demo, worker, xinqiao, zhiqiang):
    person = user_create(actor=None, username="newcomer", password=None)
    courtyard = Place.objects.get(parent=xinqiao, name="中加水岸小区")
    grant = role_grant(actor=worker, user=person, role="resident", place=courtyard, verified=True)
    assert grant.verified and grant.granted_by == worker
    with pytest.raises(NotPermitted):
        role_grant(actor=worker, user=person, role="resident", place=zhiqiang)
    with pytest.raises(NotPermitted):
        role_grant(actor=worker, user=person, role="admin", place=courtyard)
    assert RoleGrant.objects.filter(user=person).count() == 1


def test_granting_twice_is_idempotent_and_audited_once(demo, worker, xinqiao):
    person = user_create(actor=None, username="twice", password=None)
    role_grant(actor=worker, user=person, role="volunteer", place=xinqiao)
    role_grant(actor=worker, user=person, role="volunteer", place=xinqiao)
    assert RoleGrant.objects.filter(user=person).count() == 1
    assert AuditEntry.objects.filter(action="role.granted", after__user=person.pk).count() == 1


def test_revoking_is_audited_and_refused_to_outsiders(demo, worker, outsider, xinqiao):
    person = user_create(actor=None, username="leaving", password=None)
    grant = role_grant(actor=worker, user=person, role="volunteer", place=xinqiao)
    with pytest.raises(NotPermitted):
        role_revoke(actor=outsider, grant=grant)
    role_revoke(actor=worker, grant=grant)
    assert not RoleGrant.objects.filter(user=person).exists()
    assert AuditEntry.objects.filter(action="role.revoked", before__user=person.pk).exists()


def test_admin_edits_of_people_are_audited_without_secrets(demo, admin_client, worker):
    from django.urls import reverse

    url = reverse("admin:auth_user_password_change", args=[worker.pk])
    response = admin_client.post(
        url, {"password1": "N3w-Secret-pw", "password2": "N3w-Secret-pw", "usable_password": "true"}
    )
    assert response.status_code == 302
    url = reverse("admin:accounts_user_change", args=[worker.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    entries = AuditEntry.objects.filter(object_id=str(worker.pk), object_type="accounts.user")
    assert entries.filter(action="accounts.user.password_changed", actor__username="admin").exists()
    assert "N3w-Secret-pw" not in str(list(entries.values_list("after", flat=True)))
