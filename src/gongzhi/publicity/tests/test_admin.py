from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize("model", ["project", "notice", "objection"])
def test_the_admin_lists_publicity_read_only(admin_client, notice, model):
    assert admin_client.get(reverse(f"admin:publicity_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:publicity_{model}_add")).status_code == 403
