"""Routes of the survey's waves part (included by surveys/urls.py, namespace "surveys")."""

from django.urls import path

from clustermonitor.surveys import views_waves as views

wave = "surveys/waves/<int:pk>/"

urlpatterns = [
    path("surveys/waves/", views.wave_list, name="wave-list"),
    path("surveys/waves/new/", views.wave_create, name="wave-create"),
    path(wave, views.wave_detail, name="wave-detail"),
    path(wave + "edit/", views.wave_edit, name="wave-edit"),
    path(wave + "generate/", views.wave_generate, name="wave-generate"),
    path(wave + "send/", views.wave_send, name="wave-send"),
    path(wave + "remind/", views.wave_remind, name="wave-remind"),
    path(wave + "mark-sent/", views.wave_mark_sent, name="wave-mark-sent"),
    path(wave + "close/", views.wave_close, name="wave-close"),
    path(wave + "mail-merge.xlsx", views.wave_mail_merge_xlsx, name="wave-mail-merge-xlsx"),
    path(wave + "mail-merge.csv", views.wave_mail_merge_csv, name="wave-mail-merge-csv"),
    path(wave + "tracking.xlsx", views.wave_tracking_xlsx, name="wave-tracking-xlsx"),
    path(wave + "import/", views.import_upload, name="response-import"),
    path(wave + "import/<str:key>/", views.import_detail, name="response-import-detail"),
    path(wave + "import/<str:key>/commit/", views.import_commit, name="response-import-commit"),
    path(
        wave + "import/<str:key>/rejected.xlsx",
        views.import_rejected,
        name="response-import-rejected",
    ),
    path("clusters/<str:code>/survey/", views.cluster_tracking, name="cluster-tracking"),
]
