"""Exit plans after Table 7's "Toekomst?" column, and readiness assessments against every
shipped criteria set, through the maturity services (audited, with their rules).

The report's wording maps onto an exit path (future_paths.csv gives the cluster's future
path): continuing independently, integration into the named organisation (a spearhead
cluster when it names one: Blauwe Cluster, SIM), ad-hoc financing, stopping. "Ambitie /
Perspectief naar SPC" (becoming a spearhead cluster itself) has no exit path of its own:
the plan is to continue independently, with the ambition in its notes. A cluster whose
future was "(nog) onduidelijk" has no exit plan, so the worklist shows the gap. Plans
are filed on their due date (six months before the end); the first call's were accepted
a month later, the second call's wait for the account manager.
"""

from __future__ import annotations

import datetime
import random

from clustermonitor.core import audit
from clustermonitor.maturity import services
from clustermonitor.maturity.models import ExitPath, ExitPlan
from clustermonitor.maturity.selectors import exit_plan_due_date, latest_published
from clustermonitor.programmes.models import Cluster

#: Integrations into an organisation that is one of the programme's spearhead clusters.
SPC_BY_ORGANISATION = {"Blauwe Cluster": "BLAUW", "SIM": "SIM"}
PATHS = {
    "independent": ExitPath.INDEPENDENT,
    "integrated": ExitPath.INTEGRATED,
    "adhoc": ExitPath.ADHOC,
    "stopped": ExitPath.STOPS,
    "aims_spc": ExitPath.INDEPENDENT,
}
BUSINESS_MODELS = {
    ExitPath.INDEPENDENT: "Ledenbijdragen (gedifferentieerd naar omvang), betalende "
    "diensten en projectfinanciering dragen de werking zonder VLAIO-steun.",
    ExitPath.INTEGRATED: "De werking gaat over naar {organisation}; de leden blijven "
    "aangesloten via het ledenmodel van die organisatie.",
    ExitPath.MERGES_SPC: "De cluster wordt een werkgroep van de speerpuntcluster "
    "{organisation}; de leden sluiten daar aan.",
    ExitPath.ADHOC: "Tijdelijk verder met projectfinanciering (Europese en Vlaamse "
    "projecten) terwijl een ledenmodel wordt uitgewerkt.",
    ExitPath.STOPS: "De werking stopt bij het einde van de overeenkomst; lopende "
    "samenwerkingen gaan verder bij de partners.",
}


def _plan(cluster: Cluster, spec) -> ExitPlan | None:
    path = PATHS.get(spec.future_path)
    if path is None:
        return None
    organisation = spec.future_organisation
    plan = ExitPlan(cluster=cluster, path=path, notes=f"Toekomst volgens tabel 7: {spec.future}")
    spc_code = SPC_BY_ORGANISATION.get(organisation)
    if path == ExitPath.INTEGRATED and spc_code:
        spc = Cluster.objects.filter(code=spc_code).first()
        if spc is not None:
            plan.path, plan.spc = ExitPath.MERGES_SPC, spc
            organisation = ""
    if plan.path == ExitPath.INTEGRATED:
        plan.organisation = organisation
    if spec.future_path == "aims_spc":
        plan.notes += " — ambitie om zelf speerpuntcluster te worden."
    plan.business_model = BUSINESS_MODELS[plan.path].format(
        organisation=organisation or (plan.spc.name if plan.spc_id else "")
    )
    return plan


def load(
    managers: dict[str, audit.Actor], agency: audit.Actor, specs, programme, rng: random.Random
) -> dict[str, int]:
    """Each cluster's manager files its plan and answers with evidence; the agency
    accepts, assesses and checks."""
    counts = {"exit plans": 0, "assessments": 0}
    sets = latest_published(programme)
    for spec in specs:
        cluster = Cluster.objects.get(code=spec.code)
        manager = managers[spec.code]
        due = exit_plan_due_date(cluster)
        if not ExitPlan.objects.filter(cluster=cluster).exists():
            plan = _plan(cluster, spec)
            if plan is not None:
                services.save_exit_plan(manager, plan)
                services.file_exit_plan(manager, plan, due)
                if spec.call == 1:
                    services.accept_exit_plan(agency, plan, due + datetime.timedelta(days=30))
                counts["exit plans"] += 1
        for criteria_set in sets:
            if cluster.assessments.filter(criteria_set=criteria_set).exists():
                continue
            assessment = services.assess(agency, cluster, criteria_set, due)
            counts["assessments"] += 1
            for answer in assessment.answers.select_related("criterion"):
                if answer.criterion.is_computed or rng.random() < 0.5:
                    continue
                services.answer_evidence(
                    manager, answer, f"Zie het jaarverslag en de bijlagen ({spec.code}).", due
                )
                if rng.random() < 0.7:
                    accept = rng.random() < 0.85
                    services.check_answer(
                        agency,
                        answer,
                        accept=accept,
                        note="" if accept else "Onvoldoende onderbouwd; graag aanvullen.",
                        on=due + datetime.timedelta(days=14),
                    )
    return counts
