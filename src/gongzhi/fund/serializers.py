from __future__ import annotations

from rest_framework import serializers

from gongzhi.fund.choices import ContributionSource, ExpenseCategory, ExpenseState


class FundSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    place = serializers.IntegerField(source="place_id")
    place_name = serializers.CharField(source="place.name")
    may_go_negative = serializers.BooleanField()
    second_approval_from = serializers.IntegerField(help_text="Fen.")
    balance = serializers.IntegerField(help_text="Fen: the sum of the cash and bank lines.")
    pending = serializers.IntegerField(help_text="Expenses waiting for approval.")


class ContributionInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    amount = serializers.IntegerField(min_value=1, help_text="Fen.")
    source = serializers.ChoiceField(choices=ContributionSource.choices)  # type: ignore[assignment]
    memo = serializers.CharField(max_length=200)
    counterparty = serializers.CharField(
        max_length=100, required=False, default="", allow_blank=True
    )
    into = serializers.ChoiceField(choices=[("cash", "cash"), ("bank", "bank")], default="cash")


class LedgerEntrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    seq = serializers.IntegerField()
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    memo = serializers.CharField()
    hash = serializers.CharField()


class ExpenseItemSerializer(serializers.Serializer):  # type: ignore[type-arg]
    description = serializers.CharField(max_length=120)
    amount = serializers.IntegerField(min_value=1, help_text="Fen.")


class ExpenseInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=120)
    category = serializers.ChoiceField(choices=ExpenseCategory.choices, default="other")
    payee = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    items = ExpenseItemSerializer(many=True)
    submit = serializers.BooleanField(default=False, help_text="Submit for approval at once.")


class ExpenseApprovalSerializer(serializers.Serializer):  # type: ignore[type-arg]
    approver = serializers.CharField(source="approver.name")
    at = serializers.DateTimeField()
    note = serializers.CharField()


class ExpenseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    fund = serializers.IntegerField(source="fund_id")
    title = serializers.CharField()
    category = serializers.CharField()
    payee = serializers.CharField()
    state = serializers.ChoiceField(
        choices=ExpenseState.choices,
        help_text="`reversed`: the payment's ledger entry was reversed, the money is back.",
    )
    total = serializers.IntegerField(help_text="Fen.")
    approval_count = serializers.IntegerField()
    receipt_count = serializers.IntegerField()
    submitted_by = serializers.CharField(source="created_by.name")
    rejection_reason = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    reversed_at = serializers.DateTimeField(allow_null=True)


class ExpenseFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    state = serializers.ChoiceField(choices=ExpenseState.choices, required=False)


class ExpenseDetailSerializer(ExpenseSerializer):
    items = ExpenseItemSerializer(many=True, source="items.all")
    approvals = ExpenseApprovalSerializer(many=True, source="approvals.all")


class ExpenseStepSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(required=False, default="", allow_blank=True)


class ReceiptInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text="A JPEG, PNG, WebP or PDF; checked by content.")


class StatementExpenseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    category = serializers.CharField(source="category_label")
    payee = serializers.CharField()
    state = serializers.ChoiceField(choices=ExpenseState.choices)
    total = serializers.IntegerField()
    paid_at = serializers.DateTimeField(allow_null=True)
    approvers = serializers.ListField(child=serializers.CharField(), help_text="Masked (张*).")
    receipt_count = serializers.IntegerField()


class StatementContributionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    at = serializers.DateTimeField()
    source = serializers.CharField()  # type: ignore[assignment]
    contributor = serializers.CharField(help_text="Residents masked (张*); organisations named.")
    amount = serializers.IntegerField()


class StatementSerializer(serializers.Serializer):  # type: ignore[type-arg]
    fund = serializers.CharField(source="fund.name")
    place = serializers.CharField(source="fund.place.name")
    start = serializers.DateField()
    end = serializers.DateField()
    opening = serializers.IntegerField()
    closing = serializers.IntegerField()
    income = serializers.IntegerField()
    spent = serializers.IntegerField()
    income_by_source = serializers.DictField(child=serializers.IntegerField())
    expense_by_category = serializers.DictField(child=serializers.IntegerField())
    transfers_in = serializers.IntegerField()
    transfers_out = serializers.IntegerField()
    expenses = StatementExpenseSerializer(many=True)
    contributions = StatementContributionSerializer(many=True)
