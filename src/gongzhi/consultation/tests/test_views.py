"""The pages: asking, the thread and its steps, the staff list, the public FAQ, photos."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.cases.models import Category
from gongzhi.consultation import services
from gongzhi.consultation.choices import QuestionState
from gongzhi.consultation.models import Question

from .conftest import png

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_resident_asks_with_a_photo_and_sees_the_thread(resident, courtyard):
    client = _client(resident)
    form = client.get(reverse("consultation:ask"), **EN)
    assert form.status_code == 200 and "中加水岸小区" in form.content.decode()
    response = client.post(
        reverse("consultation:ask"),
        {
            "place": courtyard.pk,
            "title": "电梯年检",
            "body": "电梯什么时候年检？",
            "photos": [png()],
        },
    )
    question = Question.objects.get(title="电梯年检")
    assert response.status_code == 302
    assert response["Location"] == reverse("consultation:detail", args=[question.pk])
    page = client.get(response["Location"], **EN).content.decode()
    assert "电梯什么时候年检？" in page and "My question is answered" in page
    photo = question.photos.get()
    assert client.get(reverse("consultation:photo", args=[photo.pk])).status_code == 200
    mine = client.get(reverse("consultation:mine")).content.decode()
    assert "电梯年检" in mine


def test_an_empty_question_is_shown_again_with_errors(resident, courtyard):
    response = _client(resident).post(
        reverse("consultation:ask"), {"place": courtyard.pk, "title": "", "body": ""}
    )
    assert response.status_code == 400
    assert not Question.objects.filter(asker=resident).exists()


def test_photos_and_questions_are_hidden_from_others(question, other_resident, outsider):
    services.question_reply(actor=question.asker, question=question, body="补充", photos=[png()])
    photo = question.photos.get()
    for user in (other_resident, outsider):
        client = _client(user)
        assert client.get(reverse("consultation:detail", args=[question.pk])).status_code == 404
        assert client.get(reverse("consultation:photo", args=[photo.pk])).status_code == 404


def test_the_volunteer_answers_and_the_asker_marks_it_answered(question, volunteer, resident):
    url = reverse("consultation:step", args=[question.pk, "reply"])
    response = _client(volunteer).post(url, {"body": "带身份证到物业办理。"})
    assert response.status_code == 302
    asker = _client(resident)
    assert (
        "带身份证到物业办理。"
        in asker.get(reverse("consultation:detail", args=[question.pk])).content.decode()
    )
    asker.post(reverse("consultation:step", args=[question.pk, "mark_answered"]))
    question.refresh_from_db()
    assert question.state == QuestionState.ANSWERED


def test_a_refused_step_is_a_403_page_and_an_invalid_one_a_message(question, volunteer, resident):
    response = _client(volunteer).post(reverse("consultation:step", args=[question.pk, "close"]))
    assert response.status_code == 403
    client = _client(resident)
    response = client.post(
        reverse("consultation:step", args=[question.pk, "reopen"]), follow=True, **EN
    )
    assert response.status_code == 200
    assert "not possible in the question" in response.content.decode()


def test_staff_convert_and_the_question_shows_the_case(question, worker):
    client = _client(worker)
    category = Category.objects.get(code="other")
    response = client.post(
        reverse("consultation:step", args=[question.pk, "convert"]),
        {"category": category.pk, "nature": "help", "note": ""},
    )
    assert response.status_code == 302
    question.refresh_from_db()
    page = client.get(reverse("consultation:detail", args=[question.pk])).content.decode()
    assert question.case.number in page
    assert reverse("cases:detail", args=[question.case_id]) in page


def test_staff_publish_and_the_public_faq_finds_it(question, worker, resident, xinqiao):
    services.question_reply(actor=worker, question=question, body="门禁卡在物业服务中心办理。")
    services.question_mark_answered(actor=resident, question=question)
    client = _client(worker)
    detail = client.get(reverse("consultation:detail", args=[question.pk]), **EN).content.decode()
    assert (
        "Publish to the FAQ" in detail
        and "13912345678" not in detail.split("Publish to the FAQ")[1]
    )
    client.post(
        reverse("consultation:step", args=[question.pk, "publish"]),
        {
            "title": "门禁卡怎么办理",
            "question_text": "门禁卡在哪里办？",
            "answer_text": "物业服务中心。",
        },
    )
    public = Client()
    page = public.get(
        reverse("consultation:faq", args=[xinqiao.pk]), {"q": "門禁卡"}
    ).content.decode()
    assert "门禁卡怎么办理" in page
    assert "张伟" not in page
    index = public.get(reverse("consultation:faq_index")).content.decode()
    assert xinqiao.name in index


@pytest.mark.parametrize(
    "params", [{}, {"state": "open"}, {"escalated": "no", "unanswered": "on"}, {"q": "门禁"}]
)
def test_the_staff_list_filters_in_a_fixed_number_of_queries(
    params, question, worker, resident, courtyard, django_assert_max_num_queries
):
    for i in range(5):
        services.question_ask(actor=resident, place=courtyard, title=f"门禁问题{i}", body="？")
    client = _client(worker)
    client.get(reverse("consultation:staff"))  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(reverse("consultation:staff"), params)
    assert response.status_code == 200
    assert "门禁问题4" in response.content.decode()


def test_residents_do_not_get_the_staff_list(resident, outsider, question):
    assert _client(resident).get(reverse("consultation:staff")).status_code == 403
    page = _client(outsider).get(reverse("consultation:staff")).content.decode()
    assert question.title not in page
