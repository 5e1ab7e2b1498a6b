from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from gongzhi.core import clock, request_context
from gongzhi.core.audit import audit_purge, audit_record, audit_verify
from gongzhi.core.models import AuditEntry, AuditHead


def _tamper(sql: str, params: list) -> None:
    """Rewrite a row the way an attacker with database access would: around the guard trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser can switch triggers off for the transaction.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_no_update")
            cursor.execute("DROP TRIGGER core_auditentry_no_early_delete")
            cursor.execute(sql, params)


def test_it_chains_each_entry_to_the_previous_one(demo, worker, xinqiao):
    first = audit_record(actor=worker, action="test.one", place=xinqiao, after={"a": 1})
    second = audit_record(
        actor=worker, action="test.two", obj=xinqiao, before={"a": 1}, after={"a": 2}
    )
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert AuditHead.objects.get().last_hash == second.hash
    assert second.object_type == "places.place" and second.object_id == str(xinqiao.pk)
    assert audit_verify().ok


def test_it_records_ip_and_channel_from_the_request_context(demo, worker):
    with request_context.using(request_context.RequestContext(ip="10.1.2.3", channel="api")):
        entry = audit_record(actor=worker, action="test.ctx")
    assert (entry.ip, entry.channel, entry.actor_id) == ("10.1.2.3", "api", worker.pk)


def test_a_web_login_is_recorded_with_address_and_channel(demo, client):
    from gongzhi.demo.data import DEMO_PASSWORD

    response = client.post(
        "/login/", {"username": "liuyang", "password": DEMO_PASSWORD}, REMOTE_ADDR="10.9.8.7"
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="auth.logged_in").order_by("-seq").first()
    assert entry is not None
    assert (entry.actor.username, entry.ip, entry.channel) == ("liuyang", "10.9.8.7", "web")


def test_it_finds_a_tampered_row(demo, worker):
    audit_record(actor=worker, action="test.before")
    victim = audit_record(actor=worker, action="role.granted", after={"role": "resident"})
    audit_record(actor=worker, action="test.after")
    assert audit_verify().ok

    _tamper(
        "UPDATE core_auditentry SET after = %s WHERE seq = %s", ['{"role": "admin"}', victim.seq]
    )

    result = audit_verify()
    assert not result.ok
    assert result.broken_seq == victim.seq
    assert "content" in result.reason
    with pytest.raises(CommandError, match=f"#{victim.seq}"):
        call_command("audit", "verify")


def test_it_finds_a_deleted_row(demo, worker):
    audit_record(actor=worker, action="test.a")
    victim = audit_record(actor=worker, action="test.b")
    audit_record(actor=worker, action="test.c")
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [victim.seq])
    result = audit_verify()
    assert (result.ok, result.broken_seq) == (False, victim.seq + 1)


def test_it_finds_a_truncated_tail(demo, worker):
    audit_record(actor=worker, action="test.a")
    last = audit_record(actor=worker, action="test.b")
    _tamper("DELETE FROM core_auditentry WHERE seq = %s", [last.seq])
    result = audit_verify()
    assert not result.ok and "end" in result.reason


def test_the_verify_command_reports_an_intact_chain(demo, capsys):
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out


def test_the_application_cannot_update_or_delete_entries(demo, worker):
    entry = audit_record(actor=worker, action="test.x")
    entry.action = "test.y"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    with pytest.raises(RuntimeError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="test.z")
    with pytest.raises(RuntimeError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_the_database_refuses_updates_and_early_deletes(demo, worker):
    entry = audit_record(actor=worker, action="test.x")
    for sql in (
        "UPDATE core_auditentry SET action = 'x' WHERE seq = %s",
        "DELETE FROM core_auditentry WHERE seq = %s",
    ):
        with (
            pytest.raises(Exception, match="append-only|180 days"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.seq])
    assert AuditEntry.objects.filter(seq=entry.seq, action="test.x").exists()


def test_purge_keeps_at_least_180_days_and_the_chain_verifies(demo, worker, settings):
    settings.AUDIT_RETENTION_DAYS = 180
    long_ago = clock.now() - dt.timedelta(days=400)
    with clock.frozen(long_ago):
        old = [audit_record(actor=worker, action="test.old") for _ in range(3)]
    recent = audit_record(actor=worker, action="test.recent")
    # Rows loaded with the demo are also recent; only the three old ones may go.
    assert audit_purge() == 3
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEntry.objects.filter(pk=recent.pk).exists()
    assert AuditEntry.objects.filter(action="audit.purged").exists()


def test_a_batch_appends_its_entries_in_order_with_one_head_lock(
    demo, worker, xinqiao, django_assert_num_queries
):
    from gongzhi.core.audit import audit_batch

    head_before = AuditHead.objects.get(id=1).seq
    # The head is read and locked once, the entries inserted in one statement, the head moved.
    with django_assert_num_queries(3), transaction.atomic(savepoint=False), audit_batch():
        first = audit_record(actor=worker, action="test.batch.one", place=xinqiao)
        second = audit_record(actor=worker, action="test.batch.two", after={"n": 2})
        assert first.seq is None and first.at is None  # not in the chain until the batch ends
    stored = list(AuditEntry.objects.filter(seq__gt=head_before).order_by("seq"))
    assert [e.action for e in stored] == ["test.batch.one", "test.batch.two"]
    assert [e.seq for e in stored] == [head_before + 1, head_before + 2]
    assert stored[1].prev_hash == stored[0].hash == first.hash and second.hash == stored[1].hash
    assert AuditHead.objects.get(id=1).seq == head_before + 2
    assert audit_verify().ok


def test_a_batch_that_fails_appends_nothing(demo, worker):
    from gongzhi.core.audit import audit_batch

    head_before = AuditHead.objects.get(id=1).seq
    with pytest.raises(ValueError), audit_batch():
        audit_record(actor=worker, action="test.batch.lost")
        raise ValueError("the service failed")
    assert not AuditEntry.objects.filter(action="test.batch.lost").exists()
    assert AuditHead.objects.get(id=1).seq == head_before
