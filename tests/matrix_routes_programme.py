"""The permission matrix (tests/matrix_routes.py): the agency's programme — set-up, the
portfolio and clusters, monitoring (dashboard, reports, warnings, published figures) and
the evaluation report."""

from django.urls import reverse

from clustermonitor.programmes.models import KPI, Call, ClusterType
from tests import matrix_objects as objects
from tests.conftest import CLUSTER_A
from tests.matrix_rows import (
    ACCOUNT_MANAGEMENT,
    CLUSTER_A_RECORDS,
    CLUSTER_A_SETUP,
    EVERYONE,
    LOGIN,
    MEMBERS_A,
    MEMBERS_A_CHANGE,
    POST_ONLY,
    PROGRAMME_READERS,
    PROGRAMME_SETUP,
    PUBLIC,
    REGISTRY,
    row,
)

ROUTES = {
    # A visitor gets the public portal's front page, whoever is logged in the workspace.
    # An applicant (issue 19) goes on to "My applications".
    "programmes:home": (lambda: reverse("programmes:home"), {**PUBLIC, "applicant": 302}),
    "monitoring:search": (lambda: reverse("monitoring:search") + "?q=EU", EVERYONE),
    "programmes:portfolio": (lambda: reverse("programmes:portfolio"), EVERYONE),
    "programmes:portfolio-xlsx": (lambda: reverse("programmes:portfolio-xlsx"), EVERYONE),
    "programmes:cluster-create": (lambda: reverse("programmes:cluster-create"), PROGRAMME_SETUP),
    "programmes:cluster-detail": (
        lambda: reverse("programmes:cluster-detail", args=[CLUSTER_A]),
        EVERYONE,
    ),
    "programmes:cluster-edit": (
        lambda: reverse("programmes:cluster-edit", args=[CLUSTER_A]),
        CLUSTER_A_SETUP,
    ),
    "programmes:target-list": (
        lambda: reverse("programmes:target-list", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
    "programmes:target-create": (
        lambda: reverse("programmes:target-create", args=[CLUSTER_A]),
        CLUSTER_A_SETUP,
    ),
    "programmes:target-edit": (
        lambda: reverse("programmes:target-edit", args=[objects.target().pk]),
        CLUSTER_A_SETUP,
    ),
    "programmes:target-delete": (
        lambda: reverse("programmes:target-delete", args=[objects.target().pk]),
        POST_ONLY,
    ),
    # The public front page's texts: the programme manager's (issue 17).
    "portal:programme-page-edit": (lambda: reverse("portal:programme-page-edit"), PROGRAMME_SETUP),
    "programmes:call-list": (lambda: reverse("programmes:call-list"), EVERYONE),
    "programmes:call-create": (lambda: reverse("programmes:call-create"), PROGRAMME_SETUP),
    "programmes:call-detail": (
        lambda: reverse("programmes:call-detail", args=[Call.objects.get(number=1).pk]),
        PROGRAMME_READERS,
    ),
    "programmes:call-edit": (
        lambda: reverse("programmes:call-edit", args=[Call.objects.get(number=1).pk]),
        PROGRAMME_SETUP,
    ),
    "programmes:application-create": (
        lambda: reverse("programmes:application-create", args=[Call.objects.get(number=1).pk]),
        PROGRAMME_SETUP,
    ),
    "programmes:application-edit": (
        lambda: reverse("programmes:application-edit", args=[objects.application().pk]),
        PROGRAMME_SETUP,
    ),
    "programmes:programme-list": (lambda: reverse("programmes:programme-list"), PROGRAMME_READERS),
    "programmes:programme-create": (
        lambda: reverse("programmes:programme-create"),
        PROGRAMME_SETUP,
    ),
    "programmes:programme-detail": (
        lambda: reverse("programmes:programme-detail", args=[objects.programme_slug()]),
        PROGRAMME_READERS,
    ),
    "programmes:programme-edit": (
        lambda: reverse("programmes:programme-edit", args=[objects.programme_slug()]),
        PROGRAMME_SETUP,
    ),
    "programmes:cluster-type-create": (
        lambda: reverse("programmes:cluster-type-create", args=[objects.programme_slug()]),
        PROGRAMME_SETUP,
    ),
    "programmes:cluster-type-edit": (
        lambda: reverse("programmes:cluster-type-edit", args=[ClusterType.objects.first().pk]),
        PROGRAMME_SETUP,
    ),
    "programmes:kpi-create": (
        lambda: reverse("programmes:kpi-create", args=[objects.programme_slug()]),
        PROGRAMME_SETUP,
    ),
    "programmes:kpi-edit": (
        lambda: reverse("programmes:kpi-edit", args=[KPI.objects.first().pk]),
        PROGRAMME_SETUP,
    ),
    "programmes:exit-plan": (
        lambda: reverse("programmes:exit-plan", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
    "programmes:exit-plan-edit": (
        lambda: reverse("programmes:exit-plan-edit", args=[CLUSTER_A]),
        MEMBERS_A_CHANGE,
    ),
    "programmes:exit-plan-file": (
        lambda: reverse("programmes:exit-plan-file", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "programmes:exit-plan-accept": (
        lambda: reverse("programmes:exit-plan-accept", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "programmes:exit-plan-return": (
        lambda: reverse("programmes:exit-plan-return", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "programmes:criteria-set-list": (
        lambda: reverse("programmes:criteria-set-list"),
        row(LOGIN, 200, 200, 200, 200, 200, 404),
    ),
    "programmes:criteria-set-create": (
        lambda: reverse("programmes:criteria-set-create"),
        row(LOGIN, 200, 403, 403, 403, 403, 404),
    ),
    "programmes:criteria-set-detail": (
        lambda: reverse("programmes:criteria-set-detail", args=[objects.criteria_set().pk]),
        row(LOGIN, 200, 200, 200, 200, 200, 404),
    ),
    "programmes:criteria-set-edit": (
        lambda: reverse("programmes:criteria-set-edit", args=[objects.criteria_set("draft").pk]),
        row(LOGIN, 200, 403, 403, 403, 403, 404),
    ),
    "programmes:criteria-set-publish": (
        lambda: reverse("programmes:criteria-set-publish", args=[objects.criteria_set("draft").pk]),
        POST_ONLY,
    ),
    "programmes:criteria-set-new-version": (
        lambda: reverse("programmes:criteria-set-new-version", args=[objects.criteria_set().pk]),
        POST_ONLY,
    ),
    "programmes:criteria-set-delete": (
        lambda: reverse("programmes:criteria-set-delete", args=[objects.criteria_set("draft").pk]),
        POST_ONLY,
    ),
    "programmes:criterion-create": (
        lambda: reverse("programmes:criterion-create", args=[objects.criteria_set("draft").pk]),
        row(LOGIN, 200, 403, 403, 403, 403, 404),
    ),
    "programmes:criterion-edit": (
        lambda: reverse(
            "programmes:criterion-edit", args=[objects.criteria_set("draft").criteria.get().pk]
        ),
        row(LOGIN, 200, 403, 403, 403, 403, 404),
    ),
    "programmes:criterion-delete": (
        lambda: reverse(
            "programmes:criterion-delete", args=[objects.criteria_set("draft").criteria.get().pk]
        ),
        POST_ONLY,
    ),
    "programmes:readiness": (
        lambda: reverse("programmes:readiness", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
    "programmes:assess": (lambda: reverse("programmes:assess", args=[CLUSTER_A]), POST_ONLY),
    "programmes:assessment-detail": (
        lambda: reverse("programmes:assessment-detail", args=[objects.assessment().pk]),
        CLUSTER_A_RECORDS,
    ),
    "programmes:answer-evidence": (
        lambda: reverse("programmes:answer-evidence", args=[objects.answer().pk]),
        POST_ONLY,
    ),
    "programmes:answer-check": (
        lambda: reverse("programmes:answer-check", args=[objects.answer().pk]),
        POST_ONLY,
    ),
    "programmes:account": (
        lambda: reverse("programmes:account", args=[CLUSTER_A]),
        row(LOGIN, 200, 200, 403, 403, 404, 404),
    ),
    "programmes:attention-point-create": (
        lambda: reverse("programmes:attention-point-create", args=[CLUSTER_A]),
        CLUSTER_A_SETUP,
    ),
    "programmes:attention-point-edit": (
        lambda: reverse("programmes:attention-point-edit", args=[objects.attention_point().pk]),
        CLUSTER_A_SETUP,
    ),
    "programmes:attention-point-close": (
        lambda: reverse("programmes:attention-point-close", args=[objects.attention_point().pk]),
        POST_ONLY,
    ),
    "programmes:attention-point-reopen": (
        lambda: reverse("programmes:attention-point-reopen", args=[objects.attention_point().pk]),
        POST_ONLY,
    ),
    "programmes:steering-meeting-create": (
        lambda: reverse("programmes:steering-meeting-create", args=[CLUSTER_A]),
        CLUSTER_A_SETUP,
    ),
    "programmes:steering-meeting-edit": (
        lambda: reverse("programmes:steering-meeting-edit", args=[objects.steering_meeting().pk]),
        CLUSTER_A_SETUP,
    ),
    "programmes:steering-meeting-delete": (
        lambda: reverse("programmes:steering-meeting-delete", args=[objects.steering_meeting().pk]),
        POST_ONLY,
    ),
    "programmes:learning-session-list": (
        lambda: reverse("programmes:learning-session-list"),
        ACCOUNT_MANAGEMENT,
    ),
    "programmes:learning-session-create": (
        lambda: reverse("programmes:learning-session-create"),
        ACCOUNT_MANAGEMENT,
    ),
    "programmes:learning-session-detail": (
        lambda: reverse("programmes:learning-session-detail", args=[objects.learning_session().pk]),
        ACCOUNT_MANAGEMENT,
    ),
    "programmes:learning-session-edit": (
        lambda: reverse("programmes:learning-session-edit", args=[objects.learning_session().pk]),
        ACCOUNT_MANAGEMENT,
    ),
    "programmes:learning-session-delete": (
        lambda: reverse("programmes:learning-session-delete", args=[objects.learning_session().pk]),
        POST_ONLY,
    ),
    "programmes:my-attention-points": (
        lambda: reverse("programmes:my-attention-points"),
        ACCOUNT_MANAGEMENT,
    ),
    "monitoring:report-list": (
        lambda: reverse("monitoring:report-list", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "monitoring:periods-create": (
        lambda: reverse("monitoring:periods-create", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "monitoring:period-create": (
        lambda: reverse("monitoring:period-create", args=[CLUSTER_A]),
        row(LOGIN, 200, 403, 403, 404, 404, 404),
    ),
    "monitoring:reports": (lambda: reverse("monitoring:reports"), REGISTRY),
    "monitoring:dashboard": (lambda: reverse("monitoring:dashboard"), PROGRAMME_READERS),
    "monitoring:published": (lambda: reverse("monitoring:published"), PROGRAMME_READERS),
    # The evaluation report: generated and read by programme readers.
    "reports:runs": (lambda: reverse("reports:runs"), PROGRAMME_READERS),
    "reports:run-detail": (
        lambda: reverse("reports:run-detail", args=[objects.report_run().pk]),
        PROGRAMME_READERS,
    ),
    "reports:run-file": (
        lambda: reverse("reports:run-file", args=[objects.report_run().pk, "xlsx"]),
        PROGRAMME_READERS,
    ),
    # Retry a failed run (POST; programme readers, tests/test_report_runs_recover.py).
    "reports:run-retry": (
        lambda: reverse("reports:run-retry", args=[objects.report_run().pk]),
        POST_ONLY,
    ),
    "monitoring:trajectories": (lambda: reverse("monitoring:trajectories"), PROGRAMME_READERS),
    "monitoring:trajectories-cluster": (
        lambda: reverse("monitoring:trajectories-cluster", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
    # The worklist is the agency's; a cluster's manager sees their own cluster's warnings.
    "monitoring:warnings": (
        lambda: reverse("monitoring:warnings"),
        row(LOGIN, 200, 200, 404, 404, 404, 404),
    ),
    "monitoring:warnings-cluster": (
        lambda: reverse("monitoring:warnings-cluster", args=[CLUSTER_A]),
        row(LOGIN, 200, 200, 404, 200, 404, 404),
    ),
    "monitoring:report-detail": (
        lambda: reverse("monitoring:report-detail", args=[objects.report().pk]),
        MEMBERS_A,
    ),
    "monitoring:version-detail": (
        lambda: reverse("monitoring:version-detail", args=[objects.report().pk, 1]),
        MEMBERS_A,
    ),
    "monitoring:report-submit": (
        lambda: reverse("monitoring:report-submit", args=[objects.report().pk]),
        POST_ONLY,
    ),
    "monitoring:report-return": (
        lambda: reverse("monitoring:report-return", args=[objects.report().pk]),
        POST_ONLY,
    ),
    "monitoring:report-approve": (
        lambda: reverse("monitoring:report-approve", args=[objects.report().pk]),
        POST_ONLY,
    ),
    "monitoring:report-reopen": (
        lambda: reverse("monitoring:report-reopen", args=[objects.report().pk]),
        POST_ONLY,
    ),
    "monitoring:attachment-add": (
        lambda: reverse("monitoring:attachment-add", args=[objects.report().pk]),
        POST_ONLY,
    ),
    "monitoring:attachment-download": (
        lambda: reverse(
            "monitoring:attachment-download", args=[objects.report().attachments.get().pk]
        ),
        MEMBERS_A,
    ),
    "monitoring:attachment-delete": (
        lambda: reverse(
            "monitoring:attachment-delete", args=[objects.report().attachments.get().pk]
        ),
        POST_ONLY,
    ),
    "monitoring:today": (lambda: reverse("monitoring:today", args=[CLUSTER_A]), MEMBERS_A),
    # Cluster managers go to their cluster; everyone else to the portfolio.
    "monitoring:my-cluster": (
        lambda: reverse("monitoring:my-cluster"),
        row(LOGIN, 302, 302, 302, 302, 302, 302),
    ),
    "monitoring:participation-cluster": (
        lambda: reverse("monitoring:participation-cluster", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "monitoring:participation": (lambda: reverse("monitoring:participation"), REGISTRY),
}
