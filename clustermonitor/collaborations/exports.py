"""The collaboration figures' .xlsx sheets (the collaborations, KPI 3, the network): the
views pass the rows they gathered, these build the sheets and
`core.exporters.xlsx_response` writes them."""

from django.utils.translation import gettext as _

from clustermonitor.collaborations import selectors
from clustermonitor.core.exporters import Sheet


def collaboration_sheet(collaborations, counted: set[int]) -> Sheet:
    """The collaborations with their typology; "counted" where KPI 3 counts them."""
    return Sheet(
        _("Collaborations"),
        [
            _("Title"),
            _("Clusters"),
            _("Stage"),
            _("Stopped because"),
            _("Nature"),
            _("Value chain"),
            _("Purpose"),
            _("Funding instrument"),
            _("Companies"),
            _("Scale"),
            _("Knowledge institution"),
            _("Start"),
            _("End"),
            _("Budget (EUR)"),
            _("Grant (EUR)"),
            "KPI 3",
        ],
        [
            [
                c.title,
                ", ".join(sorted(x.code for x in c.clusters.all())),
                c.get_stage_display(),
                c.get_stop_reason_display(),
                c.get_nature_display(),
                c.get_value_chain_display(),
                c.get_purpose_display(),
                c.get_instrument_display(),
                c.n_companies,
                selectors.scale_label(c.n_companies),
                _("yes") if c.has_knowledge else _("no"),
                c.start_date,
                c.end_date,
                c.budget,
                c.grant,
                _("counted") if c.pk in counted else "",
            ]
            for c in collaborations
        ],
    )


def verdict_sheet(title, verdicts) -> Sheet:
    """KPI 3's verdict on each collaboration considered."""
    return Sheet(
        title,
        [_("Collaboration"), _("Clusters"), _("Companies"), _("Start"), _("Year"), "KPI 3"],
        [
            [
                v.collaboration.title,
                ", ".join(sorted(c.code for c in v.collaboration.clusters.all())),
                v.collaboration.n_companies,
                v.collaboration.start_date,
                v.year,
                selectors.reason_label(v.reason),
            ]
            for v in verdicts
        ],
    )


def kpi3_cluster_sheets(kpi3) -> list[Sheet]:
    """A cluster's KPI 3 per year and the verdicts behind it."""
    return [
        Sheet("KPI 3", [_("Year"), "KPI 3"], list(kpi3.by_year.items())),
        verdict_sheet(_("Collaborations"), kpi3.verdicts),
    ]


def kpi3_programme_sheets(result, rows, years, breakdown, collaborations) -> list[Sheet]:
    """KPI 3 per cluster with the programme's two totals, the typology and the records."""
    distinct = result.distinct_by_year
    return [
        Sheet(
            "KPI 3",
            [_("Cluster"), "KPI 3", *[str(y) for y in years], _("KPI 3 reported")],
            [
                [
                    r["cluster"].code,
                    r["value"],
                    *r["years"],
                    r["reported"].value if r["reported"] else None,
                ]
                for r in rows
            ]
            + [
                [
                    _("Programme (sum over clusters)"),
                    result.sum_over_clusters,
                    *[sum(r["years"][i] for r in rows) for i in range(len(years))],
                    None,
                ],
                [
                    _("Programme (each collaboration once)"),
                    result.distinct,
                    *[distinct.get(y, 0) for y in years],
                    None,
                ],
            ],
        ),
        Sheet(
            _("Typology"),
            [_("Dimension"), _("Value"), _("Collaborations")],
            [[dim, label, n] for dim, values in breakdown for label, n in values],
        ),
        collaboration_sheet(collaborations.order_by("title", "pk"), set(result.counted_for)),
    ]


def intercluster_sheets(overview) -> list[Sheet]:
    """Table 10: the intercluster projects and each cluster's involvements."""
    return [
        Sheet(
            _("Intercluster projects"),
            [
                _("Title"),
                _("Participating clusters"),
                _("Stage"),
                _("Funding decision"),
                _("Call"),
                "IBN–SPC",
            ],
            [
                [
                    p.title,
                    ", ".join(f"{c.cluster_type.code} {c.code}" for c in p.cluster_list),
                    p.get_stage_display(),
                    p.get_decision_display(),
                    p.intercluster_call.year if p.intercluster_call else None,
                    _("yes") if p.is_ibn_spc else _("no"),
                ]
                for p in overview.projects
            ],
        ),
        Sheet(
            _("Involvements"),
            [_("Cluster"), _("Embedding"), _("Involvements"), _("Reported")],
            [
                [c.code, c.get_embedding_display(), n, reported]
                for c, n, reported in overview.per_cluster
            ],
        ),
    ]


def programme_network_sheets(edges, brokers: list[dict], bridging: list[tuple]) -> list[Sheet]:
    """The programme's network: cluster links, brokers and members bridging clusters;
    `bridging` is (organisation name, cluster codes) per organisation."""
    return [
        Sheet(
            _("Cluster links"),
            [_("Cluster"), _("Cluster"), _("Shared projects"), _("Shared members")],
            edges,
        ),
        Sheet(
            _("Brokers"),
            [_("Organisation"), _("Betweenness"), _("Partners")],
            [[b["name"], b["betweenness"], b["degree"]] for b in brokers],
        ),
        Sheet(
            _("Bridging members"),
            [_("Organisation"), _("Clusters")],
            [[name, ", ".join(cs)] for name, cs in bridging],
        ),
    ]


def cluster_network_sheets(tie_rows: list[dict]) -> list[Sheet]:
    """A cluster's new ties since joining, one row per tie as the page shows them."""
    return [
        Sheet(
            _("New ties since joining"),
            [_("Member"), _("Partner"), _("First together"), _("Collaborations")],
            [list(r.values()) for r in tie_rows],
        )
    ]
