from django.urls import path

from clustermonitor.impact import views_accounts

app_name = "impact"

urlpatterns = [
    # The annual accounts (data); the estimate's pages join under their own paths.
    path("accounts/", views_accounts.accounts_imports, name="accounts-imports"),
    path(
        "accounts/<int:pk>/", views_accounts.accounts_import_detail, name="accounts-import-detail"
    ),
]
