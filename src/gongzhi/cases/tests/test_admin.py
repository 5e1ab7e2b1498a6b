from __future__ import annotations

from django.urls import reverse

from gongzhi.cases.models import RoutingRule
from gongzhi.core.models import AuditEntry

from .conftest import category


def test_the_routing_preview_shows_the_unit_and_the_escalation_path(admin_client, building):
    url = reverse("admin:cases_routingrule_preview")
    page = admin_client.get(
        url, {"category": category("property").pk, "place": building.pk}
    ).content.decode()
    assert "中加水岸物业服务中心" in page.split('id="route-result"')[1].split("</p>")[0]
    chain = page.split('id="escalation-chain"')[1].split("</ol>")[0]
    assert (
        chain.index("新桥社区居民委员会")
        < chain.index("沙河源街道办事处")
        < chain.index("成都市住房和城乡建设局")
    )


def test_editing_a_rule_in_the_admin_is_audited(admin_client, building):
    rule = RoutingRule.objects.get(category=category("property"), place__name="中加水岸小区")
    url = reverse("admin:cases_routingrule_change", args=[rule.pk])
    response = admin_client.post(
        url,
        {
            "category": rule.category_id,
            "place": rule.place_id,
            "unit": rule.unit_id,
            "note": "物业先行",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="cases.routingrule.changed").latest("seq")
    assert entry.after == {"note": "物业先行"} and entry.channel == "admin"


def test_cases_cannot_be_edited_in_the_admin(admin_client, report):
    case = report()
    assert (
        admin_client.get(reverse("admin:cases_case_change", args=[case.pk])).status_code == 200
    )  # view only
    response = admin_client.post(
        reverse("admin:cases_case_change", args=[case.pk]), {"title": "改"}
    )
    assert response.status_code == 403
