"""Notices in a real browser: staff publish a notice, a resident objects on a phone, staff
respond, the resident reads the response. Every page is checked with axe-core.

These tests share the committed demo with the other browser tests, so they remove the notices
(and notifications) they made when they finish.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.db.models import Max

from gongzhi.core.models import Notification
from gongzhi.demo.publicity import FIRST_TITLE
from gongzhi.publicity.models import Notice
from gongzhi.testing.browser import PHONE, label, log_in, nav_link, no_horizontal_scroll

pytestmark = pytest.mark.browser


@pytest.fixture
def made_here(transactional_db: None) -> Iterator[None]:
    last_notice = Notice.objects.aggregate(last=Max("id"))["last"] or 0
    last_notification = Notification.objects.aggregate(last=Max("id"))["last"] or 0
    yield
    Notice.objects.filter(pk__gt=last_notice).delete()
    Notification.objects.filter(pk__gt=last_notification).delete()
    connections.close_all()


def test_staff_publish_a_resident_objects_staff_respond_the_resident_reads_it(
    visit: Any, page: Any, made_here: None
) -> None:
    # Staff publish a decision for 中加水岸小区.
    log_in(visit, "liuyang")
    page = visit.follow(nav_link(page, label("Notices")))
    page = visit.follow(page.get_by_role("link", name=label("Manage notices and projects")))
    page = visit.follow(page.get_by_role("button", name=label("Publish a notice")))
    page.get_by_label(label("Place"), exact=True).select_option(label="新桥社区 · 中加水岸小区")
    page.get_by_label(label("Title")).fill("关于院落垃圾分类投放点调整的公示")
    page.get_by_label(label("Text")).fill("拟将1栋旁投放点迁至院落东侧，公示期7天。")
    page = visit.follow(page.get_by_role("button", name=label("Publish")))
    notice = Notice.objects.get(title="关于院落垃圾分类投放点调整的公示")
    assert page.url.endswith(f"/publicity/notices/{notice.pk}/")

    # A resident objects, on a phone.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    log_in(visit, "zhangwei")
    page = visit(f"/publicity/notices/{notice.pk}/")
    no_horizontal_scroll(page)
    page.get_by_label(label("Your objection")).fill("东侧靠近儿童游乐区，建议改到北侧车棚旁。")
    page = visit.follow(page.get_by_role("button", name=label("Send the objection")))
    objections = page.get_by_role("region", name=label("Objections and responses"))
    assert "东侧靠近儿童游乐区" in objections.inner_text()
    assert label("Awaiting a response.") in objections.inner_text()
    no_horizontal_scroll(page)

    # Staff see the objector's name and respond.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(visit, "liuyang")
    page = visit(f"/publicity/notices/{notice.pk}/")
    assert "张伟" in page.get_by_role("region", name=label("Objections and responses")).inner_text()
    page.get_by_role("textbox", name=label("Response")).fill("已采纳，投放点改设在北侧车棚旁。")
    page = visit.follow(page.get_by_role("button", name=label("Send the response")))

    # The resident reads the response; the public sees the objector masked.
    page.context.clear_cookies()
    log_in(visit, "zhangwei")
    page = visit(f"/publicity/notices/{notice.pk}/")
    region = page.get_by_role("region", name=label("Objections and responses")).inner_text()
    assert "已采纳，投放点改设在北侧车棚旁。" in region
    page.context.clear_cookies()
    page = visit(f"/publicity/notices/{notice.pk}/")
    public = page.get_by_role("region", name=label("Objections and responses")).inner_text()
    assert "张*" in public and "张伟" not in public


def test_the_public_archive_programme_and_project_pages(visit: Any, page: Any) -> None:
    page = visit("/publicity/")
    assert page.get_by_role("link", name="濱海家園老旧小区改造项目公示").is_visible()
    page = visit.follow(page.get_by_role("link", name=label("Programmes and projects")))
    by_kind = page.get_by_role("table", name=label("By programme"))
    assert by_kind.get_by_role("rowheader").count() == 8
    page = visit.follow(page.get_by_role("link", name="金牛区"))
    assert "金牛区" in page.get_by_role("heading", level=1).inner_text()
    page = visit.follow(page.get_by_role("link", name=FIRST_TITLE).first)
    assert page.evaluate("document.querySelector('main img').naturalWidth") == 480
    staff = page.get_by_role("button", name=label("Approve"))
    assert staff.count() == 0  # the public sees no staff step
