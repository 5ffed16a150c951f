"""Progress reports for every year of operation, written, submitted and approved through
the monitoring services (so each carries its frozen figures, KPI values and history).

The report of the year Table 7 was reported after (year 2, or year 1 for the IBNs of the
second call marked *) carries Table 7's members and collaborations as the reported KPI
values; the records give the same numbers (the demo is calibrated to them), so no reason
is needed. Where they would differ the reason says where the reported value comes from.
Other years report what the records give.
"""

from __future__ import annotations

from clustermonitor.accounts import services as accounts
from clustermonitor.accounts.models import Role
from clustermonitor.core import audit
from clustermonitor.monitoring import services as monitoring
from clustermonitor.monitoring.models import ProgressReport, State
from clustermonitor.programmes.models import Cluster

TABLE7_REASON = "Zoals gerapporteerd aan VLAIO (IBN-evaluatie 2020, tabel 7)."


def _sections(cluster: Cluster, number: int, spec) -> dict[str, str]:
    topics = ", ".join(cluster.keywords[:3]) or cluster.name
    return {
        "achievements": (
            f"In werkingsjaar {number} bouwde {cluster.name} verder aan het netwerk rond "
            f"{topics}: ledenbijeenkomsten, werkgroepen en opleidingen, en nieuwe "
            "samenwerkingsinitiatieven tussen de leden."
        ),
        "internationalisation": (
            "Deelname aan buitenlandse beurzen en een handelsmissie met een delegatie van "
            "leden; contacten met zusterclusters in de buurlanden."
        ),
        "competences": (
            "Opleidingen en masterclasses voor de leden; kennisdeling in de werkgroepen met "
            "de kennisinstellingen van de cluster."
        ),
        "sustainability": (
            f"Toekomst na de VLAIO-steun: {spec.future or 'nog te bepalen'}. De "
            "ledenbijdragen dekken de cofinanciering; de werking wordt afgestemd op wat de "
            "leden willen blijven betalen."
        ),
    }


def cluster_manager(actor: audit.Actor, cluster: Cluster, fake):
    """The cluster's manager who writes its reports: a user without a password (no
    login) and without an e-mail address (the demo's reports notify nobody)."""
    return accounts.create_user(
        actor,
        username=f"demo.{cluster.code.lower()}",
        password=None,
        first_name=fake.first_name(),
        last_name=fake.last_name(),
        role=Role.CLUSTER_MANAGER,
        cluster=cluster,
    )


def reviewer(actor: audit.Actor, fake):
    """The agency's account manager who approves the demo's reports (no login, no e-mail)."""
    user = accounts.create_user(
        actor,
        username="demo.agency",
        password=None,
        first_name=fake.first_name(),
        last_name=fake.last_name(),
        role=Role.ACCOUNT_MANAGER,
    )
    return audit.Actor(user, via=actor.via)


def load(actor: audit.Actor, specs, fake) -> tuple[int, dict, audit.Actor]:
    """Create the periods and an approved report for each. Each cluster's manager
    submits, the agency approves. Returns the reports approved, the managers (as actors)
    by cluster code and the agency's actor."""
    approved = 0
    agency = reviewer(actor, fake)
    managers = {}
    for spec in specs:
        cluster = Cluster.objects.select_related("cluster_type").get(code=spec.code)
        writer = audit.Actor(cluster_manager(actor, cluster, fake), via=actor.via)
        managers[spec.code] = writer
        monitoring.create_periods(actor, cluster)
        reports = ProgressReport.objects.filter(period__cluster=cluster).select_related("period")
        for report in reports.order_by("period__number"):
            if report.state != State.DRAFT or report.versions.exists():
                continue
            kpis = {}
            if report.period.number == spec.report_year_number:
                kpis = {
                    "KPI1": {"reported": str(spec.members), "reason": ""},
                    "KPI3": {"reported": str(spec.collaborations), "reason": ""},
                }
            sections = _sections(cluster, report.period.number, spec)
            monitoring.save_draft(writer, report, sections, kpis)
            try:
                monitoring.submit(writer, report)
            except monitoring.WorkflowError:
                # The records differ from Table 7 (they do not, unless the calibration
                # broke): report Table 7's value and say where it comes from.
                for entry in kpis.values():
                    entry["reason"] = TABLE7_REASON
                monitoring.save_draft(writer, report, sections, kpis)
                monitoring.submit(writer, report)
            monitoring.approve(agency, report, comment="Goedgekeurd.")
            approved += 1
    return approved, managers, agency
