"""The survey figures the 2020 evaluation published besides its tables (issue 14; the
published-vs-computed annex, monitoring/published.py): the share choosing some answers
(Q1 "yes": active; Q2 3 or 4: relevant or very relevant), the pooled mean of a battery
of statements per profile group (Q7, Q8) and the mean completion time. Input as in
:mod:`clustermonitor.analysis.survey` (one row per completed questionnaire).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from clustermonitor.analysis.survey import (
    TOTAL,
    UNKNOWN,
    _categories,
    _floats,
    _text,
    as_numbers,
    levels,
)


def share_choosing(series: pd.Series, names: Sequence) -> dict:
    """The share of the answers that are one of ``names`` (missing answers left out):
    ``n`` answered, ``n_hit`` chose one of them, ``share`` (None without answers). The
    annex's "active" (Q1 yes) and "relevant or very relevant" (Q2 3 or 4).

    >>> share_choosing(pd.Series(["3", "4", "2", None, 1]), ["3", "4"])
    {'n': 4, 'n_hit': 2, 'share': 0.5}
    """
    answers = series.map(_text)
    answered = answers.notna()
    hit = answers.isin([str(n) for n in names]) & answered
    n = int(answered.sum())
    return {"n": n, "n_hit": int(hit.sum()), "share": int(hit.sum()) / n if n else None}


def battery_means(df: pd.DataFrame, columns: Sequence[str], by: str | None = None) -> pd.DataFrame:
    """The mean over a battery's statements (Q7's ``q7_s1`` … ``q7_s5``): every answer
    to any of ``columns`` counts once, so it is the statements' means weighted by their
    answers. Overall (group ``all``) and per group of ``by``; ``n`` is the number of
    answers, ``respondents`` the number who answered at least one statement.

    >>> df = pd.DataFrame({"q7_s1": [4, 2, None], "q7_s2": [3, 1, 2],
    ...                    "size": ["small", "medium_large", "small"]})
    >>> battery_means(df, ["q7_s1", "q7_s2"], "size")
              group  respondents  n  mean
    0           all            3  5   2.4
    1         small            2  3   3.0
    2  medium_large            1  2   1.5
    """
    block = (
        np.column_stack([as_numbers(df.get(c), df.index).to_numpy() for c in columns])
        if len(columns)
        else np.empty((len(df), 0))
    )
    present = ~np.isnan(block)
    groups = [(TOTAL, np.ones(len(df), dtype=bool))]
    if by is not None:
        categories = _categories(df[by]) if by in df else pd.Series(UNKNOWN, index=df.index)
        groups += [(level, (categories == level).to_numpy()) for level in levels(categories, by)]
    rows = []
    for group, mask in groups:
        cells = present[mask]
        n = int(cells.sum())
        total = float(np.where(cells, block[mask], 0.0).sum())
        rows.append(
            {
                "group": group,
                "respondents": int(cells.any(axis=1).sum()),
                "n": n,
                "mean": total / n if n else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["group", "respondents", "n", "mean"])


def mean_minutes(seconds) -> dict:
    """The mean time taken, in minutes, over the values given (seconds; missing ones
    left out): ``n`` and ``mean`` (None without values).

    >>> mean_minutes([420, 540, None])
    {'n': 2, 'mean': 8.0}
    """
    x = _floats(seconds)
    x = x[~np.isnan(x)]
    return {"n": len(x), "mean": float(x.mean()) / 60 if len(x) else None}
