"""Who may see and do what: decided here and nowhere else.

Predicates (django-rules) name the roles of DESIGN §1; permissions combine them;
the `get_*_for_user` helpers fetch an object or raise 404 for anyone who may not
see it at all (outsiders learn nothing, not even that it exists) and 403 for
someone who may see it but not do this with it.

`accounts` sits below the apps whose records it guards: this module imports none of
them. A helper that reads records takes them from its caller (a queryset or manager:
`Cluster.objects`, `Membership.objects`, ...).
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404

from clustermonitor.accounts.models import Role
from clustermonitor.core.permissions import check  # the 404/403 answer, for every view


def _has(role):
    @rules.predicate(name=f"is_{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and role in user.role_set)

    return predicate


is_programme_manager = _has(Role.PROGRAMME_MANAGER)
is_account_manager = _has(Role.ACCOUNT_MANAGER)
is_evaluator = _has(Role.EVALUATOR)
is_cluster_manager = _has(Role.CLUSTER_MANAGER)
is_member_contact = _has(Role.MEMBER_CONTACT)


@rules.predicate
def manages_cluster(user, cluster):
    return bool(
        user
        and user.is_authenticated
        and cluster is not None
        and cluster.pk in user.managed_cluster_ids
    )


is_agency = is_programme_manager | is_account_manager
#: Reads every record of the programme (agency staff and evaluators).
reads_programme = is_agency | is_evaluator

rules.add_perm("programmes.view_portfolio", reads_programme)
rules.add_perm("programmes.view_calls", rules.is_authenticated)
rules.add_perm("programmes.view_applications", reads_programme)
rules.add_perm("programmes.view_cluster", rules.is_authenticated)
rules.add_perm("programmes.view_cluster_records", reads_programme | manages_cluster)
rules.add_perm("programmes.manage_programme", is_programme_manager)
rules.add_perm("core.view_audit", is_programme_manager)
rules.add_perm("accounts.manage_users", is_programme_manager)

# Members (issue 3). The object is the cluster.
rules.add_perm("members.view_members", reads_programme | manages_cluster)
rules.add_perm("members.change_members", is_programme_manager | manages_cluster)
# Contact persons are personal data: the agency and the cluster's own manager.
rules.add_perm("members.view_contacts", is_agency | manages_cluster)
rules.add_perm("registry.view_registry", reads_programme)
rules.add_perm("registry.run_kbo_import", is_programme_manager)


def clusters_with_records(user, queryset):
    """The clusters whose records (agreement, targets, reported figures) `user` reads."""
    if reads_programme(user):
        return queryset
    if is_cluster_manager(user):
        return queryset.filter(pk__in=user.managed_cluster_ids)
    return queryset.none()


def cluster_by_code(clusters, code: str, *related: str):
    """The cluster `code` of `clusters` (Cluster.objects), with `related` selected; 404
    when there is none (the first step of every "cluster by code" access function)."""
    return get_object_or_404(clusters.select_related(*related), code=code)


def get_cluster_for_user(user, clusters, code: str, perm: str = "programmes.view_cluster_records"):
    """The cluster `code` of `clusters` (Cluster.objects) whose records `user` reads."""
    cluster = cluster_by_code(
        clusters, code, "programme", "cluster_type", "call", "account_manager"
    )
    check(user, perm, cluster, visible="programmes.view_cluster_records")
    return cluster


#: Who may see a cluster's collaborations, and the programme's collaboration figures.
COLLABORATIONS_VIEW = "collaborations.view_collaborations"
COLLABORATIONS_PROGRAMME = "collaborations.view_programme"


def get_cluster_collaborations_for_user(user, clusters, code: str, perm: str = COLLABORATIONS_VIEW):
    """A cluster of `clusters` (Cluster.objects) whose collaborations `user` may see (404
    otherwise), and 403 when they may see but not do `perm`."""
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type")
    check(user, perm, cluster, visible=COLLABORATIONS_VIEW)
    return cluster


def get_collaborations_programme_for_user(user, programmes):
    """The programme of `programmes` (Programme.objects) whose collaboration figures
    `user` may see (403 otherwise; 404 without a programme)."""
    check(user, COLLABORATIONS_PROGRAMME)
    programme = programmes.order_by("pk").first()
    if programme is None:
        raise Http404
    return programme


def require_programme_manager(user) -> None:
    """Programme set-up is the programme manager's. Other agency staff and evaluators
    see the programme (403); everyone else gets 404."""
    check(user, "programmes.manage_programme", visible="programmes.view_portfolio")


def organisations_for(user, queryset):
    """Organisations `user` may see: all for agency staff and evaluators; for a cluster
    manager those that are (or were) members of their cluster."""
    if reads_programme(user):
        return queryset
    if is_cluster_manager(user):
        return queryset.filter(memberships__cluster_id__in=user.managed_cluster_ids).distinct()
    return queryset.none()


def memberships_for(user, queryset):
    if reads_programme(user):
        return queryset
    if is_cluster_manager(user):
        return queryset.filter(cluster_id__in=user.managed_cluster_ids)
    return queryset.none()


def get_cluster_members_for_user(
    user, clusters, code: str, perm: str = "members.view_members", *, cluster=None
):
    """A cluster of `clusters` (Cluster.objects) whose member records `user` may see (404
    otherwise), and 403 when they may see but not do `perm`. `cluster`: the cluster of
    that code, already read."""
    if cluster is None:
        cluster = cluster_by_code(clusters, code, "programme", "cluster_type")
    check(user, perm, cluster, visible="members.view_members")
    return cluster


def get_organisation_for_user(user, organisations, pk: int):
    """The organisation `pk` of `organisations` (Organisation.objects) that `user` may
    see (404 otherwise)."""
    organisation = organisations_for(user, organisations.all()).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def can_change_organisation(user, organisation) -> bool:
    """The programme manager, or the manager of a cluster it is an active member of: the
    registry is shared, so only those who keep one of its memberships may correct it."""
    if is_programme_manager(user):
        return True
    if not is_cluster_manager(user):
        return False
    return organisation.memberships.filter(
        cluster_id__in=user.managed_cluster_ids, end_date__isnull=True
    ).exists()


def owners_refusal(user, before, after, *, home=None):
    """Why `user` may not make `after` the owning clusters of a joint record (an activity,
    a collaboration) that had `before` (empty for a new one); None when they may.

    Answers ``(reason, cluster)`` with reason ``"empty"`` (a record belongs to at least
    one cluster), ``"strip"`` (`cluster` is another cluster's: only its own manager or the
    programme manager removes it) or ``"own"`` (`cluster` is the user's own and must stay
    among the owners: a cluster manager cannot hand a record to other clusters only).
    The programme manager sets any owners. A cluster manager may name any other cluster
    of the programme as a partner (the cluster list is public), never remove one they do
    not manage, and keeps `home` (the cluster they act for) or, editing, at least one
    cluster they manage among the owners."""
    before, after = set(before), set(after)
    if not after:
        return ("empty", None)
    if is_programme_manager(user):
        return None
    managed = set(user.managed_cluster_ids) if user and user.is_authenticated else set()
    for cluster in sorted(before - after, key=lambda c: c.code):
        if cluster.pk not in managed:
            return ("strip", cluster)
    if home is not None and home not in after:
        return ("own", home)
    if not any(c.pk in managed for c in after):
        own = sorted((c for c in before if c.pk in managed), key=lambda c: c.code)
        return ("own", own[0] if own else None)
    return None


def members_on(user, memberships, clusters, on=None):
    """Organisations that are members of `clusters` (on `on`, else today) through a
    membership of `memberships` (Membership.objects) `user` may see: what a participant
    or party drop-down may offer. Naming another cluster on a joint record never lists
    that cluster's members to a user who does not read them."""
    organisations = memberships.model._meta.get_field("organisation").related_model.objects
    memberships = memberships.filter(cluster__in=clusters)
    memberships = (
        memberships.filter(end_date__isnull=True) if on is None else memberships.active_on(on)
    )
    return organisations.filter(
        pk__in=memberships_for(user, memberships).values("organisation")
    ).order_by("name")


#: Organisations of these kinds (universities, research centres, government bodies) are
#: public partners: any cluster manager may name one as a party of a collaboration.
PUBLIC_PARTNER_KINDS = ("knowledge", "government")
#: ... and so are those whose main activity (NACE-BEL 2008, as KBO gives it) is research
#: and development (72) or tertiary education (85.4): a university the registry holds as
#: a "company" (the default kind) is still a public partner (issue 16).
RESEARCH_EDUCATION_NACE = ("72", "854")


def is_research_or_education(nace_code: str | None) -> bool:
    code = (nace_code or "").replace(".", "")
    return any(code.startswith(prefix) for prefix in RESEARCH_EDUCATION_NACE)


def public_partners() -> models.Q:
    """The organisations any cluster manager may name as a party (on Organisation)."""
    condition = models.Q(kind__in=PUBLIC_PARTNER_KINDS)
    for prefix in RESEARCH_EDUCATION_NACE:
        condition |= models.Q(nace_2008__code__startswith=prefix)
    return condition


def parties_for(user, queryset):
    """Organisations `user` may name as a party by enterprise number: those they may see
    (organisations_for) and the registry's public partners (public_partners)."""
    if reads_programme(user):
        return queryset
    if is_cluster_manager(user):
        seen = organisations_for(user, queryset.model.objects.all()).values("pk")
        return queryset.filter(models.Q(pk__in=seen) | public_partners())
    return queryset.none()


def organisation_by_number(user, organisations, number: str):
    """The organisation of `organisations` (Organisation.objects) with enterprise number
    `number` (normalised) among those `user` may see, or None: a number typed in a form
    reveals nothing about an organisation the user may not see (it answers exactly like
    a number not in the registry)."""
    return organisations_for(user, organisations.filter(enterprise_number=number)).first()


def activities_for(user, queryset):
    """Activities of the clusters whose member records `user` reads."""
    if reads_programme(user):
        return queryset
    if is_cluster_manager(user):
        return queryset.filter(clusters__in=user.managed_cluster_ids).distinct()
    return queryset.none()


# Collaborations (issue 5). The object is the cluster.
rules.add_perm("collaborations.view_collaborations", reads_programme | manages_cluster)
rules.add_perm("collaborations.change_collaborations", is_programme_manager | manages_cluster)
# Programme-wide overviews (intercluster projects, KPI 3 of all clusters, the network).
rules.add_perm("collaborations.view_programme", reads_programme)


def collaborations_for(user, queryset):
    """Collaborations of the clusters whose records `user` reads; an intercluster project
    is seen by the managers of each of its clusters."""
    if reads_programme(user):
        return queryset
    if is_cluster_manager(user):
        return queryset.filter(clusters__in=user.managed_cluster_ids).distinct()
    return queryset.none()


def get_collaboration_for_user(
    user, collaborations, pk: int, perm: str = "collaborations.view_collaborations"
):
    """The collaboration `pk` of `collaborations` (Collaboration.objects) and the first of
    its clusters through which `user` may `perm` (404 when they see none of its clusters,
    403 when they see but may not act)."""
    collaboration = (
        collaborations.select_related("programme", "intercluster_call")
        .prefetch_related("clusters")
        .filter(pk=pk)
        .first()
    )
    if collaboration is None:
        raise Http404
    clusters = list(collaboration.clusters.all())
    visible = [c for c in clusters if user.has_perm("collaborations.view_collaborations", c)]
    if not visible:
        raise Http404
    allowed = [c for c in visible if user.has_perm(perm, c)]
    if not allowed:
        raise PermissionDenied
    return collaboration, allowed[0]


# Monitoring (issue 6). The object is the cluster.
@rules.predicate
def is_account_manager_of(user, cluster):
    return bool(
        user
        and user.is_authenticated
        and cluster is not None
        and cluster.account_manager_id is not None
        and cluster.account_manager_id == user.pk
    )


#: The agency's people who follow a cluster: its account manager and the programme manager.
follows_cluster = is_programme_manager | is_account_manager_of

# Progress reports: read by everyone who reads the cluster's records; drafted and submitted
# by the cluster's manager; returned or approved by its account manager or the programme
# manager (never by the person who submitted it: services enforce that).
rules.add_perm("monitoring.view_reports", reads_programme | manages_cluster)
rules.add_perm("monitoring.edit_report", manages_cluster)
rules.add_perm("monitoring.review_report", follows_cluster)
# The programme dashboard (Tables 5 and 7), trajectories: programme readers.
rules.add_perm("monitoring.view_dashboard", reads_programme)
# The evaluation report (issue 8): generated and downloaded by programme readers.
rules.add_perm("reports.generate_report", reads_programme)
# Early warnings: the agency for all clusters; a cluster's manager for their own.
rules.add_perm("monitoring.view_warnings", is_agency | manages_cluster)
# Exit plans: filed by the cluster, read by whoever reads its records.
rules.add_perm("programmes.view_exit_plan", reads_programme | manages_cluster)
rules.add_perm("programmes.change_exit_plan", is_programme_manager | manages_cluster)
# Criteria sets: written and published by the programme manager, read by programme
# readers and cluster managers; a cluster answers with evidence, the agency checks it.
rules.add_perm("programmes.view_criteria", reads_programme | is_cluster_manager)
rules.add_perm("programmes.manage_criteria", is_programme_manager)
rules.add_perm("programmes.view_readiness", reads_programme | manages_cluster)
rules.add_perm("programmes.answer_criteria", manages_cluster)
rules.add_perm("programmes.check_criteria", follows_cluster)
# Account management (attention points, steering groups, learning network): the agency.
rules.add_perm("programmes.view_account", is_agency)
rules.add_perm("programmes.change_account", follows_cluster)


# The member survey (issue 7). Questionnaires, waves, invitations and imports are the
# evaluator's (and the programme manager's). Raw responses are for the evaluator only;
# everyone else sees aggregated results with small cells suppressed.
rules.add_perm("surveys.manage_surveys", is_evaluator | is_programme_manager)
rules.add_perm("surveys.view_raw_responses", is_evaluator)
rules.add_perm("surveys.view_results", reads_programme)
# The object is the cluster: its own results and response rate, aggregated.
rules.add_perm("surveys.view_cluster_results", reads_programme | manages_cluster)


# Checks for core.pagecache.kept_page: asked before a kept page is served.
def needs(perm: str):
    """A `check` for kept_page: the user must hold `perm` (404/403 as access.check)."""

    def check_perm_of(request, *args, **kwargs):
        check(request.user, perm)

    return check_perm_of


# Fetching one record for a user: 404 for who may not see it, 403 for who sees it but may
# not do this with it. The caller hands in the records (a manager or queryset such as
# `Membership.objects`): accounts imports none of the apps above it. A helper that needs
# the records a foreign key points at reaches them through that key (_related).


def _related(records, field: str):
    """The records that `field` of the model of `records` points at (its manager)."""
    return records.model._meta.get_field(field).related_model.objects


# Members (issue 3): the object of the permission is the membership's cluster.
def membership_for(user, memberships, pk, perm="members.view_members"):
    membership = get_object_or_404(
        memberships.select_related("organisation", "cluster", "organisation__municipality"),
        pk=pk,
    )
    check(user, perm, membership.cluster, visible="members.view_members")
    return membership


def check_contacts(user, membership) -> None:
    """Contact persons: seen and changed by the agency and the cluster's own manager."""
    check(user, "members.view_contacts", membership.cluster, visible="members.view_members")
    check(user, "members.change_members", membership.cluster, visible="members.view_members")


def contact_for(user, contacts, pk):
    contact = get_object_or_404(
        contacts.select_related("membership__cluster", "membership__organisation"), pk=pk
    )
    check_contacts(user, contact.membership)
    return contact


def membership_for_change(user, memberships, pk):
    membership = get_object_or_404(memberships.select_related("cluster", "organisation"), pk=pk)
    check(user, "members.change_members", membership.cluster, visible="members.view_members")
    return membership


def contribution_for_change(user, contributions, pk):
    contribution = get_object_or_404(
        contributions.select_related("membership__cluster", "membership__organisation", "payer"),
        pk=pk,
    )
    check(
        user,
        "members.change_members",
        contribution.membership.cluster,
        visible="members.view_members",
    )
    return contribution


# Activities: through their organising clusters' member records.
def activity_for(user, activities, pk, perm="members.view_members"):
    """The activity and the first organising cluster through which `user` may act."""
    activity = get_object_or_404(activities.prefetch_related("clusters"), pk=pk)
    clusters = list(activity.clusters.all())
    visible = [c for c in clusters if user.has_perm("members.view_members", c)]
    if not visible:
        raise Http404
    allowed = [c for c in visible if user.has_perm(perm, c)]
    if not allowed:
        raise PermissionDenied
    return activity, allowed[0]


def participation_for(user, participations, pk):
    """A participation whose activity `user` may change (activities through its key)."""
    participation = get_object_or_404(participations.select_related("activity"), pk=pk)
    activity_for(
        user,
        _related(participations, "activity"),
        participation.activity_id,
        "members.change_members",
    )
    return participation


# The registry.
def changeable_organisation(user, organisations, pk):
    """An organisation `user` sees (404 otherwise) and may correct (403 otherwise)."""
    organisation = get_organisation_for_user(user, organisations, pk)
    if not can_change_organisation(user, organisation):
        raise PermissionDenied
    return organisation


# The programme: targets, calls, the programme itself.
def target_for(user, targets, pk):
    target = get_object_or_404(targets.select_related("cluster", "kpi"), pk=pk)
    check(
        user,
        "programmes.manage_programme",
        target.cluster,
        visible="programmes.view_cluster_records",
    )
    return target


def call_for(user, calls, pk, perm="programmes.view_applications"):
    call = get_object_or_404(calls.select_related("programme", "cluster_type"), pk=pk)
    check(user, perm, visible="programmes.view_applications")
    return call


def programme_for(user, programmes, slug, perm="programmes.view_portfolio"):
    programme = get_object_or_404(programmes, slug=slug)
    check(user, perm, visible="programmes.view_portfolio")
    return programme


# Account management (attention points, steering groups, learning network).
ACCOUNT_VIEW = "programmes.view_account"
ACCOUNT_CHANGE = "programmes.change_account"


def account_cluster(user, clusters, code: str, perm: str = ACCOUNT_VIEW):
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type", "account_manager")
    check(user, ACCOUNT_VIEW, cluster, visible="programmes.view_cluster_records")
    if perm != ACCOUNT_VIEW:
        check(user, perm, cluster, visible="programmes.view_cluster_records")
    return cluster


def attention_point_for(user, points, pk):
    point = get_object_or_404(points.select_related("cluster"), pk=pk)
    account_cluster(user, _related(points, "cluster"), point.cluster.code, ACCOUNT_CHANGE)
    return point


def meeting_for(user, meetings, pk):
    meeting = get_object_or_404(meetings.select_related("cluster"), pk=pk)
    account_cluster(user, _related(meetings, "cluster"), meeting.cluster.code, ACCOUNT_CHANGE)
    return meeting


def require_agency(user) -> None:
    """Learning-network sessions are the agency's: any of its staff records them;
    evaluators see that the page exists (403), everyone else gets 404."""
    check(user, ACCOUNT_VIEW, visible="programmes.view_portfolio")


def session_for(user, sessions, pk):
    session = get_object_or_404(sessions.select_related("programme"), pk=pk)
    require_agency(user)
    return session


# Criteria sets and readiness.
CRITERIA_VIEW = "programmes.view_criteria"
CRITERIA_MANAGE = "programmes.manage_criteria"
READINESS = "programmes.view_readiness"


def criteria_set_for(user, criteria_sets, pk, perm=CRITERIA_VIEW):
    criteria_set = get_object_or_404(
        criteria_sets.select_related("programme", "published_by", "previous"), pk=pk
    )
    check(user, perm, visible=CRITERIA_VIEW)
    # Drafts are the programme manager's work in progress.
    if not criteria_set.is_published and not user.has_perm(CRITERIA_MANAGE):
        raise Http404
    return criteria_set


def criterion_for(user, criteria, pk):
    item = get_object_or_404(criteria.select_related("criteria_set"), pk=pk)
    criteria_set_for(
        user, _related(criteria, "criteria_set"), item.criteria_set_id, CRITERIA_MANAGE
    )
    return item


def readiness_cluster(user, clusters, code):
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type", "account_manager")
    check(user, READINESS, cluster, visible=READINESS)
    return cluster


def answer_for(user, answers, pk, perm):
    answer = get_object_or_404(answers.select_related("assessment__cluster", "criterion"), pk=pk)
    check(user, perm, answer.assessment.cluster, visible=READINESS)
    return answer


# The member survey.
SURVEYS_MANAGE = "surveys.manage_surveys"
SURVEYS_VISIBLE = "surveys.view_results"


def check_surveys(user, perm=SURVEYS_MANAGE) -> None:
    """404 for who sees no survey results at all, 403 for who sees but may not manage."""
    check(user, perm, visible=SURVEYS_VISIBLE)


def wave_for(user, waves, pk, perm=SURVEYS_MANAGE):
    """A wave `user` runs or reads; a manager wave (the cluster-manager survey) only for
    the agency (404 for evaluators too)."""
    check_surveys(user, perm)
    wave = get_object_or_404(waves.select_related("questionnaire"), pk=pk)
    if wave.is_manager_wave:
        require_manager_survey_results(user)  # noqa: F405 (access_ladder, below)
    return wave


def questionnaire_for(user, questionnaires, pk: int):
    check_surveys(user)
    questionnaire = questionnaires.select_related("programme", "created_by").filter(pk=pk)
    found = questionnaire.first()
    if found is None:
        raise Http404
    return found


def raw_wave_for(user, waves, pk: int):
    """A wave whose raw responses `user` reads (the evaluator)."""
    wave = waves.select_related("questionnaire").filter(pk=pk).first()
    if wave is not None and wave.is_manager_wave:
        # The cluster-manager survey's answers: the agency only, evaluators 404 too.
        require_manager_survey_results(user)  # noqa: F405
        return wave
    check(user, "surveys.view_raw_responses", visible="surveys.view_results")
    if wave is None:
        raise Http404
    return wave


# Progress reports (monitoring): the object is the cluster.
REPORTS_VIEW = "monitoring.view_reports"


def reports_cluster(user, clusters, code, perm=REPORTS_VIEW):
    cluster = cluster_by_code(clusters, code, "cluster_type", "account_manager")
    check(user, perm, cluster, visible=REPORTS_VIEW)
    return cluster


def progress_report_for(user, reports, pk, perm=REPORTS_VIEW):
    report = get_object_or_404(
        reports.select_related("period__cluster__cluster_type", "period__cluster__account_manager"),
        pk=pk,
    )
    check(user, perm, report.period.cluster, visible=REPORTS_VIEW)
    return report


# Exit plans: the object is the cluster.
EXIT_VIEW = "programmes.view_exit_plan"


def exit_plan_cluster(user, clusters, code: str, perm: str = EXIT_VIEW):
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type", "account_manager")
    check(user, perm, cluster, visible=EXIT_VIEW)
    return cluster


def exit_plan_follower_cluster(user, clusters, code: str):
    """The cluster, for its account manager or the programme manager (403 for others who
    may read the plan, 404 for everyone else)."""
    cluster = exit_plan_cluster(user, clusters, code)
    if not follows_cluster(user, cluster):
        raise PermissionDenied
    return cluster


# User management (the programme manager).
def require_user_admin(user) -> None:
    check(user, "accounts.manage_users", visible="programmes.view_portfolio")


def managed_user(user, users, pk):
    require_user_admin(user)
    return get_object_or_404(users, pk=pk)


# The public portal's cluster profiles (issue 17): the object is the cluster. Whoever
# reads the cluster's records sees its profile and what waits for publication; its own
# manager edits and submits it; the programme manager publishes it or returns it.
PROFILE_VIEW = "portal.view_profile"
PROFILE_CHANGE = "portal.change_profile"
PROFILE_PUBLISH = "portal.publish_profile"
PROFILES_LIST = "portal.view_profiles"
rules.add_perm(PROFILE_VIEW, reads_programme | manages_cluster)
rules.add_perm(PROFILE_CHANGE, manages_cluster)
rules.add_perm(PROFILE_PUBLISH, is_programme_manager)
rules.add_perm(PROFILES_LIST, reads_programme)


def profile_cluster(user, clusters, code: str, perm: str = PROFILE_VIEW):
    """The cluster `code` of `clusters` (Cluster.objects) whose profile `user` may see
    (404 otherwise), and 403 when they may see it but not do `perm` with it."""
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type")
    check(user, perm, cluster, visible=PROFILE_VIEW)
    return cluster


def require_profiles_reader(user) -> None:
    """The overview of every cluster's profile: agency staff and evaluators."""
    check(user, PROFILES_LIST)


def published_cluster(clusters, code: str):
    """The cluster `code` for the public pages: anyone, but only a cluster whose profile
    has been published (404 otherwise: a draft is nobody's business outside)."""
    cluster = (
        clusters.select_related("cluster_type", "profile__publication")
        .filter(code=code, profile__publication__isnull=False)
        .first()
    )
    if cluster is None:
        raise Http404
    return cluster


# Join requests from the public portal (issue 17): the object is the cluster. The
# requester's contact details are personal data, as a member's contacts are: the agency
# and the cluster's own managers see them; the cluster's managers and the programme
# manager answer (a membership starts, as when they add a member).
JOIN_VIEW = "portal.view_join_requests"
JOIN_DECIDE = "portal.decide_join_requests"
rules.add_perm(JOIN_VIEW, is_agency | manages_cluster)
rules.add_perm(JOIN_DECIDE, is_programme_manager | manages_cluster)


def join_requests_cluster(user, clusters, code: str):
    """The cluster `code` of `clusters` (Cluster.objects) whose join requests `user` may
    see (404 otherwise)."""
    cluster = cluster_by_code(clusters, code, "programme", "cluster_type")
    check(user, JOIN_VIEW, cluster)
    return cluster


def join_request_for(user, requests, pk, perm: str = JOIN_VIEW):
    """The join request `pk` of `requests` (the caller's: only those a cluster sees)
    that `user` may see (404 otherwise), and 403 when they may see but not do `perm`."""
    request = get_object_or_404(
        requests.select_related("cluster", "organisation", "decided_by", "membership"), pk=pk
    )
    check(user, perm, request.cluster, visible=JOIN_VIEW)
    return request


# The programme's public page (issue 17): the programme manager writes it; the rest of
# the agency and evaluators see that it exists (403), everyone else gets 404.
PROGRAMME_PAGE_CHANGE = "portal.change_programme_page"
rules.add_perm(PROGRAMME_PAGE_CHANGE, is_programme_manager)


def require_programme_page_editor(user) -> None:
    check(user, PROGRAMME_PAGE_CHANGE, visible="programmes.view_portfolio")


# Rules kept apart by concern, named here like every other rule. The grant cycle (issue
# 19): calls' online applications (access_grants.py), the screening and jury
# (access_review.py), agreements and payments (access_agreements.py), each naming the
# rules it adds in its `__all__`. A cluster's daily
# work with its network (issue 18): its prospects, mailings, invoices and bank statements
# (access_network.py); member self-service, offers and requests (access_selfservice.py).
from clustermonitor.accounts.access_agreements import *  # noqa: E402, F403
from clustermonitor.accounts.access_grants import *  # noqa: E402, F403
from clustermonitor.accounts.access_impact import *  # noqa: E402, F403
from clustermonitor.accounts.access_ladder import *  # noqa: E402, F403
from clustermonitor.accounts.access_network import (  # noqa: E402, F401
    BANKING_CHANGE,
    BANKING_VIEW,
    MAILINGS_SEND,
    MAILINGS_VIEW,
    PROSPECTS_CHANGE,
    PROSPECTS_VIEW,
    banking_cluster,
    invoice_for,
    invoice_of_cluster,
    mailing_for,
    mailings_cluster,
    prospect_for,
    prospect_owners,
    prospects_cluster,
    statement_for,
    statement_line_for,
)
from clustermonitor.accounts.access_review import *  # noqa: E402, F403
from clustermonitor.accounts.access_selfservice import (  # noqa: E402, F401
    SELF_SERVICE,
    SELF_SERVICE_MANAGE,
    SELF_SERVICE_VIEW,
    clusters_of_member,
    contact_to_invite,
    erasure_request_for,
    erasure_requests_for,
    has_member_account,
    member_account,
    member_invoice,
    own_contact,
    postings_for_staff,
    postings_seen_by_member,
    self_service_cluster,
)
