from django.urls import path

from clustermonitor.programmes import views, views_account, views_criteria, views_exit

app_name = "programmes"

urlpatterns = [
    path("", views.home, name="home"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("portfolio.xlsx", views.portfolio_xlsx, name="portfolio-xlsx"),
    path("clusters/new/", views.cluster_create, name="cluster-create"),
    path("clusters/<str:code>/", views.cluster_detail, name="cluster-detail"),
    path("clusters/<str:code>/edit/", views.cluster_edit, name="cluster-edit"),
    path("clusters/<str:code>/targets/", views.target_list, name="target-list"),
    path("clusters/<str:code>/targets/new/", views.target_create, name="target-create"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target-edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target-delete"),
    path("calls/", views.call_list, name="call-list"),
    path("calls/new/", views.call_create, name="call-create"),
    path("calls/<int:pk>/", views.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", views.call_edit, name="call-edit"),
    path("calls/<int:pk>/applications/new/", views.application_create, name="application-create"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("programmes/", views.programme_list, name="programme-list"),
    path("programmes/new/", views.programme_create, name="programme-create"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("programmes/<slug:slug>/edit/", views.programme_edit, name="programme-edit"),
    path(
        "programmes/<slug:slug>/types/new/", views.cluster_type_create, name="cluster-type-create"
    ),
    path("cluster-types/<int:pk>/edit/", views.cluster_type_edit, name="cluster-type-edit"),
    path("programmes/<slug:slug>/kpis/new/", views.kpi_create, name="kpi-create"),
    path("kpis/<int:pk>/edit/", views.kpi_edit, name="kpi-edit"),
    # Issue 6: exit plans.
    path("clusters/<str:code>/exit-plan/", views_exit.exit_plan, name="exit-plan"),
    path("clusters/<str:code>/exit-plan/edit/", views_exit.exit_plan_edit, name="exit-plan-edit"),
    path("clusters/<str:code>/exit-plan/file/", views_exit.exit_plan_file, name="exit-plan-file"),
    path(
        "clusters/<str:code>/exit-plan/accept/",
        views_exit.exit_plan_accept,
        name="exit-plan-accept",
    ),
    path(
        "clusters/<str:code>/exit-plan/return/",
        views_exit.exit_plan_return,
        name="exit-plan-return",
    ),
    # Issue 6: criteria sets and readiness.
    path("criteria/", views_criteria.criteria_set_list, name="criteria-set-list"),
    path("criteria/new/", views_criteria.criteria_set_create, name="criteria-set-create"),
    path("criteria/<int:pk>/", views_criteria.criteria_set_detail, name="criteria-set-detail"),
    path("criteria/<int:pk>/edit/", views_criteria.criteria_set_edit, name="criteria-set-edit"),
    path(
        "criteria/<int:pk>/publish/",
        views_criteria.criteria_set_publish,
        name="criteria-set-publish",
    ),
    path(
        "criteria/<int:pk>/new-version/",
        views_criteria.criteria_set_new_version,
        name="criteria-set-new-version",
    ),
    path(
        "criteria/<int:pk>/delete/", views_criteria.criteria_set_delete, name="criteria-set-delete"
    ),
    path(
        "criteria/<int:pk>/criteria/new/",
        views_criteria.criterion_create,
        name="criterion-create",
    ),
    path("criteria-items/<int:pk>/edit/", views_criteria.criterion_edit, name="criterion-edit"),
    path(
        "criteria-items/<int:pk>/delete/", views_criteria.criterion_delete, name="criterion-delete"
    ),
    path("clusters/<str:code>/readiness/", views_criteria.readiness, name="readiness"),
    path("clusters/<str:code>/readiness/assess/", views_criteria.assess, name="assess"),
    path("assessments/<int:pk>/", views_criteria.assessment_detail, name="assessment-detail"),
    path("answers/<int:pk>/evidence/", views_criteria.answer_evidence, name="answer-evidence"),
    path("answers/<int:pk>/check/", views_criteria.answer_check, name="answer-check"),
    # Issue 6: account management.
    path("clusters/<str:code>/account/", views_account.account, name="account"),
    path(
        "clusters/<str:code>/account/attention-points/new/",
        views_account.attention_point_create,
        name="attention-point-create",
    ),
    path(
        "attention-points/<int:pk>/edit/",
        views_account.attention_point_edit,
        name="attention-point-edit",
    ),
    path(
        "attention-points/<int:pk>/close/",
        views_account.attention_point_close,
        name="attention-point-close",
    ),
    path(
        "attention-points/<int:pk>/reopen/",
        views_account.attention_point_reopen,
        name="attention-point-reopen",
    ),
    path(
        "clusters/<str:code>/account/steering-meetings/new/",
        views_account.steering_meeting_create,
        name="steering-meeting-create",
    ),
    path(
        "steering-meetings/<int:pk>/edit/",
        views_account.steering_meeting_edit,
        name="steering-meeting-edit",
    ),
    path(
        "steering-meetings/<int:pk>/delete/",
        views_account.steering_meeting_delete,
        name="steering-meeting-delete",
    ),
    path("learning-sessions/", views_account.learning_session_list, name="learning-session-list"),
    path(
        "learning-sessions/new/",
        views_account.learning_session_create,
        name="learning-session-create",
    ),
    path(
        "learning-sessions/<int:pk>/",
        views_account.learning_session_detail,
        name="learning-session-detail",
    ),
    path(
        "learning-sessions/<int:pk>/edit/",
        views_account.learning_session_edit,
        name="learning-session-edit",
    ),
    path(
        "learning-sessions/<int:pk>/delete/",
        views_account.learning_session_delete,
        name="learning-session-delete",
    ),
    path("my-attention-points/", views_account.my_attention_points, name="my-attention-points"),
]
