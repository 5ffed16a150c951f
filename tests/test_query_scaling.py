"""The number of SQL queries of every list, dashboard and analysis page is the same at ×1
and ×3 (issue 8): no page runs a query per row.

A small synthetic programme is built on the shared world and then grown to three times
its size: three times the clusters, and in each of them three times the members,
contributions, activities, participations, collaborations, reports and survey responses.
Every page is fetched at both sizes as an agency user and the captured queries are
compared. Timing is left to the benchmarks (bench/web).
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone

from clustermonitor.activities.models import Activity, Participation
from clustermonitor.banking.models import BankAccount, Statement, StatementLine
from clustermonitor.collaborations.models import Collaboration, Party, Stage, StageChange
from clustermonitor.core import audit
from clustermonitor.impact.models import AnnualAccounts
from clustermonitor.mailings.models import Consent, Mailing, Suppression
from clustermonitor.members.models import Contact, Contribution
from clustermonitor.monitoring import services as monitoring_services
from clustermonitor.portal.models import ClusterProfile, JoinRequest, ProfilePublication
from clustermonitor.programmes.models import Cluster, ReportedFigure, Target
from clustermonitor.prospects.models import Prospect, ProspectStep
from clustermonitor.surveys.models import Invitation, Questionnaire, Response, Wave
from tests import factories
from tests.conftest import CLUSTER_A, CLUSTER_B

#: Cluster pages are asked for cluster A, whose records grow with the programme.
CODE = CLUSTER_A

#: (route, URL kwargs by name, query string): every list, dashboard and analysis page.
#: `code` is the cluster code, `wave` the survey wave, `slug` the programme.
PAGES = [
    ("programmes:portfolio", {}, ""),
    ("programmes:portfolio-xlsx", {}, ""),
    ("programmes:cluster-detail", {"code": CODE}, ""),
    ("programmes:target-list", {"code": CODE}, ""),
    ("programmes:call-list", {}, ""),
    ("programmes:programme-list", {}, ""),
    ("programmes:programme-detail", {"slug": "slug"}, ""),
    ("programmes:criteria-set-list", {}, ""),
    ("programmes:readiness", {"code": CODE}, ""),
    ("programmes:account", {"code": CODE}, ""),
    ("programmes:exit-plan", {"code": CODE}, ""),
    ("programmes:team", {"code": CODE}, ""),
    ("programmes:aftercare", {"code": CODE}, ""),
    ("programmes:aftercare-list", {}, ""),
    ("programmes:learning-session-list", {}, ""),
    ("programmes:my-attention-points", {}, ""),
    ("monitoring:today", {"code": CODE}, ""),
    ("members:member-list", {"code": CODE}, ""),
    ("mailings:mailing-list", {"code": CODE}, ""),
    ("mailings:consent-list", {"code": CODE}, ""),
    ("members:member-list-xlsx", {"code": CODE}, ""),
    ("members:contribution-list", {"code": CODE}, ""),
    ("billing:invoice-list", {"code": CODE}, ""),
    ("billing:invoice-list", {"code": CODE}, "?status=issued&year=2020"),
    ("members:cofinancing", {"code": CODE}, "?year=2019"),
    ("members:table8", {}, "?year=2019"),
    ("monitoring:participation-cluster", {"code": CODE}, "?on=2019-12-31"),
    ("monitoring:participation", {}, "?on=2019-12-31"),
    ("members:kpis-cluster", {"code": CODE}, "?on=2019-12-31"),
    ("members:kpis", {}, "?on=2019-12-31"),
    ("registry:organisation-list", {}, ""),
    ("registry:quality", {}, ""),
    ("members:quality-cluster", {"code": CODE}, ""),
    ("members:reach", {}, ""),
    ("members:reach-cluster", {"code": CODE}, ""),
    ("registry:kbo-imports", {}, ""),
    ("activities:activity-list", {"code": CODE}, ""),
    ("collaborations:collaboration-list", {"code": CODE}, ""),
    ("collaborations:kpi3-cluster", {"code": CODE}, ""),
    ("collaborations:cluster-network", {"code": CODE}, ""),
    ("collaborations:matchmaking", {"code": CODE}, ""),
    ("collaborations:programme", {}, ""),
    ("collaborations:intercluster", {}, ""),
    ("collaborations:network", {}, ""),
    ("monitoring:dashboard", {}, ""),
    ("monitoring:dashboard", {}, "?type="),
    ("monitoring:trajectories", {}, ""),
    ("monitoring:trajectories-cluster", {"code": CODE}, ""),
    ("monitoring:published", {}, ""),
    ("monitoring:warnings", {}, ""),
    ("monitoring:warnings-cluster", {"code": CODE}, ""),
    ("monitoring:reports", {}, ""),
    ("monitoring:report-list", {"code": CODE}, ""),
    ("surveys:questionnaire-list", {}, ""),
    ("surveys:wave-list", {}, ""),
    ("surveys:wave-detail", {"pk": "wave"}, ""),
    ("surveys:wave-results", {"pk": "wave"}, ""),
    ("surveys:cluster-tracking", {"code": CODE}, ""),
    ("surveys:cluster-results", {"code": CODE}, ""),
    ("accounts:user-list", {}, ""),
    ("accounts:lockout-list", {}, ""),
    ("core:audit-log", {}, ""),
    ("reports:runs", {}, ""),
    ("monitoring:search", {}, "?q=e"),
    ("portal:profiles", {}, ""),
    ("portal:front", {}, ""),
    ("portal:directory", {}, ""),
    ("portal:directory", {}, "?running=on&q=scaling&province=40000&nace=C&near=9000"),
    ("portal:sitemap", {}, ""),
    ("portal:events", {}, "?when=past"),
    ("portal:events", {}, "?cluster=EUKA&kind=workshop&month=2019-05"),
    ("portal:events-feed", {}, ""),
    ("portal:cluster-events-feed", {"code": CODE}, ""),
    ("portal:finder", {}, "?nace=28.99&postcode=3000&q=bouw"),
    ("portal:join-requests", {"code": CODE}, ""),
    ("selfservice:cluster", {"code": CODE}, ""),
    ("prospects:pipeline", {"code": CODE}, ""),
    ("prospects:pipeline", {"code": CODE}, "?stage=meeting&due=week&on=2026-01-31"),
    ("banking:statements", {"code": CODE}, ""),
    ("portal:figures", {}, ""),
    ("portal:figure-csv", {"name": "members"}, ""),
    ("portal:figure-csv-metadata", {"name": "members"}, ""),
    ("portal:figure-json", {"name": "collaborations"}, ""),
    ("agreements:list", {}, ""),
    ("agreements:list", {}, "?call=1&on=2026-01-01"),
    ("agreements:list", {}, "?format=xlsx"),
    # The grant cycle's screening and jury (issue 19): a call whose applications grow.
    ("review:call", {"pk": "review_call"}, ""),
    ("review:criteria", {"pk": "review_call"}, ""),
    ("review:rubric", {"pk": "review_call"}, ""),
    ("review:jury", {"pk": "review_call"}, ""),
    ("review:ranking", {"pk": "review_call"}, ""),
    ("review:ranking", {"pk": "review_call"}, "?format=xlsx"),
    # The economic-impact estimate (issue 20): members and their annual accounts grow.
    ("impact:effects", {}, ""),
    ("impact:effects", {}, "?format=json&on=2026-01-01&outcome=turnover"),
    ("impact:cluster-effects", {"code": CODE}, ""),
    ("impact:accounts-imports", {}, ""),
    # The maturity ladder and labels (issue 21).
    ("programmes:ladder", {}, ""),
    ("programmes:ladder", {}, "?on=2025-01-01"),
    ("programmes:labels", {}, ""),
    ("programmes:ladder-cluster", {"code": CODE}, ""),
    ("programmes:ladder-readiness", {"code": CODE}, ""),
    # Live benchmarking (issue 21): every indicator of every cluster, the references.
    ("programmes:benchmark", {}, ""),
    ("programmes:benchmark", {}, "?on=2019-06-30&format=xlsx"),
    ("programmes:cluster-benchmark", {"code": CODE}, "?on=2019-06-30"),
    ("programmes:benchmark-references", {}, ""),
]

#: Routes that are not list, dashboard or analysis pages: forms, actions, downloads of a
#: single object, detail pages of one record. A new route must be added to PAGES or here.
NOT_LISTS = (
    "-map",  # the members' maps: pictures, from the same query as their page (measured)
    "create", "new", "edit", "delete", "import", "lookup", "generate", "commit", "rejected",
    "submit", "return", "approve", "reopen", "accept", "publish", "close", "remind", "send",
    "mark-sent", "invite", "active", "remove", "assess", "evidence", "check", "file", "add",
    "stage", "respond", "login", "logout", "password", "profile", "home", "detail", "version",
    "download", "upload", "xlsform", "mail-merge", "tracking-xlsx", "raw", "end-missing",
    "review", "my-cluster", "set_language", "fee-schedule", "periods", "attachment",
    "history", "run-file", "pay", "healthz", "otp", "unlock", "retry", "robots",
    "ask-to-join", "join-sent", "join-confirm", "decline", "personal-data", "matching",
    "carry-out", "prospect-move", "prospect-fee", "progress", "unsubscribe", "settings",
    "issue", "cancel", "credit", "pdf", "ubl", "assign", "ignore", "register",
    "acknowledgement", "withdraw", "started",
    "amend", "condition-met", "for-cluster", "from-application",
    "decision", "screening", "declare", "score", "letter",
)  # fmt: skip

#: A member contact's own lists (issue 18), measured as that persona, its account linked
#: to a member of cluster A (`test_a_member_contacts_lists_...`).
MEMBER_PAGES = [
    ("selfservice:board", {}, ""),
    ("selfservice:board", {}, "?kind=offer&technology=t1"),
    ("selfservice:directory", {}, ""),
]


def _route_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif pattern.name and not str(pattern.pattern).startswith("api/"):
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


#: Detail pages and forms named by their route (a word would hide other apps' lists).
NOT_LIST_ROUTES = {"grants:application", "grants:form", "grants:call-setup", "portal:call"}
#: Issue 21's team and aftercare forms and actions.
NOT_LIST_ROUTES |= {"programmes:assignment-end", "programmes:follow-up-count"}
#: The online applications' lists (issue 19), measured in tests/test_grants_scaling.py.
GRANTS_PAGES = {"grants:received", "grants:mine", "portal:calls"}


def test_every_list_page_is_measured():
    measured = {name for name, _kwargs, _query in PAGES + MEMBER_PAGES} | GRANTS_PAGES
    unlisted = sorted(
        name
        for name in _route_names() - measured - NOT_LIST_ROUTES
        if not any(word in name.split(":")[-1] for word in NOT_LISTS)
        and not name.startswith(("ninja", "api"))
    )
    assert unlisted == [], "add these pages to PAGES (or to NOT_LISTS when they are not lists)"


class Programme:
    """The synthetic programme, grown one unit at a time."""

    def __init__(self):
        self.a = Cluster.objects.get(code=CLUSTER_A)
        self.b = Cluster.objects.get(code=CLUSTER_B)
        self.units = 0
        self.orgs = 0
        from clustermonitor.accounts.models import User

        self.owner = User.objects.get(username="cluster_manager_a")  # owns the prospects
        # Cluster A's profile is published: its public calendar and feed grow with it.
        ClusterProfile.objects.create(
            cluster=self.a,
            publication=ProfilePublication.objects.create(
                cluster=self.a, data={"description": "A"}, published_at=timezone.now()
            ),
        )
        questionnaire = Questionnaire.objects.create(
            programme=self.a.programme,
            title="Scaling",
            version="test",
            xlsform="surveys/forms/test.xlsx",
            sha256="0" * 64,
            definition={
                "questions": [
                    {
                        "name": "q2",
                        "type": "select_one",
                        "label": {"nl": "Relevantie", "en": "Relevance"},
                        "required": False,
                        "choices": [
                            {"name": str(i), "label": {"nl": str(i), "en": str(i)}}
                            for i in range(1, 5)
                        ],
                    }
                ]
            },
        )
        self.wave = Wave.objects.create(
            questionnaire=questionnaire,
            name="Scaling wave",
            opens_on=datetime.date(2020, 1, 6),
            closes_on=datetime.date(2020, 2, 7),
        )
        self.wave.clusters.set([self.a, self.b])
        from tests import review_helpers

        self.review_call = review_helpers.new_call(61)
        review_helpers.criteria(self.review_call)
        review_helpers.rubric(self.review_call)
        self.jury = [review_helpers.reviewer(f"scaling{i}") for i in (1, 2)]

    def _grow_review(self, n):
        """The call's applications: one submitted, one in review scored by the jury."""
        from tests import review_helpers

        review_helpers.application(self.review_call, f"Ingediend {n} vzw")
        in_review = review_helpers.screened(self.review_call, f"Beoordeeld {n} vzw")
        for user in self.jury:
            review_helpers.scored(in_review, user, (5 + n % 3, 7))

    def _organisation(self, **values):
        self.orgs += 1
        return factories.organisation(
            7000 + self.orgs, name=f"Scaling {self.orgs} NV", postcode="9000", **values
        )

    def _invoice(self, cluster, org):
        """An issued invoice with a reminder (the invoices list grows with the members)."""
        from clustermonitor.billing.models import Invoice, Reminder

        invoice = Invoice.objects.create(
            cluster=cluster,
            organisation=org,
            year=2020,
            sequence=self.orgs,
            number=f"{cluster.code}-2020-{self.orgs:05d}",
            issued_on=datetime.date(2020, 2, 1),
            due_on=datetime.date(2020, 3, 2),
            vat_regime="standard",
            net_total=1000,
            vat_total=210,
            total=1210,
            status=Invoice.Status.ISSUED,
        )
        Reminder.objects.create(invoice=invoice, level=1, sent_on=datetime.date(2020, 3, 9))

    def grow(self):
        """One more unit: a new cluster, and in cluster A, cluster B and the new cluster
        two members with contacts and fees, an activity, a collaboration, responses."""
        self.units += 1
        n = self.units
        new = Cluster.objects.create(
            programme=self.a.programme,
            code=f"SCALE{n}",
            name=f"Scaling {n}",
            cluster_type=self.a.cluster_type,
            call=self.a.call,
            embedding=self.a.embedding,
            start_date=self.a.start_date,
            end_date=self.a.end_date,
            subsidy=self.a.subsidy,
            keywords=["scaling", f"topic {n}"],
        )
        self.wave.clusters.add(new)
        ClusterProfile.objects.create(
            cluster=new,
            description=f"Scaling {n}",
            publication=ProfilePublication.objects.create(
                cluster=new, data={"description": f"Scaling {n}"}, published_at=timezone.now()
            ),
        )
        for code in ("KPI1", "KPI2", "KPI3"):
            kpi = new.programme.kpis.get(code=code)
            Target.objects.create(
                cluster=new, kpi=kpi, due_date=Target.default_due_date(new), value=50
            )
        ReportedFigure.objects.create(
            cluster=new,
            metric="KPI1",
            value=10 + n,
            basis=ReportedFigure.Basis.REPORTED_1Y,
            period_end=datetime.date(2018, 12, 31),
            source="scaling test",
            source_date=datetime.date(2019, 6, 30),
        )
        monitoring_services.create_periods(audit.Actor.system("scaling"), new)
        # Its management team (issue 21: the benchmark's management indicators).
        from clustermonitor.maturity.models_ladder import StaffAssignment, StaffMember, Training

        staff = StaffMember.objects.create(cluster=new, name=f"Manager {n}")
        StaffAssignment.objects.create(
            staff=staff, role="manager", start_date=new.start_date, fte=1
        )
        Training.objects.create(staff=staff, title="ESCA", completed_on=datetime.date(2019, 5, 1))
        # Its agreement with an advance paid (the agreements' list grows with it).
        from clustermonitor.agreements import services as agreements

        agreement = agreements.create_for_cluster(
            audit.Actor.system("scaling"), new, signed_on=new.start_date, periods=False
        )
        agreements.record_payment(
            audit.Actor.system("scaling"),
            agreement.tranches.get(number=1),
            paid_on=new.start_date,
            reference=f"SCALE-{n}",
            amount=agreement.tranches.get(number=1).amount,
        )
        self._grow_review(n)
        now = timezone.now()
        for cluster in (self.a, self.b, new):
            orgs = []
            for i in range(2):
                org = self._organisation()
                orgs.append(org)
                membership = factories.membership(org, cluster, start=datetime.date(2018, 1, 1))
                for year in (2016, 2017, 2018, 2019):
                    AnnualAccounts.objects.create(
                        organisation=org,
                        period_end=datetime.date(year, 12, 31),
                        filed_on=datetime.date(year + 1, 7, 1),
                        fte=5 + i + year % 3,
                        turnover=900_000 + year,
                        source=AnnualAccounts.Source.CSV,
                    )
                Contact.objects.create(membership=membership, name=f"Contact {self.orgs}")
                for year, status in ((2018, "paid"), (2019, "paid"), (2020, "expected")):
                    Contribution.objects.create(
                        membership=membership, year=year, amount=1000 + 100 * i, status=status
                    )
                Consent.objects.create(
                    cluster=cluster,
                    email=f"contact{self.orgs}@example.org",
                    basis=Consent.Basis.CONSENT,
                    given_on=datetime.date(2019, 1, 1),
                    source="scaling",
                )
                Suppression.objects.create(
                    cluster=cluster,
                    email=f"gone{self.orgs}@example.org",
                    reason="manual",
                    since=now,
                )
                self._invoice(cluster, org)
                JoinRequest.objects.create(
                    cluster=cluster,
                    enterprise_number=org.enterprise_number,
                    company_name=org.name,
                    contact_name=f"Asker {self.orgs}",
                    email=f"asker{self.orgs}@example.org",
                    consent_text="yes",
                    state=JoinRequest.State.OPEN if i else JoinRequest.State.DECLINED,
                    confirmed_at=now,
                )
                prospect = Prospect.objects.create(
                    cluster=cluster,
                    stage="meeting" if i else "new",
                    enterprise_number=org.enterprise_number,
                    company_name=org.name,
                    contact_name=f"Prospect {self.orgs}",
                    owner=self.owner,
                    next_step_date=datetime.date(2026, 1, 1),
                )
                ProspectStep.objects.create(prospect=prospect, to_stage="new", by=self.owner)
                if i:
                    ProspectStep.objects.create(
                        prospect=prospect, from_stage="new", to_stage="meeting", by=self.owner
                    )
                invitation = Invitation.objects.create(
                    wave=self.wave,
                    organisation=org,
                    cluster=cluster,
                    token_hash=f"{self.orgs:064d}",
                    nonce=str(self.orgs),
                    profile={"cluster": cluster.code, "size": "small"},
                )
                Response.objects.create(
                    wave=self.wave,
                    invitation=invitation,
                    source=Response.Source.WEB,
                    answers={"q2": str(1 + i)},
                    profile=invitation.profile,
                    started_at=now,
                    last_saved_at=now,
                    completed_at=now,
                )
            Mailing.objects.create(
                cluster=cluster, segment="members", subject_nl=f"Nieuws {n}", body_nl="Tekst"
            )
            activity = Activity.objects.create(
                title=f"Workshop {n} {cluster.code}",
                kind="workshop",
                date="2019-05-01",
                public=True,
            )
            activity.clusters.add(cluster)
            for org in orgs:
                Participation.objects.create(activity=activity, organisation=org, name="P")
            Participation.objects.create(
                activity=activity, name="Guest", organisation_name="Elsewhere", is_guest=True
            )
            collaboration = Collaboration.objects.create(
                programme=cluster.programme,
                title=f"Project {n} {cluster.code}",
                start_date=datetime.date(2019, 3, 1),
            )
            collaboration.clusters.add(cluster, *([self.b] if cluster == new else []))
            for org in orgs:
                Party.objects.create(collaboration=collaboration, organisation=org)
            StageChange.objects.create(
                collaboration=collaboration, stage=Stage.IDEA, date=datetime.date(2019, 1, 1)
            )
        # Cluster A's bank statements: one more, with lines that wait and one matched.
        account = BankAccount.objects.get_or_create(cluster=self.a, iban="BE71096123456769")[0]
        statement = Statement.objects.create(
            account=account,
            number=f"2019/{n:03d}",
            format="coda",
            date=datetime.date(2019, 3, n),
            opening_date=datetime.date(2019, 3, n),
            opening_balance=0,
            closing_balance=30,
            file_name="scaling.cod",
            file_sha256=f"{n:064d}",
            digest=f"{n:064d}",
        )
        for position, status in enumerate(("unmatched", "unmatched", "ignored"), start=1):
            StatementLine.objects.create(
                statement=statement,
                position=position,
                amount=10,
                value_date=statement.date,
                counterparty_name=f"Payer {n}.{position}",
                communication="lidgeld",
                status=status,
            )


def _url(name, kwargs, query, programme):
    named = {"wave": programme.wave.pk, "slug": programme.a.programme.slug}
    named["review_call"] = programme.review_call.pk
    values = {key: named.get(value, value) for key, value in kwargs.items()}
    return reverse(name, kwargs=values) + query


def _counts(client, programme) -> dict[str, int]:
    counts = {}
    for name, kwargs, query in PAGES:
        url = _url(name, kwargs, query, programme)
        cache.clear()  # results kept by their data version are computed each time here
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(captured.captured_queries)
    return counts


@pytest.mark.django_db
@pytest.mark.slow
def test_the_query_count_of_every_page_is_the_same_at_x1_and_x3(client_for):
    client = client_for("programme_manager")
    programme = Programme()
    programme.grow()
    _counts(client, programme)  # warm-up: first-request caches (content types, sessions)
    once = _counts(client, programme)
    programme.grow()
    programme.grow()
    thrice = _counts(client, programme)
    grew = {url: (once[url], thrice[url]) for url in once if thrice[url] != once[url]}
    assert grew == {}, f"queries grow with the data (×1, ×3): {grew}"


@pytest.mark.django_db
def test_a_member_contacts_lists_read_the_same_queries_at_x1_and_x3(client_for):
    from clustermonitor.accounts.models import User
    from clustermonitor.selfservice.models import (
        CompetenceProfile,
        Interest,
        MemberAccount,
        Posting,
        Technology,
    )

    a = Cluster.objects.get(code=CLUSTER_A)
    own = factories.organisation(7900, name="Eigen NV")
    factories.membership(own, a)
    MemberAccount.objects.create(user=User.objects.get(username="member_contact"), organisation=own)
    client = client_for("member_contact")
    made = []

    def grow():
        i = len(made) + 1
        org = factories.organisation(7900 + i, name=f"Lid {i} NV")
        factories.membership(org, a)
        tags = [Technology.objects.create(name=f"t{i}-{j}", key=f"t{i}-{j}") for j in range(3)]
        tags.append(Technology.objects.get_or_create(name="t1", key="t1")[0])
        profile = CompetenceProfile.objects.create(organisation=org, visibility="members")
        profile.technologies.set(tags)
        for kind in ("offer", "request"):
            posting = Posting.objects.create(
                organisation=org, cluster=a, kind=kind, title=f"{kind} {i}", description="d"
            )
            posting.technologies.set(tags)
            Interest.objects.create(posting=posting, organisation=own, cluster=a, message="m")
        made.append(org)

    def counts():
        found = {}
        for name, kwargs, query in MEMBER_PAGES:
            url = reverse(name, kwargs=kwargs) + query
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200, url
            found[url] = len(captured.captured_queries)
        return found

    grow()
    counts()  # warm-up
    once = counts()
    grow()
    grow()
    thrice = counts()
    assert once == thrice, f"queries grow with the data (×1, ×3): {once} {thrice}"


@pytest.mark.django_db
def test_kept_kpis_follow_the_records(settings):
    """The dashboard's KPIs are kept by the version of the records (core.memo): asked
    again they cost one query; after a write they are computed afresh, never stale."""
    from clustermonitor.monitoring.dashboard import computed_kpis

    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    cluster = Cluster.objects.get(code=CLUSTER_A)
    until = datetime.date(2019, 12, 31)
    first = computed_kpis([cluster], until)
    with CaptureQueriesContext(connection) as captured:
        assert computed_kpis([cluster], until) == first
    assert len(captured.captured_queries) == 1  # the data version only
    membership = factories.membership(
        factories.organisation(7999), cluster, start=datetime.date(2018, 1, 1)
    )
    Contribution.objects.create(
        membership=membership,
        year=2019,
        amount=500,
        status="paid",
        paid_on=datetime.date(2019, 3, 1),  # a payment counts from its date (issue 14)
    )
    after = computed_kpis([cluster], until)
    assert after.values[CLUSTER_A]["KPI1"] == first.values[CLUSTER_A]["KPI1"] + 1


def test_fast_betweenness_equals_networkx():
    """The network page's brokers: the matrix betweenness gives networkx's values."""
    import networkx as nx

    from clustermonitor.analysis.network import betweenness_centrality

    for seed in range(4):
        graph = nx.gnm_random_graph(40 + 10 * seed, 70 + 30 * seed, seed=seed)
        graph.add_edges_from([(900, 901), (901, 902), (950, 950)])  # a path and a self-loop
        expected = nx.betweenness_centrality(graph, normalized=True)
        found = betweenness_centrality(graph)
        assert list(found) == list(expected)
        assert found == pytest.approx(expected, abs=1e-12)
