"""The funds API's URLs, spliced into gongzhi.api.urls (the "api" namespace)."""

from django.urls import path

from gongzhi.fund import apis

urlpatterns = [
    path("funds/", apis.FundList.as_view(), name="fund-list"),
    path("funds/<int:pk>/", apis.FundDetail.as_view(), name="fund-detail"),
    path(
        "funds/<int:pk>/contributions/",
        apis.FundContributions.as_view(),
        name="fund-contributions",
    ),
    path("funds/<int:pk>/expenses/", apis.FundExpenses.as_view(), name="fund-expenses"),
    path("expenses/<int:pk>/", apis.ExpenseDetail.as_view(), name="expense-detail"),
    path("expenses/<int:pk>/receipts/", apis.ExpenseReceipts.as_view(), name="expense-receipts"),
    # One path per step of the state machine (submit, approve, reject, revise, pay, publish).
    *[
        path(
            f"expenses/<int:pk>/{step}/",
            apis.ExpenseStep.as_view(),
            {"step": step},
            name=f"expense-{step}",
        )
        for step in apis.STEPS
    ],
    path(
        "public/funds/<int:pk>/statement/",
        apis.PublicStatement.as_view(),
        name="public-fund-statement",
    ),
]
