"""The permission matrix (tests/matrix_routes.py): who one is and what anyone may read —
accounts, sign-in and two-factor, the language switch, the health check, the public
portal and finder, and the API."""

from django.urls import reverse

from tests import matrix_objects as objects
from tests.conftest import CLUSTER_A
from tests.matrix_rows import (
    API,
    AUDIT,
    CLUSTER_A_RECORDS,
    EVERYONE,
    JOIN_REQUESTS_A,
    LOGIN,
    POST_ONLY,
    PROFILE_A_CHANGE,
    PROGRAMME_READERS,
    PROGRAMME_SETUP,
    PUBLIC,
    _cluster_a_pk,
    _user_pk,
    row,
)

ROUTES = {
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
    # Ask to join (no login): the form of a running cluster's published profile, the
    # page after it, and a made-up confirmation link (the page says it is not valid).
    "portal:ask-to-join": (
        lambda: reverse("portal:ask-to-join", args=[objects.joinable_profile().cluster.code]),
        PUBLIC,
    ),
    "portal:join-sent": (lambda: reverse("portal:join-sent"), PUBLIC),
    "portal:join-confirm": (lambda: reverse("portal:join-confirm", args=["made-up"]), PUBLIC),
    # A cluster's join requests in the workspace; answered by POST only.
    "portal:join-requests": (
        lambda: reverse("portal:join-requests", args=[CLUSTER_A]),
        JOIN_REQUESTS_A,
    ),
    "portal:join-request-detail": (
        lambda: reverse("portal:join-request-detail", args=[objects.join_request().pk]),
        JOIN_REQUESTS_A,
    ),
    "portal:join-request-accept": (
        lambda: reverse("portal:join-request-accept", args=[objects.join_request().pk]),
        POST_ONLY,
    ),
    "portal:join-request-decline": (
        lambda: reverse("portal:join-request-decline", args=[objects.join_request().pk]),
        POST_ONLY,
    ),
    # The open figures (docs/portal.md): the page and each figure's downloads, no login.
    # The members' maps (pictures): the directory's, and a published profile's.
    "portal:directory-map": (
        lambda: objects.mapped_profile() and reverse("portal:directory-map"),
        PUBLIC,
    ),
    "portal:cluster-map": (
        lambda: reverse("portal:cluster-map", args=[objects.mapped_profile().cluster.code]),
        PUBLIC,
    ),
    "portal:figures": (lambda: reverse("portal:figures"), PUBLIC),
    "portal:figure-csv": (lambda: reverse("portal:figure-csv", args=["members"]), PUBLIC),
    "portal:figure-csv-metadata": (
        lambda: reverse("portal:figure-csv-metadata", args=["members"]),
        PUBLIC,
    ),
    "portal:figure-json": (lambda: reverse("portal:figure-json", args=["kpis"]), PUBLIC),
    # The public calendar and its iCalendar feeds (no login).
    "portal:events": (
        lambda: objects.public_event() and reverse("portal:events"),
        PUBLIC,
    ),
    "portal:events-feed": (
        lambda: objects.public_event() and reverse("portal:events-feed"),
        PUBLIC,
    ),
    "portal:cluster-events-feed": (
        lambda: objects.public_event() and reverse("portal:cluster-events-feed", args=[CLUSTER_A]),
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
    "api:public_figures": (lambda: reverse("api:public_figures"), PUBLIC),
    "api:public_figure": (
        lambda: reverse("api:public_figure", args=["collaborations"]) + "?as_of=2020-01-31",
        PUBLIC,
    ),
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
