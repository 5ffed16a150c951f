"""Reference data 2020 of the collaborations: the intercluster calls and projects of
table 10 (read with the rest by clustermonitor.programmes.reference.read_reference)."""

from decimal import Decimal

from clustermonitor.programmes.models import Cluster, Programme, PublishedFigure
from clustermonitor.programmes.reference import (
    ACTOR,
    SOURCE,
    SOURCE_DATE,
    LoadSummary,
    upsert,
)


def load_intercluster(summary: LoadSummary, data: dict, programme: Programme) -> None:
    from clustermonitor.collaborations.models import (
        Collaboration,
        Instrument,
        InterclusterCall,
        Stage,
    )
    from clustermonitor.collaborations.services import change_stage

    for spec in data["intercluster_calls"]:
        upsert(
            summary,
            "intercluster call",
            InterclusterCall,
            {"programme": programme, "year": spec["year"]},
            {**spec, "source": SOURCE},
        )
    for key, value in data["intercluster_published"].items():
        upsert(
            summary,
            "published figure",
            PublishedFigure,
            {"programme": programme, "key": key, "source": SOURCE},
            {"value": Decimal(value), "source_date": SOURCE_DATE},
        )
    clusters = {c.code: c for c in Cluster.objects.filter(programme=programme)}
    for spec in data["intercluster_projects"]:
        description = "Aanvraag in de interclusteroproep van 2017 of 2018 (tabel 10)."
        if spec["others"]:
            description += " Andere partner: " + ", ".join(spec["others"]) + "."
        collaboration = upsert(
            summary,
            "collaboration",
            Collaboration,
            {"programme": programme, "title": spec["title"], "source": f"{SOURCE}, tabel 10"},
            {"instrument": Instrument.INTERCLUSTER, "description": description},
            m2m={"clusters": [clusters[code] for code in spec["clusters"]]},
        )
        if not collaboration.stage_changes.exists():
            # Submitted by the time of the report; the decision per project is not
            # published (only the totals: 10 of 15 approved).
            change_stage(
                ACTOR,
                collaboration,
                Stage.SUBMITTED,
                on=SOURCE_DATE,
                note=(
                    "IBN-evaluatie 2020, tabel 10: ingediend; "
                    "beslissing per project niet gepubliceerd"
                ),
            )
