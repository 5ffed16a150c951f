from django.urls import path

from clustermonitor.impact import views, views_accounts

app_name = "impact"

urlpatterns = [
    path("impact/", views.programme_impact, name="effects"),
    path("clusters/<str:code>/impact/", views.cluster_impact, name="cluster-effects"),
    # The annual accounts the estimate rests on.
    path("impact/accounts/", views_accounts.accounts_imports, name="accounts-imports"),
    path(
        "impact/accounts/<int:pk>/",
        views_accounts.accounts_import_detail,
        name="accounts-import-detail",
    ),
]
