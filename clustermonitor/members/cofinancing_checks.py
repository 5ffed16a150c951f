"""The co-financing checks of one cluster and year, written once for the cluster's
co-financing page (members.views_figures), the agency's worklist (monitoring.warnings)
and the report's co-financing chapter: which contributions the rule cannot lose, whether
losing one would break it, whether one member pays too large a share. Each caller words
the finding for its own readers."""

import pandas as pd

from clustermonitor.analysis import cofinancing

#: Large enough that one member's loss is felt (the 2020 evaluation's warning).
LARGEST_SHARE_WARNING = 0.25


def year_amounts(fees: pd.DataFrame, cluster_code: str, year: int) -> pd.Series:
    """The cluster's fees of `year` (members.figures.cofinancing_frames), by membership."""
    rows = fees[(fees["cluster"] == cluster_code) & (fees["year"] == year)]
    return rows.set_index("membership_id")["amount"]


def contributions_at_risk(amounts: pd.Series, required: float, carry_in: float):
    """The contributions of the year each of which the rule cannot lose, given what the
    rule requires and what the years before carry in (analysis.cofinancing.at_risk);
    empty without contributions."""
    needed = max(float(required) - float(carry_in), 0.0)
    return cofinancing.at_risk(amounts, needed) if len(amounts) else []


def losing_one_breaks_the_rule(risk) -> bool:
    """The rule is met, but not without one of the contributions at risk."""
    return bool(len(risk)) and bool(getattr(risk, "rule_met", True))


def too_concentrated(largest_share) -> bool:
    """One member pays at least LARGEST_SHARE_WARNING of the year's contributions."""
    return (largest_share or 0) >= LARGEST_SHARE_WARNING
