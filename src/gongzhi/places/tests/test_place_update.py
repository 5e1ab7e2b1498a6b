"""place_update and the admin: attributes change through the service, the tree never moves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Place
from gongzhi.places.services import place_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def courtyard(xinqiao) -> Place:
    return Place.objects.get(parent=xinqiao, name="府河苑")


def test_it_renames_a_place_and_audits_before_and_after(admin_user, courtyard):
    place_update(actor=admin_user, place=courtyard, name="府河苑小区", address="府河路 1 号")

    courtyard.refresh_from_db()
    assert courtyard.name == "府河苑小区" and courtyard.address == "府河路 1 号"
    entry = AuditEntry.objects.get(action="place.updated", object_id=str(courtyard.pk))
    assert entry.before == {"name": "府河苑", "address": ""}
    assert entry.after == {"name": "府河苑小区", "address": "府河路 1 号"}


def test_an_update_that_changes_nothing_writes_nothing(admin_user, courtyard):
    entries = AuditEntry.objects.count()
    place_update(actor=admin_user, place=courtyard, name="府河苑")
    assert AuditEntry.objects.count() == entries


def test_it_refuses_a_name_a_sibling_has(admin_user, courtyard):
    with pytest.raises(InvalidInput):
        place_update(actor=admin_user, place=courtyard, name="中加水岸小区")
    courtyard.refresh_from_db()
    assert courtyard.name == "府河苑"


def test_it_refuses_to_move_a_place_or_change_its_code(admin_user, xinqiao, courtyard, zhiqiang):
    path = courtyard.path
    for changes in ({"parent": zhiqiang}, {"path": "0001"}, {"code": "510106041999"}):
        with pytest.raises(InvalidInput):
            place_update(actor=admin_user, place=courtyard, **changes)
    courtyard.refresh_from_db()
    assert (courtyard.parent, courtyard.path, courtyard.code) == (xinqiao, path, "")


def test_an_outsider_may_not_update(outsider, courtyard):
    with pytest.raises(NotPermitted):
        place_update(actor=outsider, place=courtyard, name="外人改名")


def test_the_admin_saves_through_the_service(client, admin_user, courtyard):
    client.force_login(admin_user)
    url = reverse("admin:places_place_change", args=[courtyard.pk])

    response = client.post(
        url, {"name": "府河苑二期", "official_name": "", "address": "", "is_active": "on"}
    )

    assert response.status_code == 302, response.content[:2000]
    courtyard.refresh_from_db()
    assert courtyard.name == "府河苑二期"
    entry = AuditEntry.objects.get(action="place.updated", object_id=str(courtyard.pk))
    assert entry.actor == admin_user and entry.after == {"name": "府河苑二期"}


def test_the_admin_refuses_a_duplicate_name_with_a_form_error(client, admin_user, courtyard):
    client.force_login(admin_user)
    url = reverse("admin:places_place_change", args=[courtyard.pk])

    response = client.post(url, {"name": "中加水岸小区", "is_active": "on"})

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["name"]
    courtyard.refresh_from_db()
    assert courtyard.name == "府河苑"


def test_the_admin_neither_adds_nor_moves_nor_deletes(client, admin_user, courtyard, zhiqiang):
    client.force_login(admin_user)
    path = courtyard.path

    assert client.get(reverse("admin:places_place_add")).status_code == 403
    assert client.get(reverse("admin:places_place_delete", args=[courtyard.pk])).status_code == 403
    response = client.post(
        reverse("admin:places_place_changelist") + "move/",
        {"node": courtyard.pk, "target": zhiqiang.pk, "relation": "child"},
    )
    assert response.status_code == 400
    courtyard.refresh_from_db()
    assert courtyard.path == path


def test_the_admin_lists_places(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:places_place_changelist"))
    assert response.status_code == 200
    assert "成都市" in response.content.decode()
