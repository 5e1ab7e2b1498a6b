from django.urls import path

from gongzhi.fund import views

app_name = "fund"

urlpatterns = [
    path("", views.fund_list, name="list"),
    path("<int:fund_id>/", views.fund_detail, name="detail"),
    path("<int:fund_id>/statement/", views.statement, name="statement"),
    path("<int:fund_id>/statement/publish/", views.statement_publish, name="statement_publish"),
    path("<int:fund_id>/expenses/new/", views.expense_new, name="expense_new"),
    path(
        "<int:fund_id>/entries/<int:entry_id>/reverse/",
        views.entry_reverse,
        name="entry_reverse",
    ),
    path("expenses/<int:expense_id>/", views.expense_detail, name="expense"),
    path("receipts/<int:receipt_id>/", views.receipt_file, name="receipt"),
    path("expenses/<int:expense_id>/<slug:name>/", views.expense_step, name="expense_step"),
]
