"""One community cannot see or change another's private data, through the UI or the API.

For every registered private type: an object is made in 新桥社区; a holder of the type's role in
新桥社区 sees it (the control that proves the test can fail), the same role in 致强社区 does not —
not in the lists, not by id (404), and every change is refused.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from rest_framework.test import APIClient

from gongzhi.accounts.services import role_grant, user_create
from gongzhi.core.audit import audit_record
from gongzhi.core.errors import NotPermitted
from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Place

from .isolation import (
    COVERED_MODELS,
    PENDING_MODELS,
    PRIVATE_TYPES,
    PUBLIC_MODELS,
    SUPERUSER_ONLY_MODELS,
    PrivateType,
)


def _holder(role: str, place: Place, username: str):
    user = user_create(actor=None, username=username, password=None, name="测试")
    role_grant(actor=None, user=user, role=role, place=place, check_permission=False)
    return user


def _seen(user, private: PrivateType, obj, marker: str) -> dict[str, bool]:
    """Where `user` can find the object: each channel → found."""
    web, api = APIClient(), APIClient()
    web.force_login(user)
    api.force_authenticate(user)
    found: dict[str, bool] = {}
    if private.ui_list:
        response = web.get(reverse(private.ui_list))
        found["ui list"] = response.status_code == 200 and marker in response.content.decode()
    if private.ui_detail:
        found["ui detail"] = web.get(private.ui_detail(obj)).status_code == 200
    if private.api_list:
        response = api.get(reverse(private.api_list))
        found["api list"] = response.status_code == 200 and marker in response.content.decode()
    if private.api_detail:
        found["api detail"] = api.get(private.api_detail(obj)).status_code == 200
    return found


@pytest.mark.parametrize("private", PRIVATE_TYPES, ids=lambda p: p.name)
def test_it_keeps_one_communitys_private_data_from_another(private: PrivateType, xinqiao, zhiqiang):
    obj, marker = private.make(xinqiao)
    insider = _holder(private.role, xinqiao, "insider")
    outsider = _holder(private.role, zhiqiang, "outsider_")

    inside = _seen(insider, private, obj, marker)
    assert inside and all(inside.values()), (
        f"the control failed: the insider should see it: {inside}"
    )
    outside = _seen(outsider, private, obj, marker)
    assert not any(outside.values()), f"{private.name} leaks to another community: {outside}"

    audit_before = AuditEntry.objects.count()
    for change in private.changes:
        with pytest.raises(NotPermitted):
            change(outsider, obj)
    assert AuditEntry.objects.count() == audit_before


def test_it_registers_every_model_that_belongs_to_a_place(db):
    """A new model with a place joins the registry (or is declared public) or this fails."""
    registered = (
        PUBLIC_MODELS | COVERED_MODELS | PENDING_MODELS | SUPERUSER_ONLY_MODELS | {AuditEntry}
    )
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("gongzhi."):
            continue
        has_place = any(
            isinstance(f, models.ForeignKey | models.ManyToManyField) and f.related_model is Place
            for f in model._meta.get_fields()
            if not f.auto_created
        )
        if has_place and model not in registered:
            missing.append(model._meta.label)
    # Handling units are public (name, kind, seat); their members are not shown publicly.
    assert missing == ["accounts.Unit"]


def test_the_registry_covers_an_outsider_refusal_for_audit(xinqiao, zhiqiang):
    """Audit entries of a place are visible to supervisors of that place only."""
    entry = audit_record(actor=None, action="test.scoped", place=xinqiao)
    outsider = _holder("supervisor", zhiqiang, "sup_out")
    client = APIClient()
    client.force_login(outsider)
    page = client.get(reverse("web:audit_log")).content.decode()
    assert f"<td>{entry.seq}</td>" not in page
