"""The notification centre: the list (newest first, unread only, keyset pages, a fixed number of
queries), marking read, the unread badge, and the preferences per kind and channel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.models import User
from gongzhi.core import clock
from gongzhi.core.models import AuditEntry, Notification, NotificationPreference
from gongzhi.core.notifications import channels_for, notify

pytestmark = pytest.mark.django_db

# The session, the user, the user's grants and the unread badge (4, however often the page shows
# the count), a resident's units for the navigation (1), the page of notifications (1).
LIST_QUERIES = 4 + 1 + 1


def client_for(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def send(user: User, count: int, **extra) -> None:
    for i in range(count):
        notify(
            recipients=[user],
            kind=extra.get("kind", "case.update"),
            title=f"第{i + 1}条通知",
            url=extra.get("url", "/cases/"),
        )


def test_the_list_is_newest_first_in_a_fixed_number_of_queries(resident, django_assert_num_queries):
    Notification.objects.filter(recipient=resident).delete()
    send(resident, 3)
    client = client_for(resident)
    url = reverse("web:notifications")
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert [n.title for n in response.context["page"].items] == [
        "第3条通知",
        "第2条通知",
        "第1条通知",
    ]
    send(resident, 40)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    page = response.context["page"]
    assert len(page.items) == 30 and page.next_after is not None
    rest = client.get(url, {"after": page.next_after}).context["page"]
    assert len(rest.items) == 13 and rest.next_after is None


def test_the_badge_counts_the_unread_and_mark_read_clears_them(resident):
    Notification.objects.filter(recipient=resident).delete()
    send(resident, 2)
    client = client_for(resident)
    html = client.get(reverse("web:home")).content.decode()
    assert '<span class="badge">2<span class="visually-hidden"> unread</span></span>' in html

    first = Notification.objects.filter(recipient=resident).order_by("id").first()
    client.post(reverse("web:notifications_read"), {"id": first.pk})
    first.refresh_from_db()
    assert first.read_at is not None
    unread = client.get(reverse("web:notifications"), {"show": "unread"}).context["page"]
    assert [n.title for n in unread.items] == ["第2条通知"]

    response = client.post(reverse("web:notifications_read"), follow=True)
    assert "1 notification marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=resident, read_at__isnull=True).exists()
    assert 'class="badge"' not in client.get(reverse("web:home")).content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(resident):
    notify(recipients=[resident], kind="case.update", title="更新", url="/cases/")
    n = Notification.objects.filter(recipient=resident).latest("id")
    response = client_for(resident).get(reverse("web:notification_open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/cases/"
    n.refresh_from_db()
    assert n.read_at is not None


def test_an_offsite_link_is_not_followed(resident):
    Notification.objects.create(
        recipient=resident, kind="x", title="t", url="https://evil.example/", created_at=clock.now()
    )
    n = Notification.objects.filter(recipient=resident).latest("id")
    response = client_for(resident).get(reverse("web:notification_open", args=[n.pk]))
    assert response["Location"] == reverse("web:notifications")


def test_one_cannot_read_or_mark_anothers_notifications(resident, other_resident):
    notify(recipients=[resident], kind="case.update", title="张伟的通知", url="/cases/")
    n = Notification.objects.filter(recipient=resident).latest("id")
    client = client_for(other_resident)
    assert client.get(reverse("web:notification_open", args=[n.pk])).status_code == 404
    client.post(reverse("web:notifications_read"), {"id": n.pk})
    client.post(reverse("web:notifications_read"))
    n.refresh_from_db()
    assert n.read_at is None
    assert "张伟的通知" not in client.get(reverse("web:notifications")).content.decode()


def test_the_pages_need_a_login(client):
    for name in ["web:notifications", "web:notification_preferences"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_preferences_are_saved_per_kind_and_channel_and_audited(resident):
    client = client_for(resident)
    form = client.get(reverse("web:notification_preferences")).context["form"]
    assert "sms:case.update" in form.fields and "wechat:case.reminder" in form.fields
    response = client.post(
        reverse("web:notification_preferences"),
        {"sms:case.update": "on", "email:case.update": "on", "email:case.reminder": ""},
        follow=True,
    )
    assert "Your notification preferences are saved." in response.content.decode()
    prefs = {p.channel: p for p in NotificationPreference.objects.filter(user=resident)}
    assert prefs["sms"].enabled and "case.update" not in prefs["sms"].muted_kinds
    assert "case.reminder" in prefs["sms"].muted_kinds
    assert not prefs["wechat"].enabled
    assert channels_for([resident], "case.update")[resident.pk] == {"sms", "email"}
    assert channels_for([resident], "case.reminder")[resident.pk] == set()
    entry = AuditEntry.objects.filter(action="notification.preferences_set").latest("seq")
    assert entry.after["sms"] == ["case.update"]
    # The page shows what was saved.
    again = client.get(reverse("web:notification_preferences")).context["form"]
    assert again["sms:case.update"].initial is True and not again["sms:case.new"].initial


def test_the_service_refuses_unknown_channels_and_kinds(resident):
    from gongzhi.core.errors import InvalidInput
    from gongzhi.core.notifications import notification_preferences_set

    with pytest.raises(InvalidInput) as bad:
        notification_preferences_set(actor=resident, wanted={"pigeon": {"case.update"}})
    assert "channel" in bad.value.fields
    with pytest.raises(InvalidInput) as bad:
        notification_preferences_set(actor=resident, wanted={"sms": {"case.nonsense"}})
    assert "kind" in bad.value.fields
    assert not NotificationPreference.objects.filter(user=resident).exists()
