from django.urls import path

from clustermonitor.maturity import (
    views_benchmark,
    views_criteria,
    views_exit,
    views_ladder,
    views_staff,
)

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
    # Issue 21: the cluster management team.
    path("clusters/<str:code>/team/", views_staff.team, name="team"),
    path("clusters/<str:code>/team/new/", views_staff.staff_create, name="staff-create"),
    path("team/<int:pk>/edit/", views_staff.staff_edit, name="staff-edit"),
    path("team/<int:pk>/remove/", views_staff.staff_remove, name="staff-remove"),
    path("team/<int:pk>/roles/new/", views_staff.assignment_create, name="assignment-create"),
    path("team/roles/<int:pk>/edit/", views_staff.assignment_edit, name="assignment-edit"),
    path("team/roles/<int:pk>/end/", views_staff.assignment_end, name="assignment-end"),
    path("team/<int:pk>/trainings/new/", views_staff.training_create, name="training-create"),
    # Issue 21: exit and aftercare.
    path("aftercare/", views_staff.aftercare_list, name="aftercare-list"),
    path("clusters/<str:code>/aftercare/", views_staff.aftercare, name="aftercare"),
    path(
        "clusters/<str:code>/aftercare/edit/",
        views_staff.aftercare_edit,
        name="aftercare-edit",
    ),
    path(
        "clusters/<str:code>/aftercare/follow-up/",
        views_staff.follow_up_edit,
        name="follow-up-edit",
    ),
    path(
        "clusters/<str:code>/aftercare/count/",
        views_staff.follow_up_count,
        name="follow-up-count",
    ),
    # Issue 21: the ladder and labels.
    path("ladder/", views_ladder.ladder_programme, name="ladder"),
    path("ladder/levels/new/", views_ladder.level_create, name="level-create"),
    path("ladder/levels/<int:pk>/edit/", views_ladder.level_edit, name="level-edit"),
    path("ladder/labels/", views_ladder.label_register, name="labels"),
    path("ladder/labels/new/", views_ladder.label_create, name="label-create"),
    path("ladder/labels/<int:pk>/edit/", views_ladder.label_edit, name="label-edit"),
    path("clusters/<str:code>/ladder/", views_ladder.ladder_cluster, name="ladder-cluster"),
    path(
        "clusters/<str:code>/ladder/decision/",
        views_ladder.level_decision,
        name="level-decision",
    ),
    path(
        "clusters/<str:code>/ladder/labels/add/",
        views_ladder.label_award_add,
        name="label-award-add",
    ),
    path(
        "clusters/<str:code>/ladder/readiness/",
        views_ladder.ladder_readiness,
        name="ladder-readiness",
    ),
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
