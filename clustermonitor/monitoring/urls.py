from django.urls import path

from clustermonitor.monitoring import (
    views_participation,
    views_reports,
    views_search,
    views_today,
    views_warnings,
)
from clustermonitor.monitoring.urls_dashboard import urlpatterns as dashboard_urls

app_name = "monitoring"

urlpatterns = [
    path("clusters/<str:code>/reports/", views_reports.report_list, name="report-list"),
    path(
        "clusters/<str:code>/reports/periods/",
        views_reports.periods_create,
        name="periods-create",
    ),
    path(
        "clusters/<str:code>/reports/periods/new/",
        views_reports.period_create,
        name="period-create",
    ),
    path("reports/", views_reports.reports_overview, name="reports"),
    path("reports/<int:pk>/", views_reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/submit/", views_reports.report_submit, name="report-submit"),
    path("reports/<int:pk>/return/", views_reports.report_return, name="report-return"),
    path("reports/<int:pk>/approve/", views_reports.report_approve, name="report-approve"),
    path("reports/<int:pk>/reopen/", views_reports.report_reopen, name="report-reopen"),
    path(
        "reports/<int:pk>/versions/<int:number>/",
        views_reports.version_detail,
        name="version-detail",
    ),
    path("reports/<int:pk>/attachments/", views_reports.attachment_add, name="attachment-add"),
    path("attachments/<int:pk>/", views_reports.attachment_download, name="attachment-download"),
    path(
        "attachments/<int:pk>/delete/",
        views_reports.attachment_delete,
        name="attachment-delete",
    ),
    path("warnings/", views_warnings.worklist, name="warnings"),
    path("clusters/<str:code>/warnings/", views_warnings.cluster_worklist, name="warnings-cluster"),
    *dashboard_urls,
    # A cluster's day (its manager's start page) and the share of active members.
    path("my-cluster/", views_today.my_cluster, name="my-cluster"),
    path("search/", views_search.search_page, name="search"),
    path("clusters/<str:code>/today/", views_today.dashboard, name="today"),
    path(
        "clusters/<str:code>/participation/",
        views_participation.participation_page,
        name="participation-cluster",
    ),
    path("participation/", views_participation.participation_page, name="participation"),
]
