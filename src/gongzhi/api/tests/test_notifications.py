"""The notification centre over the API: list, mark read, preferences, and their errors."""

from __future__ import annotations

import pytest

from gongzhi.core.models import Notification, NotificationPreference
from gongzhi.core.notifications import notify

from .conftest import assert_error

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def send(user, count: int) -> None:
    for i in range(count):
        notify(recipients=[user], kind="case.update", title=f"通知{i + 1}", url="/cases/")


@pytest.mark.usefixtures("unlimited")
def test_it_lists_your_notifications_newest_first_in_keyset_pages(
    api_as, resident, other_resident, django_assert_max_num_queries
):
    Notification.objects.filter(recipient=resident).delete()
    send(resident, 5)
    send(other_resident, 2)
    client = api_as(resident)
    with django_assert_max_num_queries(5):
        body = client.get(URL, {"page_size": 3}).json()
    assert [n["title"] for n in body["results"]] == ["通知5", "通知4", "通知3"]
    assert body["unread_count"] == 5 and body["results"][0]["read"] is False
    rest = client.get(body["next"]).json()
    assert [n["title"] for n in rest["results"]] == ["通知2", "通知1"] and rest["next"] is None


def test_it_marks_some_or_all_read_and_ignores_others_ids(api_as, resident, other_resident):
    Notification.objects.filter(recipient__in=[resident, other_resident]).delete()
    send(resident, 3)
    send(other_resident, 1)
    mine = list(Notification.objects.filter(recipient=resident).values_list("pk", flat=True))
    theirs = Notification.objects.get(recipient=other_resident).pk
    client = api_as(resident)
    body = client.post(f"{URL}read/", {"ids": [mine[0], theirs]}, format="json").json()
    assert body == {"marked": 1, "unread_count": 2}
    assert client.get(URL, {"unread": "true"}).json()["unread_count"] == 2
    assert client.post(f"{URL}read/", {}, format="json").json() == {"marked": 2, "unread_count": 0}
    assert Notification.objects.get(pk=theirs).read_at is None


def test_it_reads_and_saves_preferences(api_as, resident):
    client = api_as(resident)
    body = client.get(f"{URL}preferences/").json()
    assert set(body["channels"]) == {"email", "sms", "wechat"}
    assert {"kind": "case.update", "name": "Updates on cases I report or follow"} in [
        k for k in client.get(f"{URL}preferences/", HTTP_ACCEPT_LANGUAGE="en").json()["kinds"]
    ]
    saved = client.put(
        f"{URL}preferences/", {"channels": {"sms": ["case.update"]}}, format="json"
    ).json()
    assert saved["channels"] == {"email": [], "sms": ["case.update"], "wechat": []}
    assert NotificationPreference.objects.get(user=resident, channel="sms").enabled


def test_it_refuses_unknown_channels_kinds_and_bad_input(api_as, resident):
    client = api_as(resident)
    body = assert_error(
        client.put(f"{URL}preferences/", {"channels": {"pigeon": ["case.update"]}}, format="json"),
        400,
        "invalid",
    )
    assert "channel" in body["fields"]
    body = assert_error(
        client.put(f"{URL}preferences/", {"channels": {"sms": ["case.nope"]}}, format="json"),
        400,
        "invalid",
    )
    assert "kind" in body["fields"]
    assert_error(client.post(f"{URL}read/", {"ids": ["x"]}, format="json"), 400, "invalid")
    assert_error(client.get(URL, {"page_size": 0}), 400, "invalid")


def test_it_needs_credentials(api):
    for url in [URL, f"{URL}preferences/"]:
        assert_error(api.get(url), 401, "not_authenticated")
    assert_error(api.post(f"{URL}read/", {}, format="json"), 401, "not_authenticated")
