from django.urls import path

from clustermonitor.core.imports import views as import_views
from clustermonitor.members import (
    views,
    views_contributions,
    views_figures,
    views_reach,
)

app_name = "members"

urlpatterns = [
    path("clusters/<str:code>/cofinancing/", views_figures.cofinancing_cluster, name="cofinancing"),
    path("cofinancing/", views_figures.cofinancing_programme, name="table8"),
    path("clusters/<str:code>/kpis/", views_figures.kpi_page, name="kpis-cluster"),
    path("kpis/", views_figures.kpi_page, name="kpis"),
    path("clusters/<str:code>/members/", views.member_list, name="member-list"),
    path("clusters/<str:code>/members.xlsx", views.member_list_xlsx, name="member-list-xlsx"),
    path("clusters/<str:code>/members/new/", views.member_add, name="member-add"),
    path("clusters/<str:code>/members/lookup/", views.member_lookup, name="member-lookup"),
    path("clusters/<str:code>/members/import/", views.import_upload, name="import-upload"),
    path(
        "clusters/<str:code>/contributions/",
        views_contributions.contribution_list,
        name="contribution-list",
    ),
    path(
        "clusters/<str:code>/contributions/generate/",
        views_contributions.contributions_generate,
        name="contributions-generate",
    ),
    path(
        "clusters/<str:code>/contributions/pay/",
        views_contributions.contributions_pay_bulk,
        name="contributions-pay-bulk",
    ),
    path(
        "clusters/<str:code>/contributions/import/",
        views.contribution_import_upload,
        name="contribution-import",
    ),
    path(
        "clusters/<str:code>/fees/<int:year>/",
        views_contributions.fee_schedule,
        name="fee-schedule",
    ),
    path(
        "memberships/<int:pk>/contributions/new/",
        views_contributions.contribution_create,
        name="contribution-create",
    ),
    path(
        "contributions/<int:pk>/edit/",
        views_contributions.contribution_edit,
        name="contribution-edit",
    ),
    path(
        "contributions/<int:pk>/pay/", views_contributions.contribution_pay, name="contribution-pay"
    ),
    path("memberships/<int:pk>/", views.membership_detail, name="membership-detail"),
    path("memberships/<int:pk>/edit/", views.membership_edit, name="membership-edit"),
    path("memberships/<int:pk>/contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/delete/", views.contact_delete, name="contact-delete"),
    # The wizard's pages (core.imports, "imports:…") by their first names, same paths.
    path("imports/<int:pk>/", import_views.import_detail, name="import-detail"),
    path("imports/<int:pk>/commit/", import_views.import_commit, name="import-commit"),
    path("imports/<int:pk>/rejected.xlsx", import_views.import_rejected, name="import-rejected"),
    path("imports/<int:pk>/end-missing/", views.import_end_missing, name="import-end-missing"),
    # The reach of the members (their organisations against the registry).
    path("reach/", views_reach.reach_programme, name="reach"),
    # The public finder (no login; moves into the portal later).
    path("clusters/<str:code>/reach/", views_reach.reach_cluster, name="reach-cluster"),
    path("clusters/<str:code>/data-quality/", views.quality_cluster, name="quality-cluster"),
]
