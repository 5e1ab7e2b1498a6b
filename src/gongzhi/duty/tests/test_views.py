"""The duty pages: who is on duty, the inbox, rosters, my shifts, volunteers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.cases.models import Category
from gongzhi.cases.services import case_report
from gongzhi.core import clock
from gongzhi.duty import inbox, services, volunteering
from gongzhi.duty.models import Shift, SwapRequest
from gongzhi.duty.tests.conftest import DAY, at, staffed_shift

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_who_is_on_duty_shows_names_to_staff_and_masked_to_residents(
    client, worker, resident, roster, courtyard, volunteer
):
    staffed_shift(worker, roster, [volunteer])
    url = reverse("duty:now") + f"?place={courtyard.pk}"
    with clock.frozen(at(DAY, 10)):
        client.force_login(worker)
        assert "王芳" in client.get(url, **EN).content.decode()
        client.force_login(resident)
        page = client.get(url, **EN).content.decode()
    assert "王*" in page and "王芳" not in page


def test_the_inbox_shows_new_cases_of_the_covered_places_only(
    client, worker, roster, courtyard, volunteer, resident, other_resident, zhiqiang
):
    staffed_shift(worker, roster, [volunteer], start=8, end=20)
    other = Category.objects.get(code="other")
    with clock.frozen(at(DAY, 9)):
        mine = case_report(
            actor=resident,
            channel="web",
            category=other,
            nature="inquiry",
            title="楼道灯不亮值守测试",
            description="1栋三楼",
            place=courtyard,
        )
        elsewhere = case_report(
            actor=other_resident,
            channel="web",
            category=other,
            nature="inquiry",
            title="别的社区值守测试",
            description="x",
            place=zhiqiang,
        )
    with clock.frozen(at(DAY, 10)):
        client.force_login(volunteer)
        page = client.get(reverse("duty:inbox"), **EN).content.decode()
    assert mine.title in page
    assert elsewhere.title not in page
    assert 'id="inbox-cases"' in page


def test_the_inbox_is_query_bounded_and_extensible(
    client, worker, roster, volunteer, django_assert_max_num_queries
):
    staffed_shift(worker, roster, [volunteer], start=8, end=20)
    extra = inbox.InboxSection(
        name="test_extra",
        title="Extra section",
        template="duty/inbox/_cases.html",
        load=lambda user, places, now: [],
    )
    inbox.register(extra)
    try:
        client.force_login(volunteer)
        with clock.frozen(at(DAY, 10)), django_assert_max_num_queries(12):
            page = client.get(reverse("duty:inbox"), **EN).content.decode()
        assert 'id="inbox-test_extra"' in page
    finally:
        inbox.SECTIONS[:] = [s for s in inbox.SECTIONS if s.name != "test_extra"]


def test_staff_generate_and_edit_a_roster_through_the_pages(
    client, worker, roster, volunteer, building_head
):
    client.force_login(worker)
    response = client.post(
        reverse("duty:generate", args=[roster.pk]),
        {
            "start": "2030-03-11",
            "end": "2030-03-15",
            "times": "09:00-12:00",
            "slots": 1,
            "skip_days_off": "on",
        },
        **EN,
    )
    assert response.status_code == 302
    assert Shift.objects.filter(roster=roster).count() == 5
    shift = Shift.objects.filter(roster=roster).first()
    person = shift.assignments.get().user
    client.post(
        reverse("duty:shift_edit", args=[roster.pk, shift.pk]),
        {"action": "unassign", "user": person.pk},
    )
    assert not shift.assignments.exists()
    page = client.get(reverse("duty:roster", args=[roster.pk]) + "?month=2030-03", **EN)
    assert page.status_code == 200
    assert 'class="gap"' in page.content.decode()
    # A refused edit is a message, not an error page.
    client.post(
        reverse("duty:shift_edit", args=[roster.pk, shift.pk]),
        {"action": "unassign", "user": person.pk},
        **EN,
    )
    follow = client.get(reverse("duty:roster", args=[roster.pk]) + "?month=2030-03", **EN)
    assert "not on this shift" in follow.content.decode()


def test_the_roster_page_is_query_bounded(client, worker, roster, django_assert_max_num_queries):
    services.rotation_generate(
        actor=worker,
        roster=roster,
        start=dt.date(2030, 3, 1),
        end=dt.date(2030, 3, 31),
        times=[(dt.time(9), dt.time(12)), (dt.time(14), dt.time(17))],
    )
    client.force_login(worker)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("duty:roster", args=[roster.pk]) + "?month=2030-03")
    assert response.status_code == 200
    assert response.content.decode().count('name="action" value="assign"') == 42


def test_an_outsider_gets_404_on_another_communitys_roster(client, outsider, roster):
    client.force_login(outsider)
    assert client.get(reverse("duty:roster", args=[roster.pk])).status_code == 404


def test_a_person_requests_and_the_other_accepts_a_swap_through_the_pages(
    client, worker, roster, volunteer, building_head
):
    today = clock.today()
    shift = services.shift_create(
        actor=worker,
        roster=roster,
        date=today + dt.timedelta(days=3),
        start_time=dt.time(9),
        end_time=dt.time(12),
    )
    services.shift_assign(actor=worker, shift=shift, user=volunteer)
    client.force_login(volunteer)
    page = client.get(reverse("duty:my_shifts"), **EN).content.decode()
    assert f'action="{reverse("duty:swap_request", args=[shift.pk])}"' in page
    client.post(
        reverse("duty:swap_request", args=[shift.pk]),
        {"counterparty": building_head.pk, "note": "家里有事"},
    )
    swap = SwapRequest.objects.get(shift=shift)
    client.force_login(building_head)
    assert "家里有事" in client.get(reverse("duty:my_shifts"), **EN).content.decode()
    client.post(reverse("duty:swap_decide", args=[swap.pk]), {"action": "accept"})
    assert list(shift.assignments.values_list("user__username", flat=True)) == ["lina"]


def test_hours_self_reported_then_confirmed_by_staff(client, worker, xinqiao, volunteer):
    entry = volunteering.volunteer_register(
        actor=worker,
        user=volunteer,
        community=xinqiao,
        kind="party_member",
        organisation="金牛区税务局机关党支部",
        skills="法律咨询",
        weekdays=[6, 7],
    )
    client.force_login(volunteer)
    client.post(
        reverse("duty:hours_report", args=[entry.pk]),
        {"date": clock.today().isoformat(), "hours": "2.5", "activity": "协助疫苗接种登记"},
    )
    record = entry.records.get(activity="协助疫苗接种登记")
    assert record.state == "reported"
    client.force_login(worker)
    page = client.get(reverse("duty:volunteers"), **EN).content.decode()
    assert "协助疫苗接种登记" in page
    client.post(reverse("duty:service_decide", args=[record.pk]), {"action": "confirm"})
    record.refresh_from_db()
    assert record.state == "confirmed"


@pytest.mark.parametrize(
    "name", ["duty:now", "duty:inbox", "duty:my_shifts", "duty:rosters", "duty:volunteers"]
)
def test_every_page_answers_for_staff(client, worker, name):
    client.force_login(worker)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("model", ["roster", "shift", "swaprequest", "volunteer", "servicerecord"])
def test_the_admin_lists_duty_data_read_only(admin_client, model):
    response = admin_client.get(reverse(f"admin:duty_{model}_changelist"))
    assert response.status_code == 200
    assert admin_client.get(reverse(f"admin:duty_{model}_add")).status_code == 403


@pytest.mark.parametrize(("name", "budget"), [("duty:rosters", 12), ("duty:volunteers", 14)])
def test_the_staff_lists_are_query_bounded(
    client, worker, xinqiao, name, budget, django_assert_max_num_queries
):
    # The demo gives 新桥社区 three rosters and five registry entries with hours.
    client.force_login(worker)
    with django_assert_max_num_queries(budget):
        page = client.get(reverse(name), **EN).content.decode()
    assert "中加水岸小区" in page or "张敏" in page


def test_a_resident_sees_no_links_to_the_staff_pages(client, resident, worker):
    client.force_login(resident)
    page = client.get(reverse("duty:my_shifts"), **EN).content.decode()
    assert reverse("duty:my_shifts") in page
    assert reverse("duty:volunteers") not in page
    client.force_login(worker)
    assert reverse("duty:volunteers") in client.get(reverse("duty:my_shifts")).content.decode()
