from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.fund import db_guards, services
from gongzhi.fund.ledger import balance_of, fund_verify
from gongzhi.fund.models import Entry, Line

pytestmark = pytest.mark.django_db


def test_it_posts_a_contribution_as_a_balanced_entry(fund):
    entry = Entry.objects.get(fund=fund)
    assert sorted(line.amount for line in entry.lines.all()) == [-100_000, 100_000]
    assert balance_of(fund) == 100_000
    assert fund_verify(funds=[fund])[0].ok


def test_it_refuses_a_contribution_from_someone_without_the_treasurer_role(
    fund, resident, outsider
):
    for actor in (resident, outsider):
        with pytest.raises(NotPermitted):
            services.contribution_post(
                actor=actor, fund=fund, amount=100, source="residents", memo="x"
            )


def test_it_refuses_zero_or_negative_amounts(fund, worker):
    for amount in (0, -5):
        with pytest.raises(InvalidInput):
            services.contribution_post(
                actor=worker, fund=fund, amount=amount, source="residents", memo="x"
            )


def test_it_corrects_by_a_reversing_entry_never_an_edit(fund, worker):
    entry = Entry.objects.get(fund=fund)
    reversal = services.entry_reverse(actor=worker, entry=entry, reason="录错金额")
    assert reversal.reverses == entry
    assert balance_of(fund) == 0
    assert Entry.objects.filter(fund=fund).count() == 2
    with pytest.raises(InvalidInput):
        services.entry_reverse(actor=worker, entry=entry, reason="再来一次")
    assert fund_verify(funds=[fund])[0].ok


def test_the_database_refuses_to_update_or_delete_ledger_rows(fund):
    entry = Entry.objects.get(fund=fund)
    line = entry.lines.first()
    statements = [
        ("UPDATE fund_line SET amount = 1 WHERE id = %s", line.pk),
        ("DELETE FROM fund_line WHERE id = %s", line.pk),
        ("UPDATE fund_entry SET memo = 'x' WHERE id = %s", entry.pk),
        ("DELETE FROM fund_entry WHERE id = %s", entry.pk),
    ]
    for sql, pk in statements:
        with (
            pytest.raises(Exception, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [pk])
    with pytest.raises(RuntimeError):
        Line.objects.filter(pk=line.pk).update(amount=1)
    with pytest.raises(RuntimeError):
        entry.delete()


def test_verify_reports_a_tampered_amount(fund, worker):
    services.contribution_post(actor=worker, fund=fund, amount=5_000, source="grant", memo="补贴")
    first = Entry.objects.get(fund=fund, seq=1)
    db_guards.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE fund_line SET amount = amount * 2 WHERE entry_id = %s", [first.pk])
    db_guards.install(connection)
    report = fund_verify(funds=[fund])[0]
    assert not report.ok
    assert any("#1" in problem and "hash" in problem for problem in report.problems)


def test_verify_reports_an_unbalanced_entry_and_an_edited_memo(fund):
    entry = Entry.objects.get(fund=fund)
    db_guards.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE fund_line SET amount = amount + 1 WHERE entry_id = %s AND amount > 0",
            [entry.pk],
        )
        cursor.execute("UPDATE fund_entry SET memo = 'changed' WHERE id = %s", [entry.pk])
    db_guards.install(connection)
    problems = " ".join(fund_verify(funds=[fund])[0].problems)
    assert "do not sum to zero" in problems
    assert "does not match its hash" in problems


def test_a_fund_name_is_unique_in_its_place(fund, worker):
    with pytest.raises(InvalidInput):
        services.fund_create(actor=worker, place=fund.place, name="测试基金")
    with pytest.raises(IntegrityError), transaction.atomic():
        type(fund).objects.create(place=fund.place, name="测试基金", created_at=fund.created_at)


def test_gongzhi_fund_verify_passes_on_the_demo_and_fails_on_a_tampered_row(fund, capsys):
    from django.core.management import CommandError, call_command

    call_command("fund", "verify")
    out = capsys.readouterr().out
    assert "测试基金" in out and "All" in out and "BROKEN" not in out
    db_guards.remove(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE fund_entry SET counterparty = '李四' WHERE fund_id = %s", [fund.pk])
    db_guards.install(connection)
    with pytest.raises(CommandError, match="1 of"):
        call_command("fund", "verify")
    assert "BROKEN" in capsys.readouterr().out


def test_a_transfer_posts_one_entry_in_each_fund_and_refuses_to_overdraw(fund, worker):
    other = services.fund_create(actor=worker, place=fund.place, name="另一基金")
    services.transfer_post(actor=worker, source=fund, target=other, amount=40_000, memo="调剂")
    assert (balance_of(fund), balance_of(other)) == (60_000, 40_000)
    with pytest.raises(InvalidInput, match="may not go negative"):
        services.transfer_post(actor=worker, source=other, target=fund, amount=40_001, memo="x")
    assert all(report.ok for report in fund_verify(funds=[fund, other]))


def test_the_chain_links_each_entry_to_the_previous_one(fund, worker):
    services.contribution_post(actor=worker, fund=fund, amount=7, source="other", memo="利息")
    first, second = Entry.objects.filter(fund=fund).order_by("seq")
    assert second.prev_hash == first.hash and first.prev_hash == "0" * 64
    fund.refresh_from_db()
    assert (fund.chain_seq, fund.chain_hash) == (2, second.hash)
