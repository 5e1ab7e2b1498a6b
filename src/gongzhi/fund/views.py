"""Fund pages: staff (funds of my places, contributions, expenses and their steps, statements
and exports) and public (a statement per fund, contributors masked). Thin: parse, call a service
or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core import clock, permissions
from gongzhi.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from gongzhi.fund import exports, selectors, services, workflow
from gongzhi.fund.forms import ContributionForm, ExpenseForm, PeriodForm, StepForm, fen
from gongzhi.fund.models import Entry, Expense, Fund


def _forbidden(request: HttpRequest, message: str | None = None) -> HttpResponse:
    return render(
        request,
        "cases/forbidden.html",
        {"message": message or str(NotPermitted.default_message)},
        status=403,
    )


def _fund(request: HttpRequest, fund_id: int) -> Fund:
    try:
        return selectors.fund_get(viewer=request.user, fund_id=fund_id)
    except NotFound:
        raise Http404 from None


def _add_errors(form: Any, error: InvalidInput) -> None:
    for name, problems in error.fields.items():
        form.add_error(name if name in form.fields else None, problems)
    if not error.fields:
        form.add_error(None, error.message)


@require_GET
def fund_list(request: HttpRequest) -> HttpResponse:
    """Staff see the funds of their places with balances; everyone sees the public list."""
    staff = permissions.has_perm_anywhere(request.user, "fund.view")
    funds = selectors.fund_list(viewer=request.user) if staff else []
    return render(
        request,
        "fund/list.html",
        {"funds": funds, "staff": staff, "public_funds": selectors.fund_public_list()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def fund_detail(request: HttpRequest, fund_id: int) -> HttpResponse:
    fund = _fund(request, fund_id)
    treasurer = permissions.has_perm(request.user, "fund.treasurer", fund.place)
    form = ContributionForm(request.POST or None)
    if request.method == "POST":
        if not treasurer:
            return _forbidden(request)
        if form.is_valid():
            data = form.cleaned_data
            try:
                entry = services.contribution_post(
                    actor=request.user,
                    fund=fund,
                    amount=fen(data["amount"]),
                    source=data["source"],
                    memo=data["memo"],
                    counterparty=data["counterparty"],
                    into=data["into"],
                )
            except InvalidInput as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Posted as entry #%(seq)d.") % {"seq": entry.seq})
                return redirect("fund:detail", fund_id=fund.pk)
    return render(
        request,
        "fund/detail.html",
        {
            "fund": fund,
            "balance": selectors.fund_balances([fund])[fund.pk],
            "form": form if treasurer else None,
            "treasurer": treasurer,
            "may_submit": permissions.has_perm(request.user, "fund.expense_submit", fund.place),
            "expenses": selectors.expense_list(fund=fund),
            "entries": selectors.entry_list(fund=fund, limit=50),
        },
    )


@login_required
@require_POST
def entry_reverse(request: HttpRequest, fund_id: int, entry_id: int) -> HttpResponse:
    fund = _fund(request, fund_id)
    entry = Entry.objects.filter(fund=fund, pk=entry_id).first()
    if entry is None:
        raise Http404
    try:
        reversal = services.entry_reverse(
            actor=request.user, entry=entry, reason=request.POST.get("reason", "")
        )
    except NotPermitted:
        return _forbidden(request)
    except DomainError as exc:
        messages.error(request, exc.fields.get("reason", [exc.message])[0])
    else:
        messages.success(request, _("Reversed by entry #%(seq)d.") % {"seq": reversal.seq})
    return redirect("fund:detail", fund_id=fund.pk)


@login_required
@require_http_methods(["GET", "POST"])
def expense_new(request: HttpRequest, fund_id: int) -> HttpResponse:
    fund = _fund(request, fund_id)
    if not permissions.has_perm(request.user, "fund.expense_submit", fund.place):
        return _forbidden(request)
    form = ExpenseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            expense = services.expense_create(
                actor=request.user,
                fund=fund,
                title=data["title"],
                category=data["category"],
                payee=data["payee"],
                description=data["description"],
                items=form.items(),
                receipts=request.FILES.getlist("receipts"),
            )
            if request.POST.get("submit_now"):
                expense = services.expense_submit(actor=request.user, expense=expense)
        except InvalidInput as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("Expense saved: %(state)s.") % {"state": expense.get_state_display()}
            )
            return redirect("fund:expense", expense_id=expense.pk)
    return render(request, "fund/expense_new.html", {"fund": fund, "form": form})


def _expense(request: HttpRequest, expense_id: int) -> Expense:
    try:
        return selectors.expense_get(viewer=request.user, expense_id=expense_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def receipt_file(request: HttpRequest, receipt_id: int) -> FileResponse:
    """A receipt's file, to those who may see the fund's ledger (uploads are not public)."""
    try:
        receipt = selectors.receipt_get(viewer=request.user, receipt_id=receipt_id)
    except NotFound:
        raise Http404 from None
    response = FileResponse(receipt.file.open("rb"), content_type=receipt.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def expense_detail(request: HttpRequest, expense_id: int) -> HttpResponse:
    expense = _expense(request, expense_id)
    return render(
        request,
        "fund/expense.html",
        {
            "expense": expense,
            "fund": expense.fund,
            "steps": workflow.allowed(expense, request.user),
            "form": StepForm(),
        },
    )


STEPS = {
    "submit": lambda actor, expense, reason: services.expense_submit(actor=actor, expense=expense),
    "approve": lambda actor, expense, reason: services.expense_approve(
        actor=actor, expense=expense, note=reason
    ),
    "reject": lambda actor, expense, reason: services.expense_reject(
        actor=actor, expense=expense, reason=reason
    ),
    "revise": lambda actor, expense, reason: services.expense_revise(actor=actor, expense=expense),
    "pay": lambda actor, expense, reason: services.expense_pay(actor=actor, expense=expense),
    "publish": lambda actor, expense, reason: services.expense_publish(
        actor=actor, expense=expense
    ),
}


@login_required
@require_POST
def expense_step(request: HttpRequest, expense_id: int, name: str) -> HttpResponse:
    expense = _expense(request, expense_id)
    if name not in STEPS:
        raise Http404
    try:
        done = STEPS[name](request.user, expense, request.POST.get("reason", ""))
    except NotPermitted:
        return _forbidden(request)
    except DomainError as exc:
        messages.error(request, " ".join([exc.message, *sum(exc.fields.values(), [])]))
    else:
        messages.success(request, _("Done: %(state)s.") % {"state": done.get_state_display()})
    return redirect("fund:expense", expense_id=expense.pk)


# ------------------------------------------------------------------------------ statements


@login_required
@require_POST
def statement_publish(request: HttpRequest, fund_id: int) -> HttpResponse:
    fund = _fund(request, fund_id)
    period = PeriodForm(request.POST or None)
    start, end = period.period(clock.today())
    try:
        notice = services.statement_publish(actor=request.user, fund=fund, start=start, end=end)
    except NotPermitted:
        return _forbidden(request)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Published as notice #%(id)d.") % {"id": notice.pk})
    return redirect("fund:detail", fund_id=fund.pk)


@require_GET
def statement(request: HttpRequest, fund_id: int) -> HttpResponse:
    """The public statement of a fund for a month or a period; ?format=xlsx or pdf to export."""
    try:
        fund = selectors.fund_get_public(fund_id=fund_id)
    except NotFound:
        raise Http404 from None
    period = PeriodForm(request.GET or None)
    start, end = period.period(clock.today())
    named = permissions.has_perm(request.user, "fund.view", fund.place) and (
        request.GET.get("named") == "1"
    )
    built = selectors.statement_build(fund=fund, start=start, end=end, named=named)
    export = request.GET.get("format")
    filename = f"fund-{fund.pk}-{start.isoformat()}-{end.isoformat()}"
    if export == "xlsx":
        response = HttpResponse(
            exports.statement_xlsx(built),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    if export == "pdf":
        response = HttpResponse(exports.statement_pdf(built), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
        return response
    return render(
        request,
        "fund/statement.html",
        {"statement": built, "fund": fund, "period": period, "named": named},
    )
