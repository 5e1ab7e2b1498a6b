"""The case pages through Django's test client: the resident's report and case page, every step
on a case, the agent's registration, and the staff lists with their query budgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.models import User
from gongzhi.cases import services
from gongzhi.cases.choices import CaseState, ExtensionState
from gongzhi.cases.models import Case, CasePhoto, Category, CategoryQuestion
from gongzhi.core import clock

from .conftest import MONDAY_MORNING, category, png_bytes, unit

pytestmark = pytest.mark.django_db

LATER = MONDAY_MORNING + dt.timedelta(hours=2)
HTMX = {"HX-Request": "true"}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_of(response) -> str:
    return response.content.decode()


def step_url(case: Case, name: str) -> str:
    return reverse("cases:step", args=[case.pk, name])


def detail_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


# The resident's report ----------------------------------------------------------------------


def report_data(**overrides):
    data = {
        "category": str(category("property.elevator").pk),
        "title": "电梯又停了",
        "description": "1栋2单元电梯今早停运，老人无法下楼。",
        "nature": "help",
        "urgency": "normal",
        "place": "",
    }
    data.update(overrides)
    return data


def question_field(form, code: str, category_code: str) -> str:
    group = form.catalogue.group_of[category(category_code).pk]
    question = next(q for q in group.questions if q.code == code)
    return group.field_name(question)


def test_the_report_form_suggests_the_residents_verified_building(resident, building):
    response = client_for(resident).get(reverse("cases:report"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["place"].value() == str(building.pk)
    places = dict(form.fields["place"].choices)
    assert places[str(building.pk)] == "中加水岸小区 1栋"
    assert "府河苑" in places.values()  # elsewhere in the community
    assert "濱海家園" not in " ".join(places.values())  # another community
    page = page_of(response)
    assert 'accept="image/jpeg,image/png,image/webp"' in page and "multiple" in page
    assert page.count('data-step="') == 3
    assert "电梯故障" in page and "物业与设施" in page


def test_a_resident_reports_with_answers_and_a_photo(resident, building, property_handler):
    client = client_for(resident)
    form = client.get(reverse("cases:report")).context["form"]
    data = report_data(place=str(building.pk), reporter_may_be_named="on")
    data[question_field(form, "since", "property.elevator")] = "week"
    data[question_field(form, "unit_no", "property.elevator")] = "2单元"
    data["photos"] = [png_bytes(), png_bytes(fmt="JPEG")]

    response = client.post(reverse("cases:report"), data)

    case = Case.objects.get(title="电梯又停了")
    assert response.status_code == 302 and response.url == detail_url(case)
    assert case.reporter == resident and case.channel == "web" and case.place == building
    assert case.answers == {"unit_no": "2单元", "since": "week"}
    assert case.reporter_may_be_named
    assert case.unit == unit("中加水岸物业服务中心")
    assert CasePhoto.objects.filter(case=case).count() == 2
    page = page_of(client.get(response.url))
    assert case.number in page and "一周内" in page  # the answer, by its label
    assert "Your request was received." in page or "已收到" in page


def test_an_invalid_report_shows_the_errors_and_writes_nothing(resident, building):
    client = client_for(resident)
    form = client.get(reverse("cases:report")).context["form"]
    before = (Case.objects.count(), CasePhoto.objects.count())
    data = report_data(
        category=str(category("security").pk),  # its question "ongoing" is required
        title="",
        description="很长" * 2001,
        place=str(building.pk),
    )
    data[question_field(form, "ongoing", "security")] = ""
    data["photos"] = [png_bytes()]

    response = client.post(reverse("cases:report"), data)

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["title"] and form.errors["description"]
    page = page_of(response)
    assert 'aria-invalid="true"' in page and 'role="alert"' in page
    assert (Case.objects.count(), CasePhoto.objects.count()) == before


def test_a_service_refusal_lands_on_the_question_it_concerns(resident, building):
    client = client_for(resident)
    form = client.get(reverse("cases:report")).context["form"]
    before = Case.objects.count()
    data = report_data(category=str(category("security").pk), place=str(building.pk))

    response = client.post(reverse("cases:report"), data)

    assert response.status_code == 400
    name = question_field(form, "ongoing", "security")
    assert response.context["form"].errors[name]
    assert f'id="id_{name}_error"' in page_of(response)
    assert Case.objects.count() == before


def test_a_fake_photo_is_refused_and_nothing_is_written(resident, building):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Case.objects.count()
    data = report_data(place=str(building.pk))
    data["photos"] = [SimpleUploadedFile("x.png", b"not an image", content_type="image/png")]

    response = client_for(resident).post(reverse("cases:report"), data)

    assert response.status_code == 400
    assert response.context["form"].errors["photos"]
    assert Case.objects.count() == before


def test_a_place_outside_the_residents_community_is_refused(resident):
    from gongzhi.places.models import Place

    binhai = Place.objects.get(name="濱海家園")
    before = Case.objects.count()

    response = client_for(resident).post(reverse("cases:report"), report_data(place=binhai.pk))

    assert response.status_code == 400 and response.context["form"].errors["place"]
    assert Case.objects.count() == before


def test_someone_without_an_address_is_told_how_to_get_one(property_handler):
    response = client_for(property_handler).get(reverse("cases:report"))

    assert response.status_code == 200 and response.context["form"] is None


def test_anonymous_visitors_are_sent_to_log_in(demo, client):
    for name in ["report", "mine", "workbench", "dispatch", "supervision", "register"]:
        response = client.get(reverse(f"cases:{name}"))
        assert response.status_code == 302 and response.url.startswith(reverse("web:login"))


# The case page ------------------------------------------------------------------------------


def test_the_resident_sees_the_public_timeline_and_no_steps(report, resident, supervisor):
    case = report()
    services.case_supervise(actor=supervisor, case=case, note="内部督办意见")

    response = client_for(resident).get(detail_url(case))

    assert response.status_code == 200
    page = page_of(response)
    assert case.title in page and case.number in page
    assert "中加水岸小区 1栋" in page and "中加水岸物业服务中心" in page
    assert "内部督办意见" not in page
    assert [e.label for e in response.context["timeline"]][0]
    assert {e.event.action for e in response.context["timeline"]} == {"submit", "dispatch"}
    assert response.context["steps"] == []
    assert "13900001001" in page  # the reporter's own phone


def test_staff_see_the_full_timeline_and_their_steps(report, property_handler, supervisor):
    case = report()
    services.case_supervise(actor=supervisor, case=case, note="内部督办意见")

    response = client_for(property_handler).get(detail_url(case))

    page = page_of(response)
    assert "内部督办意见" in page
    assert [name for name, *_ in response.context["steps"]] == [
        "accept",
        "escalate",
        "return",
        "comment",
        "merge",
    ]
    assert "139****1001" in page  # the reporter did not allow the unit to see them
    assert response.context["notes"][0][1] is not None  # the unit answers the note


def test_the_deadline_counts_down_and_turns_overdue(report, resident):
    case = report()

    with clock.frozen(LATER):
        running = client_for(resident).get(detail_url(case)).context["deadline"]
    with clock.frozen(case.accept_due_at + dt.timedelta(hours=5)):
        late = client_for(resident).get(detail_url(case)).context["deadline"]

    assert running.tone == "normal" and running.at == case.accept_due_at
    assert late.tone == "overdue" and "5" in late.text
    urgent = report(urgency="emergency")
    with clock.frozen(MONDAY_MORNING + dt.timedelta(minutes=10)):
        deadline = client_for(resident).get(detail_url(urgent)).context["deadline"]
    assert deadline.tone == "emergency" and "50" in deadline.text


def test_an_outsider_gets_404_for_a_xinqiao_case(report, outsider, other_resident, handler):
    case = report()
    for user in (outsider, other_resident, handler):
        client = client_for(user)
        assert client.get(detail_url(case)).status_code == 404
        assert client.post(step_url(case, "accept")).status_code == 404
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED


def test_the_resident_cannot_accept(report, resident):
    case = report()

    response = client_for(resident).post(step_url(case, "accept"))

    assert response.status_code == 403
    assert response.context["message"] in page_of(response)
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED


def test_the_handler_accepts_and_an_illegal_step_is_a_message(report, property_handler):
    case = report()
    client = client_for(property_handler)

    response = client.post(step_url(case, "accept"))
    assert response.status_code == 302 and response.url == detail_url(case)
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and case.first_receiver == unit("中加水岸物业服务中心")

    again = client.post(step_url(case, "accept"))
    assert again.status_code == 409
    assert again.context["error"]
    assert 'role="alert"' in page_of(again)
    assert client.post(step_url(case, "no_such_step")).status_code == 404


def test_htmx_steps_answer_with_the_case_panel(report, property_handler):
    case = report()

    response = client_for(property_handler).post(step_url(case, "accept"), headers=HTMX)

    assert response.status_code == 200
    assert response.context["notice"]
    assert 'id="case-panel"' in page_of(response)
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    refused = client_for(property_handler).post(step_url(case, "accept"), headers=HTMX)
    assert refused.status_code == 200 and refused.context["error"]


def test_a_return_needs_a_note_and_then_leaves_the_units_sight(report, property_handler):
    case = report()
    client = client_for(property_handler)

    refused = client.post(step_url(case, "return"), {"return-reason": "wrong_duty"})
    assert refused.status_code == 400
    assert refused.context["open_step"] == "return"
    assert dict(refused.context["steps"][2][2].errors)["note"]
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED

    response = client.post(
        step_url(case, "return"), {"return-reason": "wrong_duty", "return-note": "不属于物业职责"}
    )
    assert response.status_code == 302 and response.url == reverse("cases:workbench")
    case.refresh_from_db()
    assert case.state == CaseState.RETURNED


def test_an_htmx_step_that_takes_the_case_away_redirects(report, property_handler):
    case = report()

    response = client_for(property_handler).post(
        step_url(case, "return"),
        {"return-reason": "wrong_area", "return-note": "不在本小区"},
        headers=HTMX,
    )

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("cases:workbench")


def test_start_then_resolve_with_a_photo(report, property_handler, resident, outsider):
    case = report()
    client = client_for(property_handler)
    client.post(step_url(case, "accept"))
    client.post(step_url(case, "start"))
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS

    response = client.post(
        step_url(case, "resolve"),
        {"resolve-resolution": "已更换控制板，电梯恢复运行。", "resolve-photos": [png_bytes()]},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.RESOLVED
    photo = CasePhoto.objects.get(case=case, event__action="resolve")
    resident_page = client_for(resident).get(detail_url(case))
    assert "已更换控制板，电梯恢复运行。" in page_of(resident_page)
    assert resident_page.context["resolution_photos"] == [photo]
    photo_url = reverse("media:photo", args=[photo.pk])
    served = client_for(resident).get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert client_for(outsider).get(photo_url).status_code == 404


def test_a_resolution_needs_text(report, property_handler):
    case = services.case_accept(actor=property_handler, case=report())

    response = client_for(property_handler).post(step_url(case, "resolve"), {})

    assert response.status_code == 400
    assert response.context["open_step"] == "resolve"
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


def test_the_handler_escalates_with_a_reason(report, property_handler):
    case = report()
    client = client_for(property_handler)

    assert client.post(step_url(case, "escalate"), {"escalate-note": " "}).status_code == 400
    response = client.post(step_url(case, "escalate"), {"escalate-note": "需社区协调"})

    assert response.status_code == 302  # the case went to the community: out of sight
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATED and case.unit == unit("新桥社区居民委员会")


def test_an_extension_is_asked_and_granted_by_the_supervisor(report, property_handler, supervisor):
    case = services.case_accept(actor=property_handler, case=report())
    new_day = (case.resolve_due_at + dt.timedelta(days=7)).astimezone(clock.SHANGHAI).date()

    with clock.frozen(LATER):
        asked = client_for(property_handler).post(
            step_url(case, "request_extension"),
            {"request_extension-reason": "等待配件", "request_extension-new_due_on": new_day},
        )
        assert asked.status_code == 302
        extension = case.extensions.get()
        assert extension.new_due_at.astimezone(clock.SHANGHAI).date() == new_day

        page = client_for(supervisor).get(detail_url(case))
        assert page.context["can_decide"] and page.context["extensions"]
        decide = reverse("cases:extension_decide", args=[case.pk, extension.pk])
        refused = client_for(supervisor).post(decide, {"decision": "refuse"})
        assert refused.status_code == 400  # refusing needs a reason
        granted = client_for(supervisor).post(decide, {"decision": "grant"})

    assert granted.status_code == 302
    extension.refresh_from_db()
    case.refresh_from_db()
    assert extension.state == ExtensionState.GRANTED
    assert case.resolve_due_at == extension.new_due_at


def test_an_extension_after_the_deadline_is_a_field_message(report, property_handler):
    case = services.case_accept(actor=property_handler, case=report())  # long overdue by now

    response = client_for(property_handler).post(
        step_url(case, "request_extension"),
        {"request_extension-reason": "晚了", "request_extension-new_due_on": "2030-01-01"},
    )

    assert response.status_code == 400
    form = dict((name, form) for name, _label, form, _quick in response.context["steps"])[
        "request_extension"
    ]
    assert form.errors["new_due_on"]


def test_the_supervisor_supervises_reminds_and_the_unit_answers(
    report, supervisor, property_handler
):
    case = report()
    boss = client_for(supervisor)

    assert (
        boss.post(step_url(case, "supervise"), {"supervise-note": "请三日内答复"}).status_code
        == 302
    )
    assert boss.post(step_url(case, "remind"), {"remind-note": ""}).status_code == 302
    case.refresh_from_db()
    assert case.reminded_at is not None
    note = case.supervision_notes.get()

    answer_url = reverse("cases:supervision_answer", args=[case.pk, note.pk])
    assert boss.post(answer_url, {f"s{note.pk}-answer": "我来答"}).status_code == 403
    response = client_for(property_handler).post(answer_url, {f"s{note.pk}-answer": "已联系维保"})

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.answer == "已联系维保" and note.answered_by == property_handler


def test_staff_comment_is_not_shown_to_the_resident(report, property_handler, resident):
    case = report()

    client_for(property_handler).post(step_url(case, "comment"), {"comment-note": "先电话联系住户"})

    assert "先电话联系住户" in page_of(client_for(property_handler).get(detail_url(case)))
    assert "先电话联系住户" not in page_of(client_for(resident).get(detail_url(case)))


def test_the_dispatcher_reroutes_and_dispatches_a_returned_case(
    report, worker, property_handler, handler
):
    case = report()
    client = client_for(worker)
    page = client.get(detail_url(case))
    assert {"reroute", "escalate", "remind", "comment"} <= {n for n, *_ in page.context["steps"]}

    housing = unit("金牛区住房和城乡建设局")
    assert client.post(step_url(case, "reroute"), {"reroute-unit": housing.pk}).status_code == 400
    response = client.post(
        step_url(case, "reroute"), {"reroute-unit": housing.pk, "reroute-note": "需住建部门处理"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.unit == housing and case.state == CaseState.DISPATCHED

    services.case_return(actor=handler, case=case, reason="wrong_area", note="不在辖区")
    console = reverse("cases:dispatch")
    assert case in [row.case for row, *_rest in client.get(console).context["sections"][1][2]]
    property_company = unit("中加水岸物业服务中心")
    response = client.post(
        step_url(case, "dispatch"),
        {"dispatch-unit": property_company.pk, "dispatch-note": "", "next": console},
    )
    assert response.status_code == 302 and response.url == console
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED and case.unit == property_company


def test_a_unit_outside_the_places_jurisdiction_cannot_be_chosen(report, worker):
    case = report()
    other = unit("成华区住房和建设交通局")

    response = client_for(worker).post(
        step_url(case, "reroute"), {"reroute-unit": other.pk, "reroute-note": "试试"}
    )

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.unit == unit("中加水岸物业服务中心")


# My cases and the staff lists ---------------------------------------------------------------

# Every signed-in page spends four queries on the session, the user, the user's grants and the
# unread notifications (the badge in the navigation). A user without a staff role is asked whether they sit in a handling unit (navigation).
MY_CASES_QUERIES = 4 + 1 + 2  # the cases (with category, place, unit); the places' ancestors
# The user's units; categories and their questions; the unit's jurisdiction, the places under it
# and their names (filters); the user's memberships (the selector's check); the queue (with
# category, place and unit) and the names of its places.
WORKBENCH_QUERIES = 4 + 9
DISPATCH_QUERIES = 4 + 4  # unrouted, returned, the units for their places, place names
SUPERVISION_QUERIES = 4 + 5  # counts per unit, overdue, flagged; place names of each list


def test_my_cases_lists_the_residents_cases_in_a_fixed_number_of_queries(
    report, resident, other_resident, django_assert_num_queries
):
    report()
    client = client_for(resident)
    with django_assert_num_queries(MY_CASES_QUERIES):
        few = client.get(reverse("cases:mine")).context["rows"]
    for i in range(6):
        report(title=f"问题{i}", place=services.Place.objects.get(name="府河苑"))
    with django_assert_num_queries(MY_CASES_QUERIES):
        response = client.get(reverse("cases:mine"))

    assert len(response.context["rows"]) == len(few) + 6
    assert "府河苑" in page_of(response)
    assert client_for(other_resident).get(reverse("cases:mine")).context["rows"] == []


def next_page_link(response) -> str:
    """The page's own "Next page" link (as the browser would follow it)."""
    import html
    import re

    found = re.search(r'href="([^"]*)" rel="next"', page_of(response))
    assert found, "no next page link"
    return html.unescape(found.group(1))


def test_my_cases_pages_by_keyset(report, resident, monkeypatch):
    from gongzhi.cases import views

    cases = [report(title=f"问题{i}") for i in range(3)]
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for(resident)

    first = client.get(reverse("cases:mine"))
    second = client.get(reverse("cases:mine") + next_page_link(first))

    assert [r.case for r in first.context["rows"]] == cases[:0:-1]
    assert [r.case for r in second.context["rows"]] == cases[:1]
    assert 'rel="next"' not in page_of(second)
    assert client.get(reverse("cases:mine"), {"after": "x"}).status_code == 200


def test_the_workbench_shows_the_units_queue_in_a_fixed_number_of_queries(
    report, property_handler, django_assert_num_queries
):
    report()
    client = client_for(property_handler)
    url = reverse("cases:workbench")
    with django_assert_num_queries(WORKBENCH_QUERIES):
        few = client.get(url).context["rows"]
    for i in range(8):
        report(title=f"问题{i}", urgency="urgent" if i % 2 else "normal")
    with django_assert_num_queries(WORKBENCH_QUERIES):
        response = client.get(url)

    assert len(response.context["rows"]) == len(few) + 8
    page = page_of(response)
    assert "countdown-overdue" in page  # reported days ago, never accepted
    assert response.context["unit"] == unit("中加水岸物业服务中心")


def test_the_workbench_filters_the_queue(report, property_handler, building):
    accepted = services.case_accept(actor=property_handler, case=report(title="已签收的"))
    waiting = report(title="待签收的", category=category("property.leak"))
    client = client_for(property_handler)
    url = reverse("cases:workbench")

    def titles(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {row.case.title for row in response.context["rows"]}

    assert titles() == {"已签收的", "待签收的"}
    assert titles(state="accepted") == {"已签收的"}
    assert titles(category=category("property.leak").pk) == {"待签收的"}
    assert titles(category=category("property").pk) == {"已签收的", "待签收的"}
    assert titles(place=building.pk) == {"已签收的", "待签收的"}
    with clock.frozen(waiting.accept_due_at + dt.timedelta(minutes=1)):
        assert "待签收的" in titles(overdue="on")
    with clock.frozen(MONDAY_MORNING):
        assert titles(overdue="on") == set()
    assert accepted.state == CaseState.ACCEPTED
    assert client.get(url, {"after": "not-a-cursor"}).status_code == 200
    assert client.get(url, {"state": "nonsense"}).status_code == 200


def test_the_workbench_pages_by_keyset(report, property_handler, monkeypatch):
    from gongzhi.cases import views

    for i in range(3):
        report(title=f"问题{i}")
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_for(property_handler)
    url = reverse("cases:workbench")

    first = client.get(url, {"state": "dispatched"})
    second = client.get(url + next_page_link(first))

    assert second.context["form"]["state"].value() == "dispatched"  # the filters stay
    seen = [r.case.title for r in first.context["rows"] + second.context["rows"]]
    assert sorted(seen) == ["问题0", "问题1", "问题2"]


def test_the_workbench_tells_someone_outside_any_unit(resident):
    response = client_for(resident).get(reverse("cases:workbench"))
    assert response.status_code == 200 and response.context["units"] == []


def _returned(report, worker, n: int, title: str) -> list[Case]:
    """Cases the community committee handed back: they wait in the dispatcher's console."""
    from gongzhi.places.models import Place

    fuheyuan = Place.objects.get(name="府河苑")
    cases = []
    for i in range(n):
        case = report(title=f"{title}{i}", place=fuheyuan, category=category("neighbours"))
        services.case_return(actor=worker, case=case, reason="wrong_duty", note="退回")
        cases.append(case)
    return cases


def test_the_dispatch_console_in_a_fixed_number_of_queries(
    report, worker, django_assert_num_queries
):
    _returned(report, worker, 1, "退单")
    client = client_for(worker)
    url = reverse("cases:dispatch")
    client.get(url)  # the router's suggestion checks for a model at most once a minute
    with django_assert_num_queries(DISPATCH_QUERIES):
        client.get(url)
    _returned(report, worker, 5, "再退单")
    with django_assert_num_queries(DISPATCH_QUERIES):
        response = client.get(url)

    returned = response.context["sections"][1][2]
    assert len(returned) == 6
    row, units, _hint = returned[0]
    assert (str(unit("新桥社区居民委员会").pk), "新桥社区居民委员会") in units
    assert "成华区住房和建设交通局" not in dict(units).values()


def test_the_overdue_board_in_a_fixed_number_of_queries(
    report, supervisor, settings, property_handler, django_assert_num_queries
):
    settings.CASE_MAX_RETURNS = 0
    report()
    services.case_return(actor=property_handler, case=report(), reason="other", note="退")
    client = client_for(supervisor)
    url = reverse("cases:supervision")
    with django_assert_num_queries(SUPERVISION_QUERIES):
        client.get(url)
    for i in range(5):
        case = report(title=f"超时{i}")
        if i % 2:
            services.case_return(actor=property_handler, case=case, reason="other", note="退")
    with django_assert_num_queries(SUPERVISION_QUERIES):
        response = client.get(url)

    assert len(response.context["overdue"]) == 4
    assert len(response.context["flagged"]) == 3
    assert response.context["per_unit"][0]["count"] == 4


def test_staff_lists_are_hidden_from_residents(resident):
    client = client_for(resident)
    for name in ["dispatch", "supervision", "register"]:
        assert client.get(reverse(f"cases:{name}")).status_code == 404
    assert client.get(reverse("cases:register_lookup"), {"phone": "1390"}).status_code == 404


# The agent's registration -------------------------------------------------------------------


def test_the_agent_finds_the_resident_by_phone(agent, resident):
    response = client_for(agent).get(reverse("cases:register_lookup"), {"phone": "0001001"})

    assert response.status_code == 200
    page = page_of(response)
    assert "张伟" in page and "13900001001" in page  # the agent may call residents back
    assert 'form="register-form"' in page
    assert "黄敏" not in page_of(
        client_for(agent).get(reverse("cases:register_lookup"), {"phone": "0001006"})
    )
    assert "张伟" in page_of(client_for(agent).get(reverse("cases:register"), {"phone": "1001"}))
    too_short = client_for(agent).get(reverse("cases:register_lookup"), {"phone": "100"})
    assert "张伟" not in page_of(too_short)


def register_data(**overrides):
    data = {
        "channel": "phone",
        "category": str(category("neighbours").pk),
        "nature": "complaint",
        "urgency": "normal",
        "title": "楼上噪音扰民",
        "description": "住户来电反映楼上每晚装修噪音。",
        "contact_name": "",
        "contact_phone": "",
        "contact_detail": "独居老人，白天在家，可电话联系。",
    }
    data.update(overrides)
    return data


def test_the_agent_registers_a_phone_case_for_a_resident(agent, resident, building):
    client = client_for(agent)
    places = dict(client.get(reverse("cases:register")).context["form"].fields["place"].choices)
    assert places[str(building.pk)] == "中加水岸小区 1栋"

    response = client.post(
        reverse("cases:register"),
        register_data(place=building.pk, on_behalf_of=resident.pk),
    )

    case = Case.objects.get(title="楼上噪音扰民")
    assert response.status_code == 302 and response.url == detail_url(case)
    assert case.channel == "phone" and case.registered_by == agent and case.reporter == resident
    assert case.contact_phone == "13900001001" and case.contact_detail.startswith("独居老人")
    assert case in [r.case for r in client_for(resident).get(reverse("cases:mine")).context["rows"]]


def test_a_walk_in_without_contact_is_refused_and_nothing_written(agent, building, other_resident):
    before = Case.objects.count()
    client = client_for(agent)

    response = client.post(
        reverse("cases:register"), register_data(channel="agent", place=building.pk)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["contact_phone"]

    someone_else = client.post(
        reverse("cases:register"),
        register_data(place=building.pk, on_behalf_of=other_resident.pk),
    )
    assert someone_else.status_code == 400  # not a person of the agent's places
    assert Case.objects.count() == before


def test_the_registration_form_asks_the_categorys_questions(agent, building):
    form = client_for(agent).get(reverse("cases:register")).context["form"]
    question = CategoryQuestion.objects.get(category__code="neighbours", code="households")
    group = form.catalogue.group_of[Category.objects.get(code="neighbours").pk]
    data = register_data(place=building.pk, contact_phone="13800001234")
    data[group.field_name(question)] = "3"

    response = client_for(agent).post(reverse("cases:register"), data)

    assert response.status_code == 302
    assert Case.objects.get(title="楼上噪音扰民").answers == {"households": 3}


# Navigation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "present", "absent"),
    [
        ("resident", {"report", "mine"}, {"workbench", "dispatch", "supervision", "register"}),
        ("property_handler", {"workbench"}, {"report", "dispatch", "supervision", "register"}),
        ("worker", {"workbench", "dispatch", "register"}, {"report", "supervision"}),
        ("agent", {"register"}, {"report", "workbench", "dispatch", "supervision"}),
        ("supervisor", {"supervision"}, {"report", "workbench", "dispatch", "register"}),
    ],
)
def test_each_role_finds_its_case_pages(request, actor, present, absent):
    page = page_of(client_for(request.getfixturevalue(actor)).get(reverse("web:home")))

    for name in present:
        assert reverse(f"cases:{name}") in page, name
    for name in absent:
        assert f'href="{reverse(f"cases:{name}")}"' not in page, name
