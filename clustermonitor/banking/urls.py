from django.urls import path

from clustermonitor.banking import views

app_name = "banking"

urlpatterns = [
    path("clusters/<str:code>/bank/", views.statements, name="statements"),
    path("clusters/<str:code>/bank/accounts/add/", views.account_add, name="account-add"),
    path("clusters/<str:code>/bank/import/", views.statement_import, name="statement-import"),
    path("bank/statements/<int:pk>/", views.statement_detail, name="statement-detail"),
    path("bank/lines/<int:pk>/", views.line_detail, name="line-detail"),
    path("bank/lines/<int:pk>/assign/", views.line_assign, name="line-assign"),
    path("bank/lines/<int:pk>/ignore/", views.line_ignore, name="line-ignore"),
]
