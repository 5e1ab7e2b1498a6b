from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from gongzhi.core import clock
from gongzhi.core.channels import ConsoleSMSBackend
from gongzhi.core.models import Delivery, DeliveryState, Notification, NotificationPreference
from gongzhi.core.notifications import (
    deliveries_send,
    notifications_mark_read,
    notify,
    unread_count,
)

T0 = dt.datetime(2026, 11, 17, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(worker, handler):
    worker.email, handler.email = "liuyang@example.cn", "zhaolei@example.cn"
    worker.save(update_fields=["email"])
    handler.save(update_fields=["email"])
    return worker, handler


def test_it_writes_one_in_app_notification_per_distinct_active_recipient(people, resident):
    worker, handler = people
    resident.is_active = False
    with clock.frozen(T0):
        assert (
            notify(
                recipients=[worker, handler, worker, None, resident],
                kind="case.new",
                title="新诉求",
            )
            == 2
        )
    assert unread_count(worker) == 1
    assert notifications_mark_read(user=worker) == 1 and unread_count(worker) == 0


def test_email_goes_out_from_the_worker_not_inside_the_state_change(
    people, django_capture_on_commit_callbacks
):
    worker, _handler = people
    with clock.frozen(T0), django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[worker], kind="case.new", title="新诉求：电梯停运", url="/cases/1/")
    assert len(mail.outbox) == 0 and len(callbacks) == 1  # only a task is queued on commit
    with clock.frozen(T0):
        assert deliveries_send()["sent"] == 1
    assert mail.outbox[0].to == ["liuyang@example.cn"] and "/cases/1/" in mail.outbox[0].body
    assert Delivery.objects.get().state == DeliveryState.SENT


def test_preferences_choose_channels_and_mute_kinds(people):
    worker, handler = people
    NotificationPreference.objects.create(user=worker, channel="sms", enabled=True)
    NotificationPreference.objects.create(
        user=handler, channel="email", enabled=True, muted_kinds=["case.reminder"]
    )
    ConsoleSMSBackend.sent.clear()
    with clock.frozen(T0):
        notify(recipients=[worker, handler], kind="case.reminder", title="催办")
        deliveries_send()
    assert ConsoleSMSBackend.sent == [(worker.phone, "催办")]
    assert [m.to for m in mail.outbox] == [["liuyang@example.cn"]]
    assert Notification.objects.filter(recipient=handler).exists()  # still in the app


def test_a_failing_backend_is_retried_with_backoff_and_loses_nothing(people, monkeypatch):
    worker, _handler = people

    def broken(*args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("gongzhi.core.channels.send_mail", broken)
    with clock.frozen(T0):
        notify(recipients=[worker], kind="case.new", title="新诉求")
        assert deliveries_send()["retry"] == 1
        assert deliveries_send()["retry"] == 0  # not due yet
    delivery = Delivery.objects.get()
    assert delivery.attempts == 1 and delivery.next_attempt_at == T0 + dt.timedelta(minutes=2)
    assert "SMTP down" in delivery.last_error
    monkeypatch.undo()
    with clock.frozen(T0 + dt.timedelta(minutes=3)):
        assert deliveries_send()["sent"] == 1
    assert len(mail.outbox) == 1


def test_reminders_are_digested_at_most_one_message_an_hour(people):
    worker, _handler = people
    with clock.frozen(T0):
        for n in range(3):
            notify(recipients=[worker], kind="case.reminder", title=f"催办 {n}", url=f"/cases/{n}/")
        assert deliveries_send()["sent"] == 3
    assert len(mail.outbox) == 1 and mail.outbox[0].body.count("催办") == 3
    with clock.frozen(T0 + dt.timedelta(minutes=10)):
        notify(recipients=[worker], kind="case.reminder", title="催办 later")
        assert deliveries_send()["waiting"] == 1
    assert len(mail.outbox) == 1
    with clock.frozen(T0 + dt.timedelta(minutes=61)):
        assert deliveries_send()["sent"] == 1
    assert len(mail.outbox) == 2


def test_a_user_without_an_address_fails_the_delivery_once(people):
    worker, _handler = people
    NotificationPreference.objects.create(user=worker, channel="wechat", enabled=True)
    with clock.frozen(T0):
        notify(recipients=[worker], kind="case.new", title="新诉求")
        counts = deliveries_send()
    assert counts["failed"] == 1 and counts["sent"] == 1
    assert Delivery.objects.get(channel="wechat").state == DeliveryState.FAILED
