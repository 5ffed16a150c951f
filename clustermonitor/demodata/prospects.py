"""The demo's prospects (issue 18): the live clusters (demodata.live: EUKA2, BIM2, HYDRO)
each get a small pipeline, so that a cluster manager's inbox shows next steps due and the
pipeline its expected new members against the KPI 2 target.

Companies of the registry that are not members of the cluster, drawn from a generator
seeded by the seed and the day of the load; the steps placed in the weeks before it. No
prospect joins: nothing here starts a membership or a fee, so no figure changes (the 2020
report reads no prospect, and the live clusters' KPIs stay as they were)."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.programmes.models import Cluster
from clustermonitor.prospects import services
from clustermonitor.prospects.models import LostReason, Prospect, Source, Stage
from clustermonitor.registry.models import Organisation

#: Per live cluster: who owns its prospects (the demo login), and its pipeline as
#: (stage reached, source, next step, days from the load to the next step, lost reason).
PIPELINES = {
    "EUKA2": "cluster.euka",
    "BIM2": "cluster.bim",
    "HYDRO": None,
}
SHAPE = (
    (Stage.NEW, Source.EVENT, "Uitnodigen voor de werkgroep", -2, ""),
    (Stage.NEW, Source.REFERRAL, "Eerste telefoon", 0, ""),
    (Stage.CONTACTED, Source.IMPORT, "Voorstel ledenbijdrage sturen", 5, ""),
    (Stage.MEETING, Source.REFERRAL, "Kennismaking op de site", 9, ""),
    (Stage.LOST, Source.EVENT, "", None, LostReason.TOO_EXPENSIVE),
)
ORDER = (Stage.NEW, Stage.CONTACTED, Stage.MEETING)
FIRST_NAMES = ("An", "Bart", "Charlotte", "Dries", "Eva", "Frank", "Griet", "Hans")
LAST_NAMES = ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes")


@transaction.atomic
def load(seed: int = 1, today: datetime.date | None = None) -> dict:
    """Add the live clusters' pipelines; a second run changes nothing."""
    today = today or timezone.localdate()
    actor = audit.Actor.system("demo")
    written = 0
    now = timezone.now()
    for code, username in PIPELINES.items():
        cluster = Cluster.objects.filter(code=code).first()
        if cluster is None or Prospect.objects.filter(cluster=cluster).exists():
            continue
        owner = User.objects.filter(username=username).first() if username else None
        rng = random.Random(f"clustermonitor-demo-prospects:{seed}:{today.isoformat()}:{code}")
        pool = list(
            Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
            .exclude(enterprise_number__isnull=True)
            .exclude(memberships__cluster=cluster)
            .order_by("pk")[:300]
        )
        for (stage, source, step, days, reason), company in zip(
            SHAPE, rng.sample(pool, min(len(pool), len(SHAPE))), strict=False
        ):
            added = now - datetime.timedelta(days=rng.randint(20, 40))
            person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            prospect = services.create(
                actor,
                Prospect(
                    cluster=cluster,
                    stage=Stage.NEW,
                    source=source,
                    enterprise_number=company.enterprise_number,
                    company_name=company.name,
                    owner=owner,
                    contact_name=person,
                    contact_email=person.lower().replace(" ", ".") + "@example.org",
                    next_step=step,
                    next_step_date=today + datetime.timedelta(days=days)
                    if days is not None
                    else None,
                ),
                at=added,
            )
            moved = added
            target = ORDER.index(stage) if stage in ORDER else 1
            for later in ORDER[1 : target + 1]:
                moved = moved + datetime.timedelta(days=rng.randint(3, 8))
                services.move(actor, prospect, later, at=moved)
            if stage == Stage.LOST:
                services.lose(
                    actor,
                    prospect,
                    reason,
                    note="Budget pas volgend jaar",
                    at=moved + datetime.timedelta(days=4),
                )
            written += 1
    return {"prospects": written}
