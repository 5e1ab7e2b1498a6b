"""The consultation API: ask, the thread, steps, errors in the one format, the public FAQ."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from gongzhi.consultation import services
from gongzhi.consultation.models import Question

from .conftest import png


def _api(user=None) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)
    return client


def test_it_asks_with_photos_and_answers_the_thread(resident, courtyard, volunteer):
    response = _api(resident).post(
        reverse("api:question-list"),
        {"place": courtyard.pk, "title": "快递柜", "body": "快递柜坏了找谁？", "photos": [png()]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "open" and len(body["photos"]) == 1
    assert body["asker"] == "张*"
    assert body["actions"] == ["reply", "mark_answered"]
    pk = body["id"]
    reply = _api(volunteer).post(reverse("api:question-reply", args=[pk]), {"body": "找物业。"})
    assert reply.status_code == 200
    assert [a["author"] for a in reply.json()["answers"]] == ["王芳"]
    done = _api(resident).post(reverse("api:question-mark-answered", args=[pk]))
    assert done.json()["state"] == "answered"


def test_errors_come_in_the_one_format(question, resident, outsider, volunteer, courtyard):
    invalid = _api(resident).post(
        reverse("api:question-list"), {"place": courtyard.pk, "title": ""}
    )
    assert invalid.status_code == 400 and {"title", "body"} <= set(invalid.json()["fields"])
    hidden = _api(outsider).get(reverse("api:question-detail", args=[question.pk]))
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    refused = _api(volunteer).post(reverse("api:question-close", args=[question.pk]))
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    wrong_time = _api(resident).post(reverse("api:question-reopen", args=[question.pk]))
    assert wrong_time.status_code == 409 and wrong_time.json()["code"] == "invalid_transition"
    anonymous = _api().get(reverse("api:question-list"))
    assert anonymous.status_code in {401, 403}


def test_convert_and_publish(question, worker, resident, xinqiao):
    services.question_reply(actor=worker, question=question, body="可以办理。")
    services.question_mark_answered(actor=resident, question=question)
    published = _api(worker).post(reverse("api:question-publish", args=[question.pk]), {})
    assert published.status_code == 200 and published.json()["faq_entry"]
    faq = _api().get(reverse("api:public-place-faq", args=[xinqiao.pk]), {"q": "門禁"})
    assert faq.status_code == 200
    assert [e["title"] for e in faq.json()] == [question.title]
    assert "13912345678" not in str(faq.json())
    converted = _api(worker).post(
        reverse("api:question-convert", args=[question.pk]), {"category": "other", "nature": "help"}
    )
    assert converted.status_code == 200
    assert converted.json()["state"] == "converted" and converted.json()["case"]["number"]
    again = _api(worker).post(
        reverse("api:question-convert", args=[question.pk]), {"category": "other", "nature": "help"}
    )
    assert again.status_code == 409


def test_the_list_runs_a_fixed_number_of_queries(
    resident, courtyard, worker, django_assert_max_num_queries
):
    for i in range(6):
        services.question_ask(actor=resident, place=courtyard, title=f"问题{i}", body="？")
    client = _api(worker)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("api:question-list"), {"state": "open"})
    assert response.status_code == 200
    assert len(response.json()["results"]) >= 6
    mine = _api(resident).get(reverse("api:question-list"), {"mine": "true"}).json()["results"]
    assert {q["title"] for q in mine} >= {f"问题{i}" for i in range(6)}
    assert Question.objects.count() >= 6
