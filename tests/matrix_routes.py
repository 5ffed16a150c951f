"""The permission matrix's data: every URL and API route, how to build its URL, and the
status each persona gets (tests/test_permission_matrix.py checks it)."""

from django.urls import reverse

from clustermonitor.programmes.models import KPI, Call, ClusterType
from tests import matrix_objects as objects
from tests.conftest import ALL_PERSONAS, CLUSTER_A

LOGIN = "login"  # anonymous: redirect to the login page
PERSONA_ORDER = ALL_PERSONAS  # anonymous, pm, am, evaluator, cm A, cm B, member contact


def row(*codes):
    assert len(codes) == len(PERSONA_ORDER)
    return dict(zip(PERSONA_ORDER, codes, strict=True))


EVERYONE = row(LOGIN, 200, 200, 200, 200, 200, 200)
PROGRAMME_READERS = row(LOGIN, 200, 200, 200, 404, 404, 404)
PROGRAMME_SETUP = row(LOGIN, 200, 403, 403, 404, 404, 404)
# Records of cluster A: its own manager reads them, the other cluster's manager gets 404.
CLUSTER_A_RECORDS = row(LOGIN, 200, 200, 200, 200, 404, 404)
CLUSTER_A_SETUP = row(LOGIN, 200, 403, 403, 403, 404, 404)
AUDIT = row(LOGIN, 200, 404, 404, 404, 404, 404)
POST_ONLY = row(LOGIN, 405, 405, 405, 405, 405, 405)
API = row(401, 200, 200, 200, 200, 200, 200)
# Member records of cluster A: read by the agency, evaluators and A's manager; changed by
# the programme manager and A's manager.
MEMBERS_A = row(LOGIN, 200, 200, 200, 200, 404, 404)
MEMBERS_A_CHANGE = row(LOGIN, 200, 403, 403, 200, 404, 404)
REGISTRY = row(LOGIN, 200, 200, 200, 404, 404, 404)
PUBLIC = row(200, 200, 200, 200, 200, 200, 200)
# Cluster A's public profile in the workspace: read by whoever reads A's records, edited
# by A's manager only (the programme manager publishes it).
PROFILE_A_CHANGE = row(LOGIN, 403, 403, 403, 200, 404, 404)


MATRIX = {
    # A visitor gets the public portal's front page, whoever is logged in the workspace.
    "programmes:home": (lambda: reverse("programmes:home"), PUBLIC),
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
    "accounts:login": (lambda: reverse("accounts:login"), row(200, 302, 302, 302, 302, 302, 302)),
    "accounts:logout": (lambda: reverse("accounts:logout"), row(405, 405, 405, 405, 405, 405, 405)),
    "accounts:password-change": (lambda: reverse("accounts:password-change"), EVERYONE),
    "accounts:profile": (lambda: reverse("accounts:profile"), EVERYONE),
    "accounts:token-delete": (lambda: reverse("accounts:token-delete", args=[1]), POST_ONLY),
    "accounts:password-reset": (lambda: reverse("accounts:password-reset"), PUBLIC),
    "core:healthz": (lambda: reverse("core:healthz"), PUBLIC),
    "accounts:password-reset-done": (lambda: reverse("accounts:password-reset-done"), PUBLIC),
    # A made-up link: the page says it is no longer valid, to anyone.
    "accounts:password-reset-confirm": (
        lambda: reverse("accounts:password-reset-confirm", args=["MQ", "set-password"]),
        PUBLIC,
    ),
    "accounts:user-list": (lambda: reverse("accounts:user-list"), PROGRAMME_SETUP),
    "accounts:user-create": (lambda: reverse("accounts:user-create"), PROGRAMME_SETUP),
    "accounts:user-detail": (
        lambda: reverse("accounts:user-detail", args=[_user_pk("evaluator")]),
        PROGRAMME_SETUP,
    ),
    "accounts:user-set-active": (
        lambda: reverse("accounts:user-set-active", args=[_user_pk("evaluator")]),
        POST_ONLY,
    ),
    "accounts:user-invite": (
        lambda: reverse("accounts:user-invite", args=[_user_pk("evaluator")]),
        POST_ONLY,
    ),
    "accounts:role-remove": (lambda: reverse("accounts:role-remove", args=[1]), POST_ONLY),
    # Two-factor sign-in (docs/access.md). A verified session has nothing to verify (back to
    # where it came from); the agency personas have an app already (to their account page),
    # the others may set one up.
    "accounts:otp-verify": (
        lambda: reverse("accounts:otp-verify"),
        row(LOGIN, 302, 302, 302, 302, 302, 302),
    ),
    "accounts:otp-setup": (
        lambda: reverse("accounts:otp-setup"),
        row(LOGIN, 302, 302, 302, 200, 200, 200),
    ),
    "accounts:otp-codes": (lambda: reverse("accounts:otp-codes"), POST_ONLY),
    "accounts:otp-disable": (lambda: reverse("accounts:otp-disable"), POST_ONLY),
    "accounts:user-otp-reset": (
        lambda: reverse("accounts:user-otp-reset", args=[_user_pk("evaluator")]),
        POST_ONLY,
    ),
    # Login lockouts: the programme manager sees and lifts them.
    "accounts:lockout-list": (lambda: reverse("accounts:lockout-list"), PROGRAMME_SETUP),
    "accounts:lockout-unlock": (lambda: reverse("accounts:lockout-unlock"), POST_ONLY),
    "core:audit-log": (lambda: reverse("core:audit-log"), AUDIT),
    "members:member-list": (lambda: reverse("members:member-list", args=[CLUSTER_A]), MEMBERS_A),
    "members:member-list-xlsx": (
        lambda: reverse("members:member-list-xlsx", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "members:member-add": (
        lambda: reverse("members:member-add", args=[CLUSTER_A]),
        MEMBERS_A_CHANGE,
    ),
    "members:member-lookup": (
        lambda: reverse("members:member-lookup", args=[CLUSTER_A]) + "?q=matrix",
        MEMBERS_A_CHANGE,
    ),
    "members:import-upload": (
        lambda: reverse("members:import-upload", args=[CLUSTER_A]),
        MEMBERS_A_CHANGE,
    ),
    "members:contribution-list": (
        lambda: reverse("members:contribution-list", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "members:contributions-generate": (
        lambda: reverse("members:contributions-generate", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "members:contributions-pay-bulk": (
        lambda: reverse("members:contributions-pay-bulk", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "members:contribution-import": (
        lambda: reverse("members:contribution-import", args=[CLUSTER_A]),
        MEMBERS_A_CHANGE,
    ),
    "members:fee-schedule": (
        lambda: reverse("members:fee-schedule", args=[CLUSTER_A, 2018]),
        MEMBERS_A_CHANGE,
    ),
    "members:contribution-create": (
        lambda: reverse("members:contribution-create", args=[objects.membership().pk]),
        MEMBERS_A_CHANGE,
    ),
    "members:contribution-edit": (
        lambda: reverse("members:contribution-edit", args=[objects.contribution().pk]),
        MEMBERS_A_CHANGE,
    ),
    "members:contribution-pay": (
        lambda: reverse("members:contribution-pay", args=[objects.contribution().pk]),
        POST_ONLY,
    ),
    "activities:activity-list": (
        lambda: reverse("activities:activity-list", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "activities:activity-create": (
        lambda: reverse("activities:activity-create", args=[CLUSTER_A]),
        MEMBERS_A_CHANGE,
    ),
    "activities:activity-detail": (
        lambda: reverse("activities:activity-detail", args=[objects.activity().pk]),
        MEMBERS_A,
    ),
    "activities:activity-edit": (
        lambda: reverse("activities:activity-edit", args=[objects.activity().pk]),
        MEMBERS_A_CHANGE,
    ),
    "activities:attendee-import": (
        lambda: reverse("activities:attendee-import", args=[objects.activity().pk]),
        MEMBERS_A_CHANGE,
    ),
    "activities:participation-review": (
        lambda: reverse("activities:participation-review", args=[objects.participation().pk]),
        POST_ONLY,
    ),
    "activities:participation-delete": (
        lambda: reverse("activities:participation-delete", args=[objects.participation().pk]),
        POST_ONLY,
    ),
    "collaborations:collaboration-list": (
        lambda: reverse("collaborations:collaboration-list", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "collaborations:collaboration-create": (
        lambda: reverse("collaborations:collaboration-create", args=[CLUSTER_A]),
        MEMBERS_A_CHANGE,
    ),
    "collaborations:collaboration-import": (
        lambda: reverse("collaborations:collaboration-import", args=[CLUSTER_A]),
        MEMBERS_A_CHANGE,
    ),
    "collaborations:collaboration-detail": (
        lambda: reverse("collaborations:collaboration-detail", args=[objects.collaboration().pk]),
        MEMBERS_A,
    ),
    "collaborations:collaboration-edit": (
        lambda: reverse("collaborations:collaboration-edit", args=[objects.collaboration().pk]),
        MEMBERS_A_CHANGE,
    ),
    "collaborations:stage-change": (
        lambda: reverse("collaborations:stage-change", args=[objects.collaboration().pk]),
        POST_ONLY,
    ),
    "collaborations:party-add": (
        lambda: reverse("collaborations:party-add", args=[objects.collaboration().pk]),
        POST_ONLY,
    ),
    "collaborations:party-delete": (
        lambda: reverse(
            "collaborations:party-delete", args=[objects.collaboration().parties.get().pk]
        ),
        POST_ONLY,
    ),
    "collaborations:link-add": (
        lambda: reverse("collaborations:link-add", args=[objects.collaboration().pk]),
        POST_ONLY,
    ),
    "collaborations:link-delete": (
        lambda: reverse(
            "collaborations:link-delete", args=[objects.collaboration().links.get().pk]
        ),
        POST_ONLY,
    ),
    "collaborations:kpi3-cluster": (
        lambda: reverse("collaborations:kpi3-cluster", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "collaborations:cluster-network": (
        lambda: reverse("collaborations:cluster-network", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "collaborations:matchmaking": (
        lambda: reverse("collaborations:matchmaking", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "collaborations:programme": (lambda: reverse("collaborations:programme"), REGISTRY),
    "collaborations:intercluster": (lambda: reverse("collaborations:intercluster"), REGISTRY),
    "collaborations:network": (lambda: reverse("collaborations:network"), REGISTRY),
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
        row(LOGIN, 200, 200, 403, 404, 404, 404),
    ),
    "programmes:learning-session-create": (
        lambda: reverse("programmes:learning-session-create"),
        row(LOGIN, 200, 200, 403, 404, 404, 404),
    ),
    "programmes:learning-session-detail": (
        lambda: reverse("programmes:learning-session-detail", args=[objects.learning_session().pk]),
        row(LOGIN, 200, 200, 403, 404, 404, 404),
    ),
    "programmes:learning-session-edit": (
        lambda: reverse("programmes:learning-session-edit", args=[objects.learning_session().pk]),
        row(LOGIN, 200, 200, 403, 404, 404, 404),
    ),
    "programmes:learning-session-delete": (
        lambda: reverse("programmes:learning-session-delete", args=[objects.learning_session().pk]),
        POST_ONLY,
    ),
    "programmes:my-attention-points": (
        lambda: reverse("programmes:my-attention-points"),
        row(LOGIN, 200, 200, 403, 404, 404, 404),
    ),
    "surveys:questionnaire-list": (
        lambda: reverse("surveys:questionnaire-list"),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:questionnaire-upload": (
        lambda: reverse("surveys:questionnaire-upload"),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:questionnaire-detail": (
        lambda: reverse("surveys:questionnaire-detail", args=[objects.wave().questionnaire_id]),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:questionnaire-xlsform": (
        lambda: reverse("surveys:questionnaire-xlsform", args=[objects.wave().questionnaire_id]),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:respond": (lambda: reverse("surveys:respond", args=[objects.survey_token()]), PUBLIC),
    # The public portal (issue 17): no login.
    "portal:front": (lambda: reverse("portal:front"), PUBLIC),
    "portal:directory": (lambda: reverse("portal:directory"), PUBLIC),
    "portal:cluster-detail": (
        lambda: reverse("portal:cluster-detail", args=[objects.published_profile().cluster.code]),
        PUBLIC,
    ),
    "portal:cluster-logo-file": (
        lambda: reverse(
            "portal:cluster-logo-file", args=[objects.published_profile().cluster.code]
        ),
        PUBLIC,
    ),
    # What search engines read (text and XML, no login).
    "portal:robots": (lambda: reverse("portal:robots"), PUBLIC),
    "portal:sitemap": (lambda: reverse("portal:sitemap"), PUBLIC),
    # The profile's workflow in the workspace.
    "portal:profiles": (lambda: reverse("portal:profiles"), PROGRAMME_READERS),
    "portal:profile": (lambda: reverse("portal:profile", args=[CLUSTER_A]), CLUSTER_A_RECORDS),
    "portal:profile-edit": (
        lambda: reverse("portal:profile-edit", args=[CLUSTER_A]),
        PROFILE_A_CHANGE,
    ),
    "portal:profile-submit": (
        lambda: reverse("portal:profile-submit", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "portal:profile-publish": (
        lambda: reverse("portal:profile-publish", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    "portal:profile-return": (
        lambda: reverse("portal:profile-return", args=[CLUSTER_A]),
        POST_ONLY,
    ),
    # The public finder: everyone, no login (docs/finder.md).
    "portal:finder": (
        lambda: reverse("portal:finder") + "?nace=28.99&postcode=3000&q=logistiek",
        PUBLIC,
    ),
    "surveys:wave-list": (
        lambda: reverse("surveys:wave-list"),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:wave-create": (
        lambda: reverse("surveys:wave-create"),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:wave-detail": (
        lambda: reverse("surveys:wave-detail", args=[objects.wave().pk]),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:wave-edit": (
        lambda: reverse("surveys:wave-edit", args=[objects.wave().pk]),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:wave-mail-merge-xlsx": (
        lambda: reverse("surveys:wave-mail-merge-xlsx", args=[objects.wave().pk]),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:wave-mail-merge-csv": (
        lambda: reverse("surveys:wave-mail-merge-csv", args=[objects.wave().pk]),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:wave-tracking-xlsx": (
        lambda: reverse("surveys:wave-tracking-xlsx", args=[objects.wave().pk]),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:response-import": (
        lambda: reverse("surveys:response-import", args=[objects.wave().pk]),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:response-import-detail": (
        lambda: reverse(
            "surveys:response-import-detail", args=[objects.wave().pk, objects.survey_import_key()]
        ),
        row(LOGIN, 200, 403, 200, 404, 404, 404),
    ),
    "surveys:response-import-rejected": (
        lambda: reverse(
            "surveys:response-import-rejected",
            args=[objects.wave().pk, objects.survey_import_key()],
        ),
        row(LOGIN, 403, 403, 200, 404, 404, 404),
    ),
    "surveys:wave-generate": (
        lambda: reverse("surveys:wave-generate", args=[objects.wave().pk]),
        POST_ONLY,
    ),
    "surveys:wave-send": (
        lambda: reverse("surveys:wave-send", args=[objects.wave().pk]),
        POST_ONLY,
    ),
    "surveys:wave-remind": (
        lambda: reverse("surveys:wave-remind", args=[objects.wave().pk]),
        POST_ONLY,
    ),
    "surveys:wave-mark-sent": (
        lambda: reverse("surveys:wave-mark-sent", args=[objects.wave().pk]),
        POST_ONLY,
    ),
    "surveys:wave-close": (
        lambda: reverse("surveys:wave-close", args=[objects.wave().pk]),
        POST_ONLY,
    ),
    "surveys:response-import-commit": (
        lambda: reverse(
            "surveys:response-import-commit", args=[objects.wave().pk, objects.survey_import_key()]
        ),
        POST_ONLY,
    ),
    "surveys:cluster-tracking": (
        lambda: reverse("surveys:cluster-tracking", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
    ),
    "surveys:wave-results": (
        lambda: reverse("surveys:wave-results", args=[objects.wave().pk]),
        PROGRAMME_READERS,
    ),
    "surveys:wave-raw-identities": (
        lambda: reverse("surveys:wave-raw-identities", args=[objects.wave().pk]),
        row(LOGIN, 403, 403, 200, 404, 404, 404),
    ),
    "surveys:wave-raw-answers": (
        lambda: reverse("surveys:wave-raw-answers", args=[objects.wave().pk]),
        row(LOGIN, 403, 403, 200, 404, 404, 404),
    ),
    "surveys:cluster-results": (
        lambda: reverse("surveys:cluster-results", args=[CLUSTER_A]),
        CLUSTER_A_RECORDS,
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
    "members:cofinancing": (lambda: reverse("members:cofinancing", args=[CLUSTER_A]), MEMBERS_A),
    "members:table8": (lambda: reverse("members:table8"), REGISTRY),
    "monitoring:participation-cluster": (
        lambda: reverse("monitoring:participation-cluster", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "monitoring:participation": (lambda: reverse("monitoring:participation"), REGISTRY),
    "members:kpis-cluster": (lambda: reverse("members:kpis-cluster", args=[CLUSTER_A]), MEMBERS_A),
    "members:kpis": (lambda: reverse("members:kpis"), REGISTRY),
    "members:membership-detail": (
        lambda: reverse("members:membership-detail", args=[objects.membership().pk]),
        MEMBERS_A,
    ),
    "members:membership-edit": (
        lambda: reverse("members:membership-edit", args=[objects.membership().pk]),
        MEMBERS_A_CHANGE,
    ),
    "members:contact-create": (
        lambda: reverse("members:contact-create", args=[objects.membership().pk]),
        MEMBERS_A_CHANGE,
    ),
    "members:contact-edit": (
        lambda: reverse("members:contact-edit", args=[objects.contact().pk]),
        MEMBERS_A_CHANGE,
    ),
    "members:contact-delete": (
        lambda: reverse("members:contact-delete", args=[objects.contact().pk]),
        POST_ONLY,
    ),
    "members:import-detail": (
        lambda: reverse("members:import-detail", args=[objects.batch().pk]),
        MEMBERS_A_CHANGE,
    ),
    "members:import-commit": (
        lambda: reverse("members:import-commit", args=[objects.batch().pk]),
        POST_ONLY,
    ),
    "members:import-rejected": (
        lambda: reverse("members:import-rejected", args=[objects.batch().pk]),
        MEMBERS_A_CHANGE,
    ),
    "imports:import-detail": (
        lambda: reverse("imports:import-detail", args=[objects.batch().pk]),
        MEMBERS_A_CHANGE,
    ),
    "imports:import-commit": (
        lambda: reverse("imports:import-commit", args=[objects.batch().pk]),
        POST_ONLY,
    ),
    "imports:import-rejected": (
        lambda: reverse("imports:import-rejected", args=[objects.batch().pk]),
        MEMBERS_A_CHANGE,
    ),
    "members:import-end-missing": (
        lambda: reverse("members:import-end-missing", args=[objects.batch().pk]),
        POST_ONLY,
    ),
    "registry:organisation-list": (
        lambda: reverse("registry:organisation-list"),
        row(LOGIN, 200, 200, 200, 200, 200, 404),
    ),
    "registry:organisation-detail": (
        lambda: reverse(
            "registry:organisation-detail", args=[objects.membership().organisation_id]
        ),
        MEMBERS_A,
    ),
    "registry:organisation-edit": (
        lambda: reverse("registry:organisation-edit", args=[objects.membership().organisation_id]),
        MEMBERS_A_CHANGE,
    ),
    "registry:figures-create": (
        lambda: reverse("registry:figures-create", args=[objects.membership().organisation_id]),
        MEMBERS_A_CHANGE,
    ),
    "registry:figures-edit": (
        lambda: reverse("registry:figures-edit", args=[objects.figures().pk]),
        MEMBERS_A_CHANGE,
    ),
    "registry:quality": (lambda: reverse("registry:quality"), REGISTRY),
    "members:quality-cluster": (
        lambda: reverse("members:quality-cluster", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "members:reach": (lambda: reverse("members:reach"), REGISTRY),
    "members:reach-cluster": (
        lambda: reverse("members:reach-cluster", args=[CLUSTER_A]),
        MEMBERS_A,
    ),
    "registry:kbo-imports": (lambda: reverse("registry:kbo-imports"), PROGRAMME_SETUP),
    "registry:kbo-import-detail": (
        lambda: reverse("registry:kbo-import-detail", args=[objects.kbo_import().pk]),
        PROGRAMME_SETUP,
    ),
    "core:object-history": (
        lambda: reverse("core:object-history", args=["cluster", _cluster_a_pk()]),
        AUDIT,
    ),
    # GET does nothing but send the visitor back; the switch itself is a POST.
    "set_language": (lambda: reverse("set_language"), row(302, 302, 302, 302, 302, 302, 302)),
    "api:openapi-json": (lambda: reverse("api:openapi-json"), PUBLIC),
    "api:openapi-view": (lambda: reverse("api:openapi-view"), PUBLIC),
    "api:api-root": (lambda: reverse("api:api-root"), row(404, 404, 404, 404, 404, 404, 404)),
    "api:list_programmes": (lambda: reverse("api:list_programmes"), API),
    "api:public_finder": (lambda: reverse("api:public_finder") + "?q=logistiek", PUBLIC),
    "api:list_kpis": (lambda: reverse("api:list_kpis"), API),
    "api:list_cluster_types": (lambda: reverse("api:list_cluster_types"), API),
    "api:list_calls": (lambda: reverse("api:list_calls"), API),
    "api:list_clusters": (lambda: reverse("api:list_clusters"), API),
    "api:get_cluster": (lambda: reverse("api:get_cluster", args=[CLUSTER_A]), API),
    "api:list_organisations": (lambda: reverse("api:list_organisations"), API),
    # An organisation of cluster A only: outsiders get 404, as on the web.
    "api:get_organisation": (
        lambda: reverse("api:get_organisation", args=[objects.membership().organisation_id]),
        row(401, 200, 200, 200, 200, 404, 404),
    ),
    "api:list_memberships": (lambda: reverse("api:list_memberships"), API),
    "api:list_contributions": (lambda: reverse("api:list_contributions"), API),
    "api:list_activities": (lambda: reverse("api:list_activities"), API),
    "api:list_collaborations": (lambda: reverse("api:list_collaborations"), API),
    # A collaboration of cluster A only: outsiders get 404, as on the web.
    "api:get_collaboration": (
        lambda: reverse("api:get_collaboration", args=[objects.collaboration().pk]),
        row(401, 200, 200, 200, 200, 404, 404),
    ),
    "api:list_reports": (lambda: reverse("api:list_reports"), API),
    "api:get_dashboard": (
        lambda: reverse("api:get_dashboard"),
        row(401, 200, 200, 200, 404, 404, 404),
    ),
    "api:get_report": (
        lambda: reverse("api:get_report", args=[objects.report().pk]),
        row(401, 200, 200, 200, 200, 404, 404),
    ),
    "api:submit_report": (
        lambda: reverse("api:submit_report", args=[objects.report().pk]),
        row(405, 405, 405, 405, 405, 405, 405),
    ),
    "api:cluster_kpi3": (
        lambda: reverse("api:cluster_kpi3", args=[CLUSTER_A]),
        row(401, 200, 200, 200, 200, 404, 404),
    ),
}


def _user_pk(username):
    from clustermonitor.accounts.models import User

    return User.objects.get(username=username).pk


def _cluster_a_pk():
    from clustermonitor.programmes.models import Cluster

    return Cluster.objects.get(code=CLUSTER_A).pk
