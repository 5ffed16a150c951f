from django.urls import path

from clustermonitor.maturity import views_benchmark, views_criteria, views_exit

# Included in the "programmes" URL namespace (clustermonitor/urls.py): the names stay
# "programmes:exit-plan", "programmes:criteria-set-list", ...
urlpatterns = [
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
]

# Issue 21: live benchmarking.
urlpatterns += [
    path("benchmark/", views_benchmark.programme_benchmark, name="benchmark"),
    path(
        "benchmark/references/",
        views_benchmark.reference_upload,
        name="benchmark-references",
    ),
    path(
        "clusters/<str:code>/benchmark/",
        views_benchmark.cluster_benchmark,
        name="cluster-benchmark",
    ),
]
