"""The case loop in a real browser: a resident reports on a phone; the property company accepts
and resolves; the resident reads the resolution. Every page and every state the page reaches
through htmx is checked with axe-core (gongzhi.testing.browser).

These tests share the committed demo with the web shell's browser tests, so they remove the
cases (and notifications) they made when they finish.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.db import connections
from django.db.models import Max
from PIL import Image

from gongzhi.accounts.models import User
from gongzhi.cases import services
from gongzhi.cases.choices import CaseState
from gongzhi.cases.models import Case, Category
from gongzhi.core.models import Notification
from gongzhi.places.models import Place
from gongzhi.testing.browser import (
    PHONE,
    assert_accessible,
    label,
    log_in,
    nav_link,
    no_horizontal_scroll,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def made_here(transactional_db: None) -> Iterator[None]:
    """Whatever cases the test makes are gone afterwards (the demo stays as it was)."""
    last_case = Case.objects.aggregate(last=Max("id"))["last"] or 0
    last_notification = Notification.objects.aggregate(last=Max("id"))["last"] or 0
    yield
    Case.objects.filter(pk__gt=last_case).delete()
    Notification.objects.filter(pk__gt=last_notification).delete()
    # Left open, the connection of the test's own queries keeps PostgreSQL from dropping the
    # test database at the end of the session.
    connections.close_all()


def png(size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_resident_reports_in_three_steps_on_a_phone(visit, page, made_here):
    # A neighbour already reported something like it: it is offered to follow instead.
    theirs = services.case_report(
        actor=User.objects.get(username="lina"),
        channel="web",
        category=Category.objects.get(code="property.elevator"),
        nature="help",
        title="2单元电梯按钮没反应",
        description="1栋2单元电梯按钮失灵，按了没有反应。",
        place=Place.objects.get(parent__name="中加水岸小区", name="1栋"),
    )
    page.set_viewport_size(PHONE)
    log_in(visit, "zhangwei")
    page = visit.follow(nav_link(page, label("Report a problem")))
    no_horizontal_scroll(page)

    # 1. Describe it (one step at a time, with the progress said in words), attach a photo.
    progress = page.locator(".step-progress")
    assert progress.inner_text() == label("Step {step} of {steps}").format(step=1, steps=3)
    about = page.get_by_role("heading", name=label("2. What is it about?"))
    assert not about.is_visible()
    page.get_by_label(label("Title")).fill("电梯按钮失灵")
    page.get_by_label(label("Description")).fill("1栋2单元电梯按钮失灵，按了没有反应。")
    page.get_by_label(label("Photos (optional, up to 9)")).set_input_files(
        files=[{"name": "lift.png", "mimeType": "image/png", "buffer": png()}]
    )
    assert_accessible(page)
    no_horizontal_scroll(page)
    page.get_by_role("button", name=label("Next")).click()

    # 2. The category (a suggestion never replaces the resident's choice), its questions.
    assert about.is_visible()
    page.get_by_role("radio", name="电梯故障").check()
    page.get_by_label("问题持续多久").select_option(label="一周内")
    assert not page.get_by_label("是否正在发生").is_visible()  # another category's question
    page.get_by_role("button", name=label("Next")).click()

    # 3. The place, suggested from the resident's verified building; similar open cases.
    place = page.get_by_label(label("Place"), exact=True)
    assert place.is_visible()
    assert place.locator("option:checked").inner_text() == "中加水岸小区 1栋"
    similar = page.get_by_role("region", name=label("Already reported nearby?"))
    similar.wait_for()
    assert "2单元电梯按钮没反应" in similar.inner_text()
    assert_accessible(page)
    no_horizontal_scroll(page)
    similar.get_by_role(
        "button", name=label("Follow %(number)s instead") % {"number": theirs.number}
    ).click()
    page.get_by_role("status").filter(has_text=theirs.number).wait_for()
    assert theirs.followers.filter(user__username="zhangwei").exists()
    page.get_by_label(label("The handling unit may see my name and phone number")).check()
    assert_accessible(page)
    page = visit.follow(page.get_by_role("button", name=label("Send the report")))

    assert urlsplit(page.url).path.startswith("/cases/")
    assert page.get_by_role("heading", level=1).inner_text() == "电梯按钮失灵"
    case = Case.objects.get(title="电梯按钮失灵")
    assert case.number in page.locator("main").inner_text()
    timeline = page.get_by_role("region", name=label("Timeline"))
    assert label("Submitted") in timeline.inner_text()
    assert "中加水岸物业服务中心" in page.locator("main").inner_text()
    assert page.get_by_role("img", name=label("Photo %(n)s of the report") % {"n": 1}).count() == 1
    assert page.evaluate("document.querySelector('ul.photos img').naturalWidth") == 64
    no_horizontal_scroll(page)
    assert case.answers == {"since": "week"} and case.reporter_may_be_named


def test_the_property_company_accepts_and_resolves_and_the_resident_reads_it(
    visit, page, made_here
):
    with_lift = services.case_report(
        actor=User.objects.get(username="zhangwei"),
        channel="web",
        category=Category.objects.get(code="property.elevator"),
        nature="help",
        title="电梯门关不上",
        description="1栋1单元电梯门关不上，电梯无法运行。",
        place=Place.objects.get(parent__name="中加水岸小区", name="1栋"),
    )

    log_in(visit, "wuyong")
    page = visit.follow(nav_link(page, label("Workbench")))
    queue = page.get_by_role("table")
    page = visit.follow(queue.get_by_role("link", name="电梯门关不上"))
    assert page.get_by_role("heading", level=1).inner_text() == "电梯门关不上"

    # Accept (one click; htmx swaps the case panel in place).
    page.get_by_role("button", name=label("Accept"), exact=True).click()
    state = page.locator("hgroup .tag").first
    state.filter(has_text=str(label(CaseState.ACCEPTED.label))).wait_for()
    assert page.get_by_role("status").first.is_visible()
    assert_accessible(page)

    # Resolve with a note.
    page.locator("summary", has_text=label("Resolve")).click()
    page.get_by_label(label("What was done")).fill("已更换电梯门机，运行正常。")
    page.locator("form").filter(has=page.get_by_label(label("What was done"))).get_by_role(
        "button", name=label("Resolve")
    ).click()
    state = page.locator("hgroup .tag").first
    state.filter(has_text=str(label(CaseState.RESOLVED.label))).wait_for()
    assert (
        "已更换电梯门机，运行正常。"
        in page.get_by_role("region", name=label("Resolution")).inner_text()
    )
    assert_accessible(page)
    with_lift.refresh_from_db()
    assert with_lift.state == CaseState.RESOLVED and with_lift.first_receiver is not None

    # The resident sees it resolved, with what was done.
    page.context.clear_cookies()
    log_in(visit, "zhangwei")
    page = visit(f"/cases/{with_lift.pk}/")
    assert str(label(CaseState.RESOLVED.label)) in page.locator("hgroup").inner_text()
    resolution = page.get_by_role("region", name=label("Resolution"))
    assert "已更换电梯门机，运行正常。" in resolution.inner_text()
    timeline = page.get_by_role("region", name=label("Timeline")).inner_text()
    assert str(label(CaseState.RESOLVED.label)) in timeline
    page = visit.follow(nav_link(page, label("My cases")))
    assert page.get_by_role("link", name="电梯门关不上").is_visible()

    # The resident rates it after reading the resolution: the case closes with the rating.
    page = visit(f"/cases/{with_lift.pk}/")
    page.locator("summary", has_text=label("Rate the handling")).click()
    page.get_by_role("radio", name=label("Solved"), exact=True).check()
    page.get_by_role("radio", name=label("Satisfied"), exact=True).check()
    page.get_by_label(label("Comment (optional)")).fill("修得很快，谢谢！")
    assert_accessible(page)
    page.locator("form").filter(has=page.get_by_label(label("Comment (optional)"))).get_by_role(
        "button", name=label("Rate the handling")
    ).click()
    state = page.locator("hgroup .tag").first
    state.filter(has_text=str(label(CaseState.CLOSED.label))).wait_for()
    assert "修得很快，谢谢！" in page.locator("dl.facts").first.inner_text()
    assert_accessible(page)
    with_lift.refresh_from_db()
    assert with_lift.state == CaseState.CLOSED and with_lift.rating == "satisfied"


@pytest.fixture
def cases_everywhere(made_here: None) -> None:
    """A case in each list: waiting to be accepted, returned to the dispatcher, long overdue."""
    resident = User.objects.get(username="zhangwei")
    building = Place.objects.get(parent__name="中加水岸小区", name="1栋")

    def report(title: str, code: str, urgency: str = "normal") -> Case:
        return services.case_report(
            actor=resident,
            channel="web",
            category=Category.objects.get(code=code),
            nature="help",
            urgency=urgency,
            title=title,
            description="测试用的诉求描述。",
            place=building,
        )

    report("楼道灯不亮", "property.lighting", urgency="urgent")
    returned = report("邻居噪音", "neighbours")
    services.case_return(
        actor=User.objects.get(username="liuyang"), case=returned, reason="wrong_duty", note="退回"
    )
    overdue = report("电梯异响", "property.elevator")
    Case.objects.filter(pk=overdue.pk).update(
        accept_due_at=overdue.submitted_at - dt.timedelta(days=2)
    )


@pytest.mark.parametrize(
    ("login", "path"),
    [
        ("zhangwei", "/cases/"),
        ("zhangwei", "/cases/report/"),
        ("wuyong", "/cases/workbench/"),
        ("liuyang", "/cases/dispatch/"),
        ("zhoumin", "/cases/supervision/"),
        ("yangfan", "/cases/register/?phone=1001"),
        ("wuyong", "/notifications/"),
        ("zhangwei", "/notifications/preferences/"),
    ],
)
def test_case_pages_fit_a_360_px_screen(visit, page, cases_everywhere, login, path):
    page.set_viewport_size(PHONE)
    log_in(visit, login)
    page = visit(path)

    assert page.get_by_role("heading", level=1).is_visible()
    no_horizontal_scroll(page)
    if path.startswith("/cases/") and login != "yangfan" and path != "/cases/report/":
        page = visit.follow(page.locator("main a[href^='/cases/'][href$='/']").last)
        assert page.get_by_role("region", name=label("Timeline")).is_visible()
        no_horizontal_scroll(page)
