from __future__ import annotations

import io

import pytest
from PIL import Image

from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.fund import services, workflow
from gongzhi.fund.choices import EntryKind, ExpenseState
from gongzhi.fund.ledger import balance_of, fund_verify
from gongzhi.fund.models import Entry
from gongzhi.fund.workflow import InvalidTransition

from .conftest import submitted

pytestmark = pytest.mark.django_db


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 40)).save(out, "PNG")
    out.seek(0)
    out.name = "发票.png"
    return out


def test_it_walks_draft_submitted_approved_paid_and_posts_the_entry(fund, building_head, worker):
    expense = submitted(fund, building_head, receipts=[png()])
    assert expense.state == ExpenseState.SUBMITTED and expense.submitted_at
    assert expense.receipts.get().content_type == "image/png"
    expense = services.expense_approve(actor=worker, expense=expense)
    assert expense.state == ExpenseState.APPROVED
    expense = services.expense_pay(actor=worker, expense=expense)
    assert expense.state == ExpenseState.PAID and expense.paid_at
    entry = Entry.objects.get(expense=expense)
    assert entry.kind == EntryKind.EXPENSE
    assert balance_of(fund) == 100_000 - 30_000
    assert fund_verify(funds=[fund])[0].ok


def test_the_submitter_may_not_approve_their_own_expense(fund, worker):
    expense = submitted(fund, worker)
    with pytest.raises(NotPermitted):
        services.expense_approve(actor=worker, expense=expense)
    with pytest.raises(NotPermitted):
        services.expense_reject(actor=worker, expense=expense, reason="自己驳回")


def test_a_large_expense_needs_two_distinct_approvers(fund, building_head, worker, official):
    expense = submitted(fund, building_head, amount=fund.second_approval_from)
    expense = services.expense_approve(actor=worker, expense=expense)
    assert expense.state == ExpenseState.SUBMITTED
    with pytest.raises(InvalidTransition):
        services.expense_approve(actor=worker, expense=expense)
    expense = services.expense_approve(actor=official, expense=expense)
    assert expense.state == ExpenseState.APPROVED
    assert expense.approvals.count() == 2


def test_a_rejection_needs_a_reason_and_can_be_revised(fund, building_head, worker):
    expense = submitted(fund, building_head)
    with pytest.raises(InvalidInput):
        services.expense_reject(actor=worker, expense=expense, reason="  ")
    expense = services.expense_reject(actor=worker, expense=expense, reason="报价偏高，请比价")
    assert expense.state == ExpenseState.REJECTED
    assert expense.rejection_reason == "报价偏高，请比价"
    expense = services.expense_revise(actor=building_head, expense=expense)
    assert expense.state == ExpenseState.DRAFT


def test_paying_more_than_the_balance_is_refused_when_the_fund_may_not_go_negative(
    fund, building_head, worker
):
    expense = submitted(fund, building_head, amount=150_000)
    expense = services.expense_approve(actor=worker, expense=expense)
    with pytest.raises(InvalidInput, match="may not go negative"):
        services.expense_pay(actor=worker, expense=expense)
    expense.refresh_from_db()
    assert expense.state == ExpenseState.APPROVED
    services.fund_update(actor=worker, fund=fund, may_go_negative=True)
    fund.refresh_from_db()
    services.expense_pay(actor=worker, expense=expense)
    assert balance_of(fund) == -50_000


def test_receipts_are_checked_by_content(fund, building_head):
    fake = io.BytesIO(b"MZ\x90\x00 not an image at all")
    fake.name = "receipt.jpg"
    with pytest.raises(InvalidInput) as caught:
        submitted(fund, building_head, receipts=[fake])
    assert "receipts" in caught.value.fields
    pdf = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    expense = submitted(fund, building_head, receipts=[pdf])
    assert expense.receipts.get().content_type == "application/pdf"


def test_outsiders_cannot_touch_the_fund(fund, outsider, other_resident):
    for actor in (outsider, other_resident):
        with pytest.raises(NotPermitted):
            services.expense_create(actor=actor, fund=fund, title="x", items=[("x", 100)])


# The state machine as data: every transition from every state, for every capacity.
@pytest.mark.parametrize("name", list(workflow.TRANSITIONS))
@pytest.mark.parametrize("state", list(ExpenseState.values))
def test_the_state_machine_allows_exactly_its_declared_sources(
    fund, building_head, worker, name, state
):
    expense = services.expense_create(
        actor=building_head, fund=fund, title="化粪池清掏", items=[("清掏", 80_000)]
    )
    type(expense).objects.filter(pk=expense.pk).update(state=state)
    expense.refresh_from_db()
    transition = workflow.TRANSITIONS[name]
    actor = building_head if "submitter" in transition.who else worker
    if state in transition.sources:
        assert workflow.check(expense, name, actor) is transition
    else:
        with pytest.raises(InvalidTransition):
            workflow.check(expense, name, actor)


def test_a_paid_expense_and_a_statement_are_published_as_notices(fund, building_head, worker):
    import datetime as dt

    from gongzhi.core import clock
    from gongzhi.publicity.models import Notice

    expense = services.expense_approve(actor=worker, expense=submitted(fund, building_head))
    with pytest.raises(InvalidTransition):
        services.expense_publish(actor=worker, expense=expense)
    expense = services.expense_pay(actor=worker, expense=expense)
    expense = services.expense_publish(actor=worker, expense=expense)
    assert expense.state == ExpenseState.PUBLISHED
    notice = Notice.objects.get(pk=expense.notice_id)
    assert "楼道灯更换" in notice.title and "300.00" in notice.body
    assert notice.place == fund.place
    today = clock.today()
    statement_notice = services.statement_publish(
        actor=worker, fund=fund, start=today - dt.timedelta(days=30), end=today
    )
    assert "1,000.00" in statement_notice.body and "楼道灯更换" in statement_notice.body
    with pytest.raises(NotPermitted):
        services.statement_publish(actor=building_head, fund=fund, start=today, end=today)


def test_receipts_may_be_added_while_waiting_and_after_payment_but_not_once_approved(
    fund, building_head, worker
):
    expense = submitted(fund, building_head)
    services.expense_receipt_add(actor=building_head, expense=expense, upload=png())
    expense = services.expense_approve(actor=worker, expense=expense)
    with pytest.raises(InvalidTransition):
        services.expense_receipt_add(actor=worker, expense=expense, upload=png())
    expense = services.expense_pay(actor=worker, expense=expense)
    services.expense_receipt_add(actor=worker, expense=expense, upload=png())
    assert expense.receipts.count() == 2


def test_every_change_is_audited(fund, building_head, worker):
    from gongzhi.core.models import AuditEntry

    expense = services.expense_approve(actor=worker, expense=submitted(fund, building_head))
    services.expense_pay(actor=worker, expense=expense)
    actions = set(
        AuditEntry.objects.filter(
            object_type="fund.expense", object_id=str(expense.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {
        "fund.expense_created",
        "fund.expense_submit",
        "fund.expense_approve",
        "fund.expense_pay",
    }


def test_a_receipt_is_served_only_to_those_who_see_the_ledger(
    client, fund, building_head, worker, outsider
):
    receipt = submitted(fund, building_head, receipts=[png()]).receipts.get()
    url = f"/funds/receipts/{receipt.pk}/"
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(worker)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert "private" in response["Cache-Control"]
    page = client.get(f"/funds/expenses/{receipt.expense_id}/").content.decode()
    assert url in page and "/media/" not in page
