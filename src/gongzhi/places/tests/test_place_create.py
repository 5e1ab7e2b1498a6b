"""place_create: admins only, names unique under a parent, codes unique in a code system."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongzhi.accounts.models import User
from gongzhi.accounts.services import role_grant, user_create
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry
from gongzhi.places.choices import CodeSystem, PlaceLevel
from gongzhi.places.models import Place
from gongzhi.places.services import place_create

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int]:
    return Place.objects.count(), AuditEntry.objects.count()


@pytest.fixture
def district_admin(demo) -> User:
    """An administrator of 金牛区 only (an admin role, not a superuser)."""
    user = user_create(actor=None, username="jinniu_admin", password=None, name="金牛管理员")
    role_grant(
        actor=None,
        user=user,
        role="admin",
        place=Place.objects.get(code="510106"),
        check_permission=False,
    )
    return user


def test_it_adds_a_courtyard_and_audits_it(admin_user, xinqiao):
    places, entries = _counts()

    courtyard = place_create(
        actor=admin_user,
        parent=xinqiao,
        name=" 金色海岸 ",
        level=PlaceLevel.COURTYARD,
        latitude=Decimal("30.7123456"),
        longitude=Decimal("104.0567891"),
        address="沙河源街道 新桥路 8 号",
    )

    assert courtyard.name == "金色海岸"
    assert courtyard.parent == xinqiao
    assert courtyard.path.startswith(xinqiao.path) and courtyard.depth == xinqiao.depth + 1
    assert (courtyard.latitude, courtyard.longitude) == (
        Decimal("30.712346"),
        Decimal("104.056789"),
    )
    assert _counts() == (places + 1, entries + 1)
    entry = AuditEntry.objects.get(action="place.created", object_id=str(courtyard.pk))
    assert entry.actor == admin_user
    assert entry.place_id == courtyard.pk
    assert entry.after["name"] == "金色海岸"
    assert entry.after["parent"] == xinqiao.pk
    assert entry.after["level"] == "courtyard"


def test_it_refuses_a_duplicate_name_under_the_same_parent(admin_user, xinqiao):
    places, entries = _counts()

    with pytest.raises(InvalidInput) as caught:
        place_create(actor=admin_user, parent=xinqiao, name="中加水岸小区", level="courtyard")

    assert "name" in caught.value.fields
    assert _counts() == (places, entries)


def test_the_same_name_is_allowed_under_another_parent(admin_user, zhiqiang):
    courtyard = place_create(
        actor=admin_user, parent=zhiqiang, name="中加水岸小区", level="courtyard"
    )

    assert Place.objects.filter(name="中加水岸小区").count() == 2
    assert courtyard.parent == zhiqiang


def test_root_names_are_unique_among_roots(admin_user, demo):
    with pytest.raises(InvalidInput):
        place_create(actor=admin_user, parent=None, name="成都市", level="city")

    root = place_create(actor=admin_user, parent=None, name="德阳市", level="city")
    assert root.depth == 1 and root.parent is None


def test_a_code_is_unique_within_its_code_system(admin_user, xinqiao):
    with pytest.raises(InvalidInput) as caught:
        place_create(
            actor=admin_user,
            parent=xinqiao,
            name="另一个新桥",
            level="courtyard",
            code="510106041004",
            code_system=CodeSystem.NBS,
        )
    assert "code" in caught.value.fields

    # The same digits in another code system are another code.
    place = place_create(
        actor=admin_user,
        parent=xinqiao,
        name="另一个新桥",
        level="courtyard",
        code="510106041004",
        code_system=CodeSystem.LOCAL,
    )
    assert place.code_system == CodeSystem.LOCAL


def test_a_code_needs_a_known_code_system_and_digits(admin_user, xinqiao):
    with pytest.raises(InvalidInput):
        place_create(actor=admin_user, parent=xinqiao, name="甲", level="courtyard", code="X1")
    with pytest.raises(InvalidInput):
        place_create(
            actor=admin_user,
            parent=xinqiao,
            name="甲",
            level="courtyard",
            code="51010604100A",
            code_system=CodeSystem.NBS,
        )


def test_it_refuses_an_unknown_level_or_an_empty_name(admin_user, xinqiao):
    with pytest.raises(InvalidInput):
        place_create(actor=admin_user, parent=xinqiao, name="甲", level="planet")
    with pytest.raises(InvalidInput):
        place_create(actor=admin_user, parent=xinqiao, name="   ", level="courtyard")


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(Decimal("30.7"), None), (Decimal("91"), Decimal("104")), (Decimal("30"), Decimal("-181"))],
)
def test_it_refuses_half_a_point_or_one_out_of_range(admin_user, xinqiao, latitude, longitude):
    places, entries = _counts()
    with pytest.raises(InvalidInput):
        place_create(
            actor=admin_user,
            parent=xinqiao,
            name="甲",
            level="courtyard",
            latitude=latitude,
            longitude=longitude,
        )
    assert _counts() == (places, entries)


def test_an_outsider_may_not_add_a_place_and_nothing_is_written(outsider, xinqiao):
    places, entries = _counts()

    with pytest.raises(NotPermitted):
        place_create(actor=outsider, parent=xinqiao, name="外人小区", level="courtyard")

    assert _counts() == (places, entries)
    assert not Place.objects.filter(name="外人小区").exists()


def test_a_community_worker_may_not_add_a_place_in_their_own_community(worker, xinqiao):
    with pytest.raises(NotPermitted):
        place_create(actor=worker, parent=xinqiao, name="新小区", level="courtyard")


def test_only_a_superuser_may_add_a_root(district_admin, admin_user):
    with pytest.raises(NotPermitted):
        place_create(actor=district_admin, parent=None, name="绵阳市", level="city")
    assert place_create(actor=admin_user, parent=None, name="绵阳市", level="city").is_root()


def test_an_admin_of_a_district_may_add_places_in_it_only(district_admin, xinqiao, zhiqiang):
    courtyard = place_create(
        actor=district_admin, parent=xinqiao, name="新桥小区", level="courtyard"
    )
    assert courtyard.parent == xinqiao

    with pytest.raises(NotPermitted):
        place_create(actor=district_admin, parent=zhiqiang, name="致强新村", level="courtyard")


def test_anonymous_callers_are_refused(xinqiao):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotPermitted):
        place_create(actor=AnonymousUser(), parent=xinqiao, name="甲", level="courtyard")


def test_the_database_refuses_a_duplicate_that_slips_past_the_check(
    admin_user, xinqiao, monkeypatch
):
    # As when two requests add the same name at once: the unique constraint decides.
    from gongzhi.places import services

    monkeypatch.setattr(services, "_name_taken", lambda **kwargs: False)
    places, entries = _counts()

    with pytest.raises(InvalidInput):
        place_create(actor=admin_user, parent=xinqiao, name="中加水岸小区", level="courtyard")

    assert _counts() == (places, entries)
    xinqiao.refresh_from_db()
    assert xinqiao.numchild == 2


def test_codes_are_unique_in_the_database_too(xinqiao, zhiqiang):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Place.objects.filter(pk=zhiqiang.pk).update(code=xinqiao.code)
