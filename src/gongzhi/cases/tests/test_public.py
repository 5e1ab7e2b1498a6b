"""Transparency pages show what was asked and how it ended — and no personal data, ever."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongzhi.accounts.models import User
from gongzhi.cases import services

from .conftest import category


@pytest.fixture
def seeded(report, property_handler, resident, agent, building, xinqiao):
    """Cases whose free text carries the reporter's name, phones and an ID number."""
    leak = report(
        title=f"{resident.name}家楼上漏水",
        description=f"请联系{resident.name}，电话{resident.phone}，或 139-0000-1003；身份证51010619900101123X。",
    )
    services.case_accept(actor=property_handler, case=leak)
    services.case_resolve(
        actor=property_handler,
        case=leak,
        resolution=f"已联系{resident.name}({resident.phone})处理。",
    )
    services.case_report(
        actor=agent,
        channel="agent",
        category=category("care"),
        nature="help",
        title="独居老人助餐",
        description="王大爷需要助餐。",
        place=building,
        contact_name="王建国",
        contact_phone="13900008888",
        contact_detail="王建国，独居，电话13900008888",
    )
    return leak


def _pages(client, xinqiao, leak):
    urls = [
        reverse("public:place", args=[xinqiao.pk]),
        reverse("public:place", args=[xinqiao.parent_id]),
        reverse("public:case", args=[leak.number]),
        reverse("api:public-place-cases", args=[xinqiao.pk]),
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


def test_no_seeded_phone_or_name_appears_on_any_public_page(client, seeded, xinqiao):
    pages = _pages(client, xinqiao, seeded)
    phones = [p for p in User.objects.exclude(phone=None).values_list("phone", flat=True)] + [
        "13900008888"
    ]
    names = [
        n for n in User.objects.exclude(name="").values_list("name", flat=True) if len(n) >= 2
    ] + ["王建国"]
    for url, page in pages.items():
        for phone in phones:
            assert phone not in page, (url, phone)
        assert "1390000-1003" not in page and "139-0000-1003" not in page
        assert "51010619900101123X" not in page
        for name in names:
            assert name not in page, (url, name)
    # The masked forms are there instead: the control that the text is shown at all.
    assert "张*" in pages[reverse("public:case", args=[seeded.number])]
    assert "139****1001" in pages[reverse("public:case", args=[seeded.number])]


def test_the_place_is_shown_to_courtyard_level_only(client, seeded, xinqiao):
    page = client.get(reverse("public:case", args=[seeded.number])).content.decode()
    assert "中加水岸小区" in page and "1栋" not in page


def test_the_place_page_shows_rates_and_counts_in_a_fixed_number_of_queries(
    client, seeded, xinqiao, report, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("public:place", args=[xinqiao.pk]))
    for _ in range(10):
        report()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("public:place", args=[xinqiao.pk])).content.decode()
    assert "电梯停了三天" in page


def test_buildings_and_unknown_places_have_no_public_page(client, building):
    assert client.get(reverse("public:place", args=[building.pk])).status_code == 404
    assert client.get(reverse("public:case", args=["nope"])).status_code == 404


def test_merged_duplicates_are_not_listed(client, report, worker, xinqiao):
    first, second = report(), report(title="重复的报告")
    services.case_merge(actor=worker, case=second, into=first)
    page = client.get(reverse("public:place", args=[xinqiao.pk])).content.decode()
    assert "重复的报告" not in page


def test_tip_offs_are_never_published(client, report, xinqiao):
    tip = report(category=category("construction"), nature="tip_off", title="顶楼违规搭建举报")
    page = client.get(reverse("public:place", args=[xinqiao.pk])).content.decode()
    assert "顶楼违规搭建举报" not in page
    assert client.get(reverse("public:case", args=[tip.number])).status_code == 404
