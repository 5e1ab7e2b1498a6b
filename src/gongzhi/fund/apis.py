"""The funds API: thin over the services and selectors (parse, call, serialize).

Amounts are integers in fen. Reading a fund or an expense needs `fund.view` on its place (404
otherwise); the services answer 403 (not your step), 409 `invalid_transition` (not now) or 400
(the fields at fault, or "may not go negative"). Statements are public.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gongzhi.api.errors import ErrorSerializer
from gongzhi.api.schema import Documented, error_response
from gongzhi.api.views import query_params
from gongzhi.core import clock
from gongzhi.fund import selectors, services
from gongzhi.fund import serializers as s
from gongzhi.fund.forms import PeriodForm
from gongzhi.fund.models import Expense, Fund
from gongzhi.fund.views import STEPS

INVALID_TRANSITION = OpenApiResponse(
    ErrorSerializer,
    description="Not possible in the expense's current state (code `invalid_transition`).",
)


def _parse(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:  # type: ignore[type-arg]
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _fund_out(fund: Fund) -> dict[str, Any]:
    if not hasattr(fund, "balance"):
        fund.balance = selectors.fund_balances([fund])[fund.pk]  # type: ignore[attr-defined]
        fund.pending = fund.expenses.filter(state="submitted").count()  # type: ignore[attr-defined]
    return dict(s.FundSerializer(fund).data)


def _expense_out(request: Request, pk: int) -> dict[str, Any]:
    return dict(
        s.ExpenseDetailSerializer(selectors.expense_get(viewer=request.user, expense_id=pk)).data
    )


class FundList(Documented, APIView):
    pagination_class = None

    @extend_schema(summary="Funds of my places", responses={200: s.FundSerializer(many=True)})
    def get(self, request: Request) -> Response:
        funds = selectors.fund_list(viewer=request.user)
        return Response([_fund_out(fund) for fund in funds])


class FundDetail(Documented, APIView):
    @extend_schema(summary="One fund with its balance", responses={200: s.FundSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_fund_out(selectors.fund_get(viewer=request.user, fund_id=pk)))


class FundContributions(Documented, APIView):
    @extend_schema(
        summary="Post a contribution (treasurer)",
        description="Debits cash or bank, credits the source's income account; one hash-chained "
        "ledger entry.",
        request=s.ContributionInSerializer,
        responses={201: s.LedgerEntrySerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        fund = selectors.fund_get(viewer=request.user, fund_id=pk)
        entry = services.contribution_post(
            actor=request.user, fund=fund, **_parse(s.ContributionInSerializer, request)
        )
        return Response(s.LedgerEntrySerializer(entry).data, status=201)


class FundExpenses(Documented, APIView):
    pagination_class = None

    @extend_schema(
        summary="Expenses of a fund",
        parameters=[s.ExpenseFilterSerializer],
        responses={200: s.ExpenseSerializer(many=True)},
    )
    def get(self, request: Request, pk: int) -> Response:
        fund = selectors.fund_get(viewer=request.user, fund_id=pk)
        state = query_params(s.ExpenseFilterSerializer, request).get("state")
        expenses = selectors.expense_list(fund=fund, state=state)
        return Response(s.ExpenseSerializer(expenses, many=True).data)

    @extend_schema(
        summary="Create an expense (draft, or submitted with `submit`)",
        request=s.ExpenseInSerializer,
        responses={201: s.ExpenseDetailSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        fund = selectors.fund_get(viewer=request.user, fund_id=pk)
        data = _parse(s.ExpenseInSerializer, request)
        submit = data.pop("submit")
        items = [(item["description"], item["amount"]) for item in data.pop("items")]
        expense = services.expense_create(actor=request.user, fund=fund, items=items, **data)
        if submit:
            services.expense_submit(actor=request.user, expense=expense)
        return Response(_expense_out(request, expense.pk), status=201)


class ExpenseDetail(Documented, APIView):
    @extend_schema(summary="One expense", responses={200: s.ExpenseDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_expense_out(request, pk))


class ExpenseReceipts(Documented, APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Attach a receipt",
        request={"multipart/form-data": s.ReceiptInSerializer},
        responses={201: s.ExpenseDetailSerializer, 409: INVALID_TRANSITION},
    )
    def post(self, request: Request, pk: int) -> Response:
        expense = selectors.expense_get(viewer=request.user, expense_id=pk)
        upload = _parse(s.ReceiptInSerializer, request)["file"]
        services.expense_receipt_add(actor=request.user, expense=expense, upload=upload)
        return Response(_expense_out(request, pk), status=201)


class ExpenseStep(Documented, APIView):
    @extend_schema(
        summary="Take a step: submit, approve, reject, revise or pay",
        description="`approve` by someone other than the submitter; from the fund's "
        "`second_approval_from` two different approvers are needed. `reject` needs a "
        "`reason`. `pay` posts the ledger entry and is refused (400) when the fund may not go "
        "negative and the balance is too low. A paid expense becomes `reversed` when its payment's "
        "ledger entry is reversed (not a step here); it cannot be paid or published again.",
        request=s.ExpenseStepSerializer,
        responses={
            200: s.ExpenseDetailSerializer,
            409: INVALID_TRANSITION,
            404: error_response(404),
        },
    )
    def post(self, request: Request, pk: int, step: str) -> Response:
        expense: Expense = selectors.expense_get(viewer=request.user, expense_id=pk)
        if step not in STEPS:
            from gongzhi.core.errors import NotFound

            raise NotFound()
        STEPS[step](request.user, expense, _parse(s.ExpenseStepSerializer, request)["reason"])
        return Response(_expense_out(request, pk))


class PublicStatement(Documented, APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Public statement of a fund",
        description="Income, expenses and balance for a month (`month=YYYY-MM`) or a period "
        "(`start`, `end`), default this month. Residents' names are masked.",
        parameters=[
            OpenApiParameter("month", OpenApiTypes.STR, required=False),
            OpenApiParameter("start", OpenApiTypes.DATE, required=False),
            OpenApiParameter("end", OpenApiTypes.DATE, required=False),
        ],
        responses={200: s.StatementSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        fund = selectors.fund_get_public(fund_id=pk)
        start, end = PeriodForm(request.query_params or None).period(clock.today())
        statement = selectors.statement_build(fund=fund, start=start, end=end)
        data = s.StatementSerializer(statement).data
        return Response(data)
