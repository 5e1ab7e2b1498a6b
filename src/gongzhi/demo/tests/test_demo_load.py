"""demo_load(): the demo data, idempotent."""

from __future__ import annotations

import pytest
from django.apps import apps

from gongzhi.accounts.models import RoleGrant, Unit, User
from gongzhi.core.audit import audit_verify
from gongzhi.core.models import AuditEntry
from gongzhi.demo import data, duty
from gongzhi.demo.loader import demo_load
from gongzhi.places.models import Place

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    """Rows of every table, so that whatever the demo comes to load is covered too."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_it_loads_the_demo_people_places_and_units(demo):
    assert set(User.objects.values_list("username", flat=True)) >= {
        "admin",
        *(username for username, *_ in data.PEOPLE),
    }
    assert Unit.objects.count() == len(data.UNITS)
    assert RoleGrant.objects.count() == sum(1 for person in data.PEOPLE if person[3]) + len(
        duty.PEOPLE
    )
    courtyards = sum(len(c) for c in data.COURTYARDS.values())
    buildings = sum(len(b) for c in data.COURTYARDS.values() for b in c.values())
    assert Place.objects.count() == 3329 + courtyards + buildings
    assert User.objects.get(username="admin").is_superuser


def test_loading_the_demo_again_adds_nothing(demo):
    before = _counts()

    first = demo_load()
    second = demo_load()

    assert _counts() == before
    for label in ("places.Place", "accounts.User", "accounts.RoleGrant", "accounts.Unit"):
        assert before[label] > 0
    assert before["core.AuditEntry"] == AuditEntry.objects.count() > 0
    assert first == second
    assert [a.username for a in first][:1] == ["admin"]


def test_the_demo_leaves_an_intact_audit_chain(demo):
    demo_load()
    result = audit_verify()
    assert result.ok, result.reason
    assert result.checked == AuditEntry.objects.count() > 0
