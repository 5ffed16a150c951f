"""What the menu offers this user: a handful of groups of pages, each holding only the
pages the user may open (the same permissions as the pages themselves check), the trail
of breadcrumbs to the page shown, and, on a cluster's pages, the cluster's tabs."""

from types import SimpleNamespace

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The main menu: (group, [(label, url name, permission or None for everyone)]).
# A group without a page the user may open is left out.
MENU = [
    (
        _("My organisation"),
        [
            (_("My organisation"), "selfservice:home", "selfservice.use"),
            (_("Offers and requests"), "selfservice:board", "selfservice.use"),
            (_("My personal data"), "selfservice:personal-data", "selfservice.use"),
        ],
    ),
    (
        _("Applications"),
        [
            # An applicant's own applications to the programme's calls (issue 19).
            (_("My applications"), "grants:mine", "grants.apply"),
        ],
    ),
    (
        _("Programme"),
        [
            (_("Programme"), "programmes:programme-list", "programmes.view_portfolio"),
            (_("Calls"), "programmes:call-list", "programmes.view_calls"),
            (_("Agreements and payments"), "agreements:list", "agreements.view_programme"),
            (_("My assignments"), "review:my-assignments", "review.view_my_assignments"),
            (_("Dashboard"), "monitoring:dashboard", "registry.view_registry"),
            (_("Criteria"), "programmes:criteria-set-list", "programmes.view_criteria"),
            (_("Maturity ladder"), "programmes:ladder", "maturity.view_ladder_programme"),
            (_("Public profiles"), "portal:profiles", "portal.view_profiles"),
            (_("Programme page"), "portal:programme-page-edit", "portal.change_programme_page"),
        ],
    ),
    (
        _("Clusters"),
        [
            (_("Portfolio"), "programmes:portfolio", None),
            # and the user's own clusters (_own_clusters)
        ],
    ),
    (
        _("Members & activities"),
        [
            (_("Organisations"), "registry:organisation-list", "registry.view_registry"),
            (_("Reach"), "members:reach", "registry.view_registry"),
            (_("Co-financing"), "members:table8", "registry.view_registry"),
            ("KPI", "members:kpis", "registry.view_registry"),
            (_("Collaborations"), "collaborations:programme", "registry.view_registry"),
        ],
    ),
    (
        _("Follow-up"),
        [
            (_("Worklist"), "monitoring:warnings", "programmes.view_account"),
            (_("Progress reports"), "monitoring:reports", "registry.view_registry"),
            (_("Data quality"), "registry:quality", "registry.view_registry"),
            (_("Learning network"), "programmes:learning-session-list", "programmes.view_account"),
            (_("Aftercare"), "programmes:aftercare-list", "maturity.view_ladder_programme"),
        ],
    ),
    (
        _("Evaluation"),
        [
            (_("Survey"), "surveys:wave-list", "surveys.manage_surveys"),
            (_("Economic effects"), "impact:effects", "impact.view_programme"),
            (_("Benchmark"), "programmes:benchmark", "maturity.view_ladder_programme"),
            (_("Evaluation report"), "reports:runs", "reports.generate_report"),
        ],
    ),
    (
        _("Administration"),
        [
            ("KBO", "registry:kbo-imports", "registry.run_kbo_import"),
            (_("Users"), "accounts:user-list", "accounts.manage_users"),
            (_("Audit log"), "core:audit-log", "core.view_audit"),
        ],
    ),
]

# A cluster's pages as tabs in a few groups: (group, [(label, url name, who)]), where
# "records" is whoever reads the cluster's records (every tab's page checks that itself),
# "account" the agency's account managers, "warnings" those and the cluster's managers.
CLUSTER_TABS = [
    (
        _("Overview"),
        [
            (_("Profile"), "programmes:cluster-detail", "records"),
            (_("Public profile"), "portal:profile", "records"),
            (_("Today"), "monitoring:today", "records"),
            (_("Targets"), "programmes:target-list", "records"),
            (_("Warnings"), "monitoring:warnings-cluster", "warnings"),
            (_("Account management"), "programmes:account", "account"),
        ],
    ),
    (
        _("Members & activities"),
        [
            (_("Members"), "members:member-list", "records"),
            (_("Join requests"), "portal:join-requests", "warnings"),
            (_("Prospects"), "prospects:pipeline", "warnings"),
            (_("Self-service"), "selfservice:cluster", "warnings"),
            (_("Contributions"), "members:contribution-list", "records"),
            (_("Invoices"), "billing:invoice-list", "records"),
            (_("Bank statements"), "banking:statements", "bank"),
            (_("Activities"), "activities:activity-list", "records"),
            (_("Collaborations"), "collaborations:collaboration-list", "records"),
            (_("Mailings"), "mailings:mailing-list", "warnings"),
            (_("Participation"), "monitoring:participation-cluster", "records"),
            (_("Reach"), "members:reach-cluster", "records"),
        ],
    ),
    (
        _("Figures"),
        [
            ("KPI 1 & 2", "members:kpis-cluster", "records"),
            ("KPI 3", "collaborations:kpi3-cluster", "records"),
            (_("Co-financing"), "members:cofinancing", "records"),
            (_("Progress reports"), "monitoring:report-list", "records"),
            (_("Data quality"), "members:quality-cluster", "records"),
            (_("Economic effects"), "impact:cluster-effects", "records"),
        ],
    ),
    (
        pgettext_lazy("cluster tabs", "Future"),
        [
            (_("Trajectories"), "monitoring:trajectories-cluster", "records"),
            (_("Survey"), "surveys:cluster-tracking", "records"),
            (_("Readiness"), "programmes:readiness", "records"),
            (_("Ladder"), "programmes:ladder-cluster", "records"),
            (_("Benchmark"), "programmes:cluster-benchmark", "records"),
            (_("Exit plan"), "programmes:exit-plan", "records"),
            (_("Team"), "programmes:team", "records"),
            (_("Aftercare"), "programmes:aftercare", "records"),
        ],
    ),
]


#: A cluster's pages whose address has no cluster code (a record's own page): the tab
#: they lie below. Their views hand the cluster to the template (`cluster`).
PARENT_TAB = {
    "activities:activity-detail": "activities:activity-list",
    "activities:attendee-import": "activities:activity-list",
    "registrations:event-detail": "activities:activity-list",
    "collaborations:collaboration-detail": "collaborations:collaboration-list",
    "members:membership-detail": "members:member-list",
    "billing:invoice-detail": "billing:invoice-list",
    "portal:join-request-detail": "portal:join-requests",
    "prospects:prospect-detail": "prospects:pipeline",
    "prospects:prospect-edit": "prospects:pipeline",
    "banking:statement-detail": "banking:statements",
    "banking:line-detail": "banking:statements",
    "members:import-detail": "members:member-list",
    "imports:import-detail": "members:member-list",
    "monitoring:report-detail": "monitoring:report-list",
    "monitoring:version-detail": "monitoring:report-list",
    "programmes:assessment-detail": "programmes:readiness",
}

register = template.Library()  # settings.TEMPLATES: {% load navigation %}


@register.simple_tag(takes_context=True)
def workspace(context):
    """The breadcrumbs and a cluster's tabs of the page being rendered: those of its
    address (`nav`), or, on a record's own page whose view hands the template its
    `cluster`, the way to that cluster and its tabs, for whoever reads its records."""
    nav = context.get("nav") or {}
    crumbs, tabs = nav.get("crumbs", []), nav.get("cluster_tabs", [])
    request = context.get("request")
    cluster = context.get("cluster")
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    if (
        not nav
        or tabs
        or here not in PARENT_TAB
        or not getattr(cluster, "code", None)
        or not request.user.has_perm("programmes.view_cluster_records", cluster)
    ):
        return {"crumbs": crumbs, "tabs": tabs}
    from clustermonitor.accounts import access

    view = SimpleNamespace(pk=cluster.pk, code=cluster.code)
    view.can_account = request.user.has_perm("programmes.view_account")
    view.can_warnings = view.can_account or access.manages_cluster(request.user, view)
    tab = PARENT_TAB[here]
    crumbs = [
        {"label": _("Portfolio"), "url": reverse("programmes:portfolio")},
        {"label": cluster.code, "url": reverse("programmes:cluster-detail", args=[cluster.code])},
    ]
    for _group, entries in CLUSTER_TABS:
        for text, name, _who in entries:
            if name == tab:
                crumbs.append({"label": text, "url": reverse(name, args=[cluster.code])})
    return {"crumbs": crumbs, "tabs": _cluster_tabs(request.user, view, here)}


def navigation(request):
    """What the menu offers this user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    from clustermonitor.accounts.twofactor import pending_step

    step = pending_step(request)
    if step is not None:  # password given, second step not yet: no menu
        return {"nav": {}, "second_step": step}
    match = getattr(request, "resolver_match", None)
    here = match.view_name if match else ""
    own = _own_clusters(user)
    on_cluster = match is not None and "code" in match.kwargs and not here.startswith("api:")
    menu = _menu(user, own, request.path, on_cluster)
    cluster = _cluster_of(user, match, own)
    return {
        "nav": {
            "portfolio": True,
            "calls": user.has_perm("programmes.view_calls"),
            "programmes": user.has_perm("programmes.view_portfolio"),
            "audit": user.has_perm("core.view_audit"),
            "users": user.has_perm("accounts.manage_users"),
            "registry": user.has_perm("registry.view_registry"),
            "kbo": user.has_perm("registry.run_kbo_import"),
            "worklist": user.has_perm("programmes.view_account"),
            "criteria": user.has_perm("programmes.view_criteria"),
            "surveys": user.has_perm("surveys.manage_surveys"),
            "reports": user.has_perm("reports.generate_report"),
            "own_cluster_codes": [code for _pk, code in own],
            "own_clusters": sorted(user.managed_cluster_ids),
            "menu": menu,
            "cluster_tabs": _cluster_tabs(user, cluster, here) if cluster else [],
            "crumbs": _crumbs(menu, match, here, request.path),
        }
    }


def _item(label, name, *args, current_path=""):
    url = reverse(name, args=args)
    return {"label": label, "url": url, "name": name, "current": url == current_path}


def _menu(user, own, path, on_cluster=False) -> list[dict]:
    """The groups of the main menu with the pages this user may open, in order; the
    group of the page shown is marked (a cluster's pages belong to Clusters)."""
    groups = []
    for label, entries in MENU:
        items = [
            _item(text, name, current_path=path)
            for text, name, perm in entries
            if perm is None or user.has_perm(perm)
        ]
        clusters = entries[0][1] == "programmes:portfolio"
        if clusters:
            items += [_item(code, "monitoring:today", code, current_path=path) for _pk, code in own]
        if items:
            current = _holds(items, path) or (clusters and on_cluster)
            groups.append({"label": label, "items": items, "current": current})
    return groups


def _holds(items, path) -> bool:
    """Whether the page at `path` is one of these items or below one of them."""
    return any(path.startswith(item["url"]) for item in items)


def _cluster_of(user, match, own):
    """The cluster whose page this is (a `code` in the URL) if the user reads its
    records, else None: its tabs are for those who do. Without a query: the permission
    needs the cluster's pk only for a cluster manager, whose clusters `own` holds (a
    code that names no cluster gets the page's 404, which shows no tabs)."""
    if match is None or "code" not in match.kwargs or match.view_name.startswith("api:"):
        return None
    from clustermonitor.accounts import access

    code = match.kwargs["code"]
    cluster = SimpleNamespace(pk=dict((c, pk) for pk, c in own).get(code), code=code)
    if not user.has_perm("programmes.view_cluster_records", cluster):
        return None
    cluster.can_account = user.has_perm("programmes.view_account")
    cluster.can_warnings = cluster.can_account or access.manages_cluster(user, cluster)
    return cluster


def _cluster_tabs(user, cluster, here) -> list[dict]:
    allowed = {
        "records": True,
        "account": cluster.can_account,
        "warnings": cluster.can_warnings,
        "bank": user.has_perm("banking.view_statements", cluster),
    }
    groups = []
    for label, entries in CLUSTER_TABS:
        items = []
        for text, name, who in entries:
            if not allowed[who]:
                continue
            try:
                url = reverse(name, args=[cluster.code])
            except NoReverseMatch:  # a code that no URL takes
                return []
            items.append({"label": text, "url": url, "name": name, "current": name == here})
        if items:
            groups.append(
                {"label": label, "items": items, "current": any(i["current"] for i in items)}
            )
    return groups


def _crumbs(menu, match, here, path) -> list[dict]:
    """The way to this page from the top: nothing on the home page or a page of the main
    menu itself; on a cluster's page the portfolio, the cluster and the tab it lies below;
    elsewhere the menu's group and the menu page the address lies below, or else the
    portfolio."""
    items = [item for group in menu for item in group["items"]]
    if here == "programmes:home" or any(item["url"] == path for item in items):
        return []  # the home page is the top
    portfolio = {"label": _("Portfolio"), "url": reverse("programmes:portfolio")}
    code = match.kwargs.get("code") if match is not None else None
    if code is not None and not here.startswith("api:"):
        try:
            detail = reverse("programmes:cluster-detail", args=[code])
        except NoReverseMatch:
            return [portfolio]
        crumbs = [portfolio, {"label": code, "url": detail}]
        for _group, entries in CLUSTER_TABS:
            for text, name, _who in entries:
                url = reverse(name, args=[code])
                if url != detail and url != path and path.startswith(url):
                    crumbs.append({"label": text, "url": url})
        if path == detail:
            crumbs[-1] = {"label": code, "current": True}
        return crumbs
    best = None
    namespace = here.partition(":")[0]
    for group in menu:
        for item in group["items"]:
            # Below a page of the same app (/kpis/ is the members' KPI page, /kpis/5/edit/
            # a programme KPI's form).
            if (
                path.startswith(item["url"])
                and item["name"].partition(":")[0] == namespace
                and (best is None or len(item["url"]) > len(best[1]["url"]))
            ):
                best = (group, item)
    if best is None:
        return [portfolio] if here != "programmes:portfolio" else []
    return [{"label": best[0]["label"]}, {"label": best[1]["label"], "url": best[1]["url"]}]


def _own_clusters(user) -> list[tuple[int, str]]:
    if not user.managed_cluster_ids:
        return []
    from clustermonitor.programmes.models import Cluster

    return list(
        Cluster.objects.filter(pk__in=user.managed_cluster_ids)
        .order_by("code")
        .values_list("pk", "code")
    )
