from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.cases import services
from gongzhi.places.models import Place


@pytest.fixture
def some_cases(report, property_handler):
    made = [report() for _ in range(3)]
    services.case_accept(actor=property_handler, case=made[0])
    return made


def test_a_unit_member_sees_the_units_rates_and_trend(client, some_cases, property_handler):
    client.force_login(property_handler)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "中加水岸物业服务中心" in page and 'id="trend-data"' in page and "echarts" in page


def test_a_supervisor_compares_the_streets_of_the_district(client, some_cases, supervisor):
    client.force_login(supervisor)
    district = Place.objects.get(code="510106")
    page = client.get(reverse("dashboard:place", args=[district.pk])).content.decode()
    assert "沙河源街道" in page  # the street of the demo's cases, as a row of the comparison


def test_outsiders_get_no_dashboard(client, some_cases, outsider, resident):
    district = Place.objects.get(code="510106")
    client.force_login(outsider)
    assert client.get(reverse("dashboard:place", args=[district.pk])).status_code == 404
    unit = some_cases[0].unit
    assert client.get(reverse("dashboard:unit", args=[unit.pk])).status_code == 404
    client.force_login(resident)
    assert client.get(reverse("dashboard:index")).status_code == 404


def test_the_dashboard_issues_a_fixed_number_of_queries(
    client, report, supervisor, django_assert_max_num_queries
):
    district = Place.objects.get(code="510106")
    client.force_login(supervisor)
    report()
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("dashboard:place", args=[district.pk]))
    for _ in range(8):
        report()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("dashboard:place", args=[district.pk]))
