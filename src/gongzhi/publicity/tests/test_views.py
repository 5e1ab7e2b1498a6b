"""The pages: public archive and notice (masked objectors), the resident's objection, the
staff's response, period and result; projects and the programme view; fixed query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.core import clock
from gongzhi.publicity import services
from gongzhi.publicity.choices import NoticeState, ProgrammeKind, ProjectStatus
from gongzhi.publicity.models import Notice, Objection, Project
from gongzhi.publicity.tests.conftest import TUESDAY


def client_for(user=None) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def objected(notice, resident):
    with clock.frozen(TUESDAY + dt.timedelta(days=1)):
        return services.objection_file(
            actor=resident, notice=notice, body="施工时间请避开午休，联系我13912345678"
        )


def test_the_public_notice_masks_objectors_and_their_phone_numbers(objected, notice, resident):
    page = client_for().get(reverse("publicity:notice", args=[notice.pk])).content.decode()
    assert "张*" in page and resident.name not in page
    assert "139****5678" in page and "13912345678" not in page


def test_staff_and_the_objector_see_the_name(objected, notice, worker, resident):
    url = reverse("publicity:notice", args=[notice.pk])
    assert "张伟" in client_for(worker).get(url).content.decode()
    mine = client_for(resident).get(url).content.decode()
    assert "张伟" in mine and "13912345678" in mine


def test_a_resident_objects_through_the_page(notice, resident):
    with clock.frozen(TUESDAY + dt.timedelta(days=1)):
        response = client_for(resident).post(
            reverse("publicity:notice_step", args=[notice.pk, "object"]), {"body": "反对砍树"}
        )
    assert response.status_code == 302
    assert Objection.objects.get(notice=notice).body == "反对砍树"


def test_an_objection_after_the_period_shows_the_reason_not_a_500(notice, resident):
    with clock.frozen(TUESDAY + dt.timedelta(days=9)):
        response = client_for(resident).post(
            reverse("publicity:notice_step", args=[notice.pk, "object"]), {"body": "晚了"}
        )
    assert response.status_code == 409
    assert "objections are no longer accepted" in response.content.decode()


def test_a_non_resident_is_refused_on_the_page(notice, other_resident):
    response = client_for(other_resident).post(
        reverse("publicity:notice_step", args=[notice.pk, "object"]), {"body": "我不住这里"}
    )
    assert response.status_code == 403
    assert "Only residents of" in response.content.decode()
    assert not Objection.objects.filter(notice=notice).exists()


def test_staff_respond_extend_and_close_through_the_page(objected, notice, worker, resident):
    staff = client_for(worker)
    response = staff.post(
        reverse("publicity:objection_respond", args=[objected.pk]),
        {f"r{objected.pk}-response": "已调整为上午施工"},
    )
    assert response.status_code == 302
    response = staff.post(
        reverse("publicity:notice_step", args=[notice.pk, "extend"]), {"days": "", "reason": ""}
    )
    assert response.status_code == 400
    staff.post(
        reverse("publicity:notice_step", args=[notice.pk, "extend"]),
        {"days": "2", "reason": "应居民要求"},
    )
    Notice.objects.filter(pk=notice.pk).update(state=NoticeState.ENDED)
    response = staff.post(
        reverse("publicity:notice_step", args=[notice.pk, "close"]), {"result": "按期实施"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED
    page = client_for(resident).get(reverse("publicity:notice", args=[notice.pk])).content
    assert "已调整为上午施工" in page.decode() and "按期实施" in page.decode()


def test_a_resident_cannot_close(notice, resident):
    Notice.objects.filter(pk=notice.pk).update(state=NoticeState.ENDED)
    response = client_for(resident).post(
        reverse("publicity:notice_step", args=[notice.pk, "close"]), {"result": "x"}
    )
    assert response.status_code == 403


def test_lists_take_a_fixed_number_of_queries(
    notice, objected, worker, resident, courtyard, django_assert_max_num_queries
):
    for i in range(5):
        services.notice_publish(actor=worker, place=courtyard, title=f"公示{i}", body="b")
    for name, user in [
        ("publicity:archive", None),
        ("publicity:mine", resident),
        ("publicity:manage", worker),
        ("publicity:programme", None),
    ]:
        client = client_for(user)
        client.get(reverse(name))  # warm the session and the caches
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200


def test_staff_create_a_project_and_publish_a_notice_about_it(worker, courtyard):
    staff = client_for(worker)
    response = staff.post(
        reverse("publicity:project_new"),
        {
            "place": courtyard.pk,
            "title": "府河边绿道提升",
            "kind": ProgrammeKind.PARK_CITY,
            "budget_yuan": "125000.50",
            "contractor": "成都园林公司",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="府河边绿道提升")
    assert project.budget_fen == 12_500_050
    response = staff.post(
        reverse("publicity:notice_new") + f"?project={project.pk}",
        {
            "place": courtyard.pk,
            "title": "绿道提升公示",
            "body": "欢迎提出意见",
            "period_days": 5,
            "period_unit": "working_days",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_CONSULTATION
    page = client_for().get(reverse("publicity:project", args=[project.pk])).content.decode()
    assert "125,000.50" in page and "绿道提升公示" in page


def test_an_outsider_cannot_create_a_project_here(outsider, courtyard):
    response = client_for(outsider).post(
        reverse("publicity:project_new"),
        {"place": courtyard.pk, "title": "越权", "kind": "other", "budget_yuan": "1"},
    )
    assert response.status_code == 200  # the place is not among the outsider's choices
    assert not Project.objects.filter(title="越权").exists()
