from __future__ import annotations

import pytest

from gongzhi.accounts.models import RoleGrant
from gongzhi.core import permissions
from gongzhi.core.errors import NotPermitted
from gongzhi.places.models import Place


@pytest.fixture
def courtyard(xinqiao) -> Place:
    return Place.objects.get(parent=xinqiao, name="中加水岸小区")


def test_a_role_applies_to_the_subtree_of_its_place(worker, xinqiao, zhiqiang, courtyard):
    assert permissions.has_perm(worker, "person.view", xinqiao)
    assert permissions.has_perm(worker, "person.view", courtyard)
    assert not permissions.has_perm(worker, "person.view", zhiqiang)
    assert not permissions.has_perm(worker, "person.view", xinqiao.parent)  # not upwards


def test_a_role_without_the_permission_grants_nothing(resident, courtyard):
    assert not permissions.has_perm(resident, "person.view", courtyard)
    with pytest.raises(NotPermitted):
        permissions.require(resident, "person.view", courtyard)


def test_a_district_supervisor_sees_every_community_below(supervisor, xinqiao, zhiqiang):
    assert permissions.has_perm(supervisor, "audit.view", xinqiao)  # 金牛区
    assert not permissions.has_perm(supervisor, "audit.view", zhiqiang)  # 成华区


def test_scope_filters_rows_to_the_granted_subtrees(worker, xinqiao):
    grants = permissions.scope(RoleGrant.objects.all(), worker, "person.view")
    paths = set(grants.values_list("place__path", flat=True))
    assert paths and all(p.startswith(xinqiao.path) for p in paths)


def test_scope_is_empty_for_a_user_without_the_role(resident):
    assert not permissions.scope(RoleGrant.objects.all(), resident, "person.view").exists()


def test_superusers_may_do_everything(admin_user, zhiqiang):
    assert permissions.has_perm(admin_user, "place.manage", zhiqiang)
    assert permissions.scope_paths(admin_user, "person.view") is None


def test_inactive_users_may_do_nothing(worker, xinqiao):
    worker.is_active = False
    assert not permissions.has_perm(worker, "person.view", xinqiao)


def test_anonymous_users_may_do_nothing(xinqiao):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.has_perm(AnonymousUser(), "person.view", xinqiao)
    assert not permissions.scope(RoleGrant.objects.all(), AnonymousUser(), "person.view").exists()


def test_grants_are_loaded_once_per_user_object(worker, xinqiao, django_assert_num_queries):
    permissions.forget_grants(worker)
    with django_assert_num_queries(1):
        for _ in range(5):
            permissions.has_perm(worker, "person.view", xinqiao)


def test_unknown_permissions_are_a_programming_error(worker, xinqiao):
    with pytest.raises(ValueError, match="unknown permission"):
        permissions.has_perm(worker, "no.such", xinqiao)


def test_nested_grant_paths_collapse(worker, xinqiao, courtyard):
    from gongzhi.accounts.services import role_grant

    role_grant(
        actor=None, user=worker, role="community_worker", place=courtyard, check_permission=False
    )
    assert permissions.scope_paths(worker, "person.view") == [xinqiao.path]
