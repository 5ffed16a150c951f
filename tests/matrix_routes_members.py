"""The permission matrix (tests/matrix_routes.py): a cluster's network — members and
contributions, the registry, activities, collaborations, surveys and imports."""

from django.urls import reverse

from tests import matrix_objects as objects
from tests.conftest import CLUSTER_A
from tests.matrix_rows import (
    CLUSTER_A_RECORDS,
    LOGIN,
    MEMBERS_A,
    MEMBERS_A_CHANGE,
    POST_ONLY,
    PROGRAMME_READERS,
    PROGRAMME_SETUP,
    PROSPECTS_A,
    PROSPECTS_A_CHANGE,
    PUBLIC,
    REGISTRATIONS_A,
    REGISTRATIONS_A_MANAGE,
    REGISTRY,
    SURVEY_WAVES,
    row,
)

ROUTES = {
    # A cluster's prospects (issue 18): the pipeline, a prospect, adding, editing and the
    # import read and kept per PROSPECTS_A(_CHANGE); moves and the fee by POST only.
    "prospects:pipeline": (lambda: reverse("prospects:pipeline", args=[CLUSTER_A]), PROSPECTS_A),
    "prospects:prospect-create": (
        lambda: reverse("prospects:prospect-create", args=[CLUSTER_A]),
        PROSPECTS_A_CHANGE,
    ),
    "prospects:import-upload": (
        lambda: reverse("prospects:import-upload", args=[CLUSTER_A]),
        PROSPECTS_A_CHANGE,
    ),
    "prospects:prospect-detail": (
        lambda: reverse("prospects:prospect-detail", args=[objects.prospect().pk]),
        PROSPECTS_A,
    ),
    "prospects:prospect-edit": (
        lambda: reverse("prospects:prospect-edit", args=[objects.prospect().pk]),
        PROSPECTS_A_CHANGE,
    ),
    "prospects:prospect-move": (
        lambda: reverse("prospects:prospect-move", args=[objects.prospect().pk]),
        POST_ONLY,
    ),
    "prospects:prospect-fee": (
        lambda: reverse("prospects:prospect-fee", args=[objects.prospect().pk]),
        POST_ONLY,
    ),
    # The pipeline's download (its readers) and deleting a prospect (asked first, by POST).
    "prospects:pipeline-download": (
        lambda: reverse("prospects:pipeline-download", args=[CLUSTER_A]) + "?format=xlsx",
        PROSPECTS_A,
    ),
    "prospects:prospect-delete": (
        lambda: reverse("prospects:prospect-delete", args=[objects.prospect().pk]),
        POST_ONLY,
    ),
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
    # Event registration (issue 18): the public form, the page after it and a made-up
    # cancellation link (the page says it is not valid); the workspace's pages of an
    # activity's registration; the check-in, for the organising cluster's manager only.
    "registrations:register": (
        lambda: reverse("registrations:register", args=[objects.registration_event().pk]),
        PUBLIC,
    ),
    "registrations:registered": (
        lambda: reverse("registrations:registered", args=[objects.registration_event().pk]),
        PUBLIC,
    ),
    "registrations:cancel": (
        lambda: reverse("registrations:cancel", args=["made-up"]),
        PUBLIC,
    ),
    "registrations:event-detail": (
        lambda: reverse("registrations:event-detail", args=[objects.registration_event().pk]),
        REGISTRATIONS_A,
    ),
    "registrations:event-download": (
        lambda: (
            reverse("registrations:event-download", args=[objects.registration_event().pk])
            + "?format=xlsx"
        ),
        REGISTRATIONS_A,
    ),
    "registrations:settings-edit": (
        lambda: reverse("registrations:settings-edit", args=[objects.registration_event().pk]),
        REGISTRATIONS_A_MANAGE,
    ),
    "registrations:question-add": (
        lambda: reverse("registrations:question-add", args=[objects.registration_event().pk]),
        REGISTRATIONS_A_MANAGE,
    ),
    "registrations:question-delete": (
        lambda: reverse("registrations:question-delete", args=[objects.registration_question().pk]),
        POST_ONLY,
    ),
    "registrations:registration-cancel": (
        lambda: reverse("registrations:registration-cancel", args=[objects.registration().pk]),
        POST_ONLY,
    ),
    "registrations:check-in": (
        lambda: reverse("registrations:check-in", args=[objects.registration_event().pk]),
        REGISTRATIONS_A_MANAGE,
    ),
    "registrations:check-in-walk-in": (
        lambda: reverse("registrations:check-in-walk-in", args=[objects.registration_event().pk]),
        REGISTRATIONS_A_MANAGE,
    ),
    "registrations:check-in-scan": (
        lambda: reverse("registrations:check-in-scan", args=[objects.registration_event().pk]),
        POST_ONLY,
    ),
    "registrations:check-in-registration": (
        lambda: reverse("registrations:check-in-registration", args=[objects.registration().pk]),
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
    "surveys:questionnaire-list": (
        lambda: reverse("surveys:questionnaire-list"),
        SURVEY_WAVES,
    ),
    "surveys:questionnaire-upload": (
        lambda: reverse("surveys:questionnaire-upload"),
        SURVEY_WAVES,
    ),
    "surveys:questionnaire-detail": (
        lambda: reverse("surveys:questionnaire-detail", args=[objects.wave().questionnaire_id]),
        SURVEY_WAVES,
    ),
    "surveys:questionnaire-xlsform": (
        lambda: reverse("surveys:questionnaire-xlsform", args=[objects.wave().questionnaire_id]),
        SURVEY_WAVES,
    ),
    "surveys:respond": (lambda: reverse("surveys:respond", args=[objects.survey_token()]), PUBLIC),
    "surveys:wave-list": (
        lambda: reverse("surveys:wave-list"),
        SURVEY_WAVES,
    ),
    "surveys:wave-create": (
        lambda: reverse("surveys:wave-create"),
        SURVEY_WAVES,
    ),
    "surveys:wave-detail": (
        lambda: reverse("surveys:wave-detail", args=[objects.wave().pk]),
        SURVEY_WAVES,
    ),
    "surveys:wave-edit": (
        lambda: reverse("surveys:wave-edit", args=[objects.wave().pk]),
        SURVEY_WAVES,
    ),
    "surveys:wave-mail-merge-xlsx": (
        lambda: reverse("surveys:wave-mail-merge-xlsx", args=[objects.wave().pk]),
        SURVEY_WAVES,
    ),
    "surveys:wave-mail-merge-csv": (
        lambda: reverse("surveys:wave-mail-merge-csv", args=[objects.wave().pk]),
        SURVEY_WAVES,
    ),
    "surveys:wave-tracking-xlsx": (
        lambda: reverse("surveys:wave-tracking-xlsx", args=[objects.wave().pk]),
        SURVEY_WAVES,
    ),
    "surveys:response-import": (
        lambda: reverse("surveys:response-import", args=[objects.wave().pk]),
        SURVEY_WAVES,
    ),
    "surveys:response-import-detail": (
        lambda: reverse(
            "surveys:response-import-detail", args=[objects.wave().pk, objects.survey_import_key()]
        ),
        SURVEY_WAVES,
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
    "members:cofinancing": (lambda: reverse("members:cofinancing", args=[CLUSTER_A]), MEMBERS_A),
    "members:table8": (lambda: reverse("members:table8"), REGISTRY),
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
}
