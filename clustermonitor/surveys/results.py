"""Survey results (issue 7): the analysis frames from the database, every table of the
results page and its export, and the privacy rules applied to them.

- `response_frame`: one row per response (complete ones unless asked), profile columns
  from the response's profile snapshot, filled in from its invitation and cluster;
- `population_frame`: one row per invitation of the wave (the invited population);
- `build`: all tables, with calibration weights; `suppressed=True` (everyone but the
  evaluator) replaces every figure resting on fewer than `MIN_CELL` respondents by a
  marker, with secondary suppression inside each breakdown;
- `raw_identities` / `raw_answers`: the evaluator's export, identity and answers apart,
  linked only by a pseudonymous id (an HMAC of the response id).

The computations are `analysis/survey.py`; this module only selects and labels.
"""

import contextlib
import contextvars
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clustermonitor.analysis import survey
from clustermonitor.programmes.models import Embedding
from clustermonitor.surveys import instrument

MIN_CELL = instrument.MIN_CELL
ACTIVITY_QUESTION = "q1"
PROFILE_COLUMNS = ("cluster", "call", "size", "embedding")
#: The non-response table's variables, in the order shown (cluster, the longest, last).
NONRESPONSE_VARIABLES = ("call", "size", "embedding", "cluster")
#: Raking variables in this order; cluster only when every invited cluster answered.
WEIGHTING_VARIABLES = ("call", "size", "embedding")
PROFILE_LABELS = {
    "call": gettext_lazy("Call"),
    "size": gettext_lazy("Size class"),
    "embedding": gettext_lazy("Embedding"),
    "activity": gettext_lazy("Activity"),
    "cluster": gettext_lazy("Cluster"),
    survey.TOTAL: gettext_lazy("All respondents"),
}
LEVEL_LABELS = {
    "size": {
        "small": gettext_lazy("small (< 50 employees)"),
        "medium_large": gettext_lazy("medium or large (≥ 50)"),
    },
    "embedding": {e.value: e.label for e in Embedding},
    "activity": {
        "active": gettext_lazy("active (≥ 2 activities)"),
        "non_active": gettext_lazy("not active"),
    },
}
TEST_LABELS = {
    survey.MANN_WHITNEY: gettext_lazy("Mann-Whitney U"),
    survey.KRUSKAL: gettext_lazy("Kruskal-Wallis"),
    survey.CHI_SQUARE: gettext_lazy("chi-square"),
}
PSEUDONYM_SALT = "clustermonitor.surveys.pseudonym"
COMPLETE = Q(completed_at__isnull=False)
#: A response counts as started once it holds an answer (as in the wave's tracking).
STARTED = COMPLETE | ~Q(answers={})


def level_label(profile: str, value) -> str:
    if value == survey.UNKNOWN:
        return _("unknown")
    if value == survey.TOTAL:
        return _("all respondents")
    if profile == "call":
        return _("call %(number)s") % {"number": value}
    return str(LEVEL_LABELS.get(profile, {}).get(value, value))


def bilingual(label, lang: str, default: str = "") -> str:
    if isinstance(label, dict):
        return str(label.get(lang) or label.get("nl") or label.get("en") or default)
    return str(label or default)


# -- Frames ---------------------------------------------------------------------------


def _call(value) -> str | None:
    match = re.search(r"\d+", str(value)) if value not in (None, "") else None
    return match.group(0) if match else None


def _size(profile: dict) -> str:
    size = profile.get("size") or profile.get("size_class")
    if size in ("small", "medium_large"):
        return size
    if size in ("micro",):
        return "small"
    if size in ("medium", "large"):
        return "medium_large"
    try:
        employees = float(profile.get("employees"))
    except (TypeError, ValueError):
        return survey.UNKNOWN
    return "small" if employees < 50 else "medium_large"


def profile_of(profile: dict, cluster=None) -> dict:
    """cluster, call, size, embedding from a profile snapshot; the cluster's registry
    values fill what the snapshot lacks."""
    profile = profile or {}
    code = profile.get("cluster") or profile.get("cluster_code") or (cluster and cluster.code)
    call = _call(profile.get("call") or profile.get("call_number"))
    if call is None and cluster is not None and cluster.call_id:
        call = str(cluster.call.number)
    embedding = profile.get("embedding") or (cluster.embedding if cluster else "")
    return {
        "cluster": code or survey.UNKNOWN,
        "call": call or survey.UNKNOWN,
        "size": _size(profile),
        "embedding": embedding or survey.UNKNOWN,
    }


def _answer(value):
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return value


def analysed_questions(questionnaire) -> list[dict]:
    return [q for q in questionnaire.questions if survey.question_kind(q)]


def response_frame(wave, *, cluster=None, include_incomplete=False) -> pd.DataFrame:
    """One row per response of `wave` (of `cluster`'s respondents when given)."""
    questions = wave.questionnaire.questions
    clusters = {c.code: c for c in wave.clusters.select_related("call")}
    responses = wave.responses.select_related("invitation__cluster__call").order_by("pk")
    responses = responses.filter(COMPLETE if not include_incomplete else STARTED)
    rows = []
    for response in responses:
        invitation = response.invitation
        snapshot = (invitation.profile if invitation else {}) | {
            k: v for k, v in (response.profile or {}).items() if v not in (None, "")
        }
        home = invitation.cluster if invitation else clusters.get(snapshot.get("cluster"))
        profile = profile_of(snapshot, home)
        if cluster is not None and profile["cluster"] != cluster.code:
            continue
        row = {"response_id": response.pk, **profile, "complete": response.is_complete}
        for question in questions:
            row[question["name"]] = _answer((response.answers or {}).get(question["name"]))
        rows.append(row)
    columns = ["response_id", *PROFILE_COLUMNS, "complete", *(q["name"] for q in questions)]
    return survey.add_activity(pd.DataFrame(rows, columns=columns))


def population_frame(wave, *, cluster=None) -> pd.DataFrame:
    """One row per invitation: the invited population, profiles as at invitation."""
    invitations = wave.invitations.select_related("cluster__call").order_by("pk")
    if cluster is not None:
        invitations = invitations.filter(cluster=cluster)
    rows = [{"invitation_id": i.pk, **profile_of(i.profile, i.cluster)} for i in invitations]
    return pd.DataFrame(rows, columns=["invitation_id", *PROFILE_COLUMNS])


def analysis_frame(wave, *, cluster=None, include_incomplete=False) -> pd.DataFrame:
    """`response_frame` with the answers to scales and numeric questions as numbers
    (converted once, not in every breakdown): what every table is computed from."""
    frame = response_frame(wave, cluster=cluster, include_incomplete=include_incomplete)
    for q in analysed_questions(wave.questionnaire):
        if survey.question_kind(q) in (survey.SCALE, survey.NUMERIC) and q["name"] in frame:
            frame[q["name"]] = survey.as_numbers(frame[q["name"]])
    return frame


def completion_seconds(wave) -> list[int | None]:
    """The time taken by every completed questionnaire of `wave`, in seconds: the
    active time the web questionnaire or the import recorded (`duration_seconds`), else
    submission minus start; None when neither is known. In the response's order."""
    rows = wave.responses.filter(COMPLETE).order_by("pk")
    result = []
    for seconds, started, completed in rows.values_list(
        "duration_seconds", "started_at", "completed_at"
    ):
        if seconds is None and started is not None and completed is not None:
            seconds = max(0, int((completed - started).total_seconds()))
        result.append(seconds)
    return result


# -- Weights --------------------------------------------------------------------------


@dataclass
class Weighting:
    variables: list[str] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)  # (variable, why)
    converged: bool = True
    iterations: int = 0
    max_error: float = 0.0
    weights: pd.Series | None = None

    @property
    def summary(self) -> dict:
        w = self.weights
        if w is None or not len(w):
            return {"min": None, "max": None, "n_eff": None}
        return {"min": w.min(), "max": w.max(), "n_eff": w.sum() ** 2 / (w**2).sum()}


def weigh(frame: pd.DataFrame, population: pd.DataFrame) -> Weighting:
    """Rake the respondents to the invited population's shares on call, size class and
    embedding, and on cluster when every invited cluster has respondents. A variable that
    is constant in the population is left out (nothing to correct); one that cannot be
    reached (a category without respondents) is left out and the reason kept."""
    result = Weighting(weights=pd.Series(1.0, index=frame.index, name="weight"))
    if not len(frame) or not len(population):
        if len(frame):
            result.left_out.append(("*", _("no invitations to weight against")))
        return result
    candidates = list(WEIGHTING_VARIABLES)
    invited_clusters = set(population["cluster"])
    if len(invited_clusters) > 1:
        if invited_clusters <= set(frame["cluster"]):
            candidates.append("cluster")
        else:
            result.left_out.append(("cluster", _("not every invited cluster has respondents")))
    targets = survey.raking_targets(population, candidates)
    usable = {}
    for variable, shares in targets.items():
        if len(shares) < 2:
            continue
        problem = survey.target_problem(frame, variable, shares)
        if problem:
            result.left_out.append((variable, problem))
        else:
            usable[variable] = shares
    if usable:
        raked = survey.rake(frame, usable)
        result.weights = raked["weights"]
        result.converged, result.iterations = raked["converged"], raked["iterations"]
        result.max_error = raked["max_error"]
    result.variables = list(usable)
    return result


# -- Suppression ----------------------------------------------------------------------


def suppressed_groups(counts: dict, secondary: bool = True) -> set:
    """Which groups of one breakdown to suppress: n < MIN_CELL, and the next smallest
    when only one group with respondents would go (survey.small_cells)."""
    return survey.small_cells(counts, MIN_CELL, secondary)


def _blank(rows: list[dict], keep: set[str]) -> None:
    for row in rows:
        for key in row:
            if key not in keep:
                row[key] = survey.SUPPRESSED


# -- All results ------------------------------------------------------------------------


@dataclass
class Results:
    wave: object
    cluster: object
    suppressed: bool
    include_incomplete: bool
    counts: dict
    weighting: Weighting
    questions: list[dict]
    tables: dict[str, list[dict]]  # key → rows (raw values, markers where suppressed)
    matrices: list[dict]  # per profile group, both kinds (points + cross-hairs)
    n_suppressed: int = 0


def nan_to_none(value):
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _records(frame: pd.DataFrame, **extra) -> list[dict]:
    """The rows as dicts of Python values (NaN as None). Column by column (`tolist`
    gives the Python values `to_dict("records")` gives, in half its time: a results page
    turns hundreds of small tables into rows)."""
    columns = list(frame.columns)
    values = zip(*(frame[column].tolist() for column in columns), strict=True)
    return [
        extra | {k: nan_to_none(v) for k, v in zip(columns, row, strict=True)} for row in values
    ]


def _choice_labels(question: dict, lang: str) -> dict:
    return {
        str(c["name"]): bilingual(c.get("label"), lang, str(c["name"]))
        for c in question.get("choices") or []
    }


def _direction(result: dict, labels: dict) -> str:
    profile = result["profile"]
    if result["higher_in"]:
        return _("higher in %(group)s") % {"group": level_label(profile, result["higher_in"])}
    if result["over"]:
        choice, group = result["over"]
        return _("“%(choice)s” more often in %(group)s") % {
            "choice": labels.get(choice, choice),
            "group": level_label(profile, group),
        }
    return _("no difference") if result["test"] else ""


#: Inside `sharing()`: {(wave, cluster, include_incomplete): _Computed}.
_SHARED: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "survey_results_shared", default=None
)


@contextlib.contextmanager
def sharing():
    """Inside the block, the builds of one wave (and cluster, and completeness) read the
    responses once and compute each distribution, cross and matrix once, whatever their
    suppression and language: the report builds the survey chapter (suppressed, in the
    report's language) and the published comparison (unsuppressed, English) from the same
    records. Only for a block in which the records do not change (one report)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


@dataclass
class _Computed:
    """A wave's analysis inputs and the language-free computations on them."""

    frame: pd.DataFrame
    population: pd.DataFrame
    questions: list[dict]
    results: dict = field(default_factory=dict)

    def get(self, key: tuple, function, *args, **kwargs):
        if key not in self.results:
            self.results[key] = function(*args, **kwargs)
        return self.results[key]


def _computed(wave, cluster, include_incomplete) -> _Computed:
    shared = _SHARED.get()
    key = (wave.pk, getattr(cluster, "pk", None), include_incomplete)
    if shared is not None and key in shared:
        return shared[key]
    computed = _Computed(
        frame=analysis_frame(wave, cluster=cluster, include_incomplete=include_incomplete),
        population=population_frame(wave, cluster=cluster),
        questions=analysed_questions(wave.questionnaire),
    )
    if shared is not None:
        shared[key] = computed
    return computed


class _Builder:
    def __init__(self, computed: _Computed, *, suppressed, lang):
        self.frame, self.population = computed.frame, computed.population
        self.questions, self.computed = computed.questions, computed
        self.suppressed, self.lang, self.count = suppressed, lang, 0
        self.weighting = weigh(self.frame, self.population)
        self.weights = self.weighting.weights

    def _once(self, key: tuple, function, *args, **kwargs):
        """`function(*args, **kwargs)`, computed once for the builds inside `sharing()`
        (the weights are the same numbers in every language: only their reasons are
        translated)."""
        return self.computed.get(key, function, *args, **kwargs)

    def _hide(self, rows: list[dict], keep: set[str]) -> None:
        _blank(rows, keep)
        self.count += len(rows)

    def question_tables(self) -> dict[str, list[dict]]:
        tables = {"distributions": [], "means": [], "crosses": [], "cross_shares": [], "tests": []}
        for q in self.questions:
            name, kind = q["name"], survey.question_kind(q)
            labels = _choice_labels(q, self.lang)
            column = self.frame[name] if name in self.frame else pd.Series(dtype=object)
            if kind in (survey.SCALE, survey.NOMINAL):
                dist = self._once(
                    ("distribution", name),
                    survey.distribution,
                    column,
                    q.get("choices"),
                    self.weights,
                )
                rows = _records(dist, question=name)
                for row in rows:
                    row["label"] = labels.get(row["choice"], row["choice"])
                    row["base"] = int(dist["n"].sum())
                if self.suppressed and int(dist["n"].sum()) < MIN_CELL:
                    self._hide(rows, {"question", "choice", "label"})
                tables["distributions"] += rows
            if kind == survey.MULTIPLE:  # each option's share among those who answered
                everyone = self.frame.assign(everyone=survey.TOTAL)
                overall = self._once(
                    ("cross", name, "everyone"), survey.cross, everyone, q, "everyone", self.weights
                )["table"]
                rows = [
                    {"question": name, "choice": r["choice"], "n": r["count"]}
                    | {"share": r["share"], "weighted_share": r["weighted_share"]}
                    | {"label": labels.get(r["choice"], r["choice"]), "base": r["n"]}
                    for r in _records(overall)
                ]
                if self.suppressed and rows and rows[0]["base"] < MIN_CELL:
                    self._hide(rows, {"question", "choice", "label"})
                tables["distributions"] += rows
            if kind in (survey.SCALE, survey.NUMERIC):
                plain = self._once(("mean", name), survey.mean_ci, column)
                weighted = self._once(
                    ("weighted_mean", name),
                    survey.weighted_mean_ci,
                    survey.as_numbers(column),
                    self.weights,
                )
                row = {"question": name} | {k: plain[k] for k in ("n", "mean", "low", "high")}
                row |= {f"weighted_{k}": weighted[k] for k in ("mean", "low", "high")}
                if self.suppressed and plain["n"] < MIN_CELL:
                    self._hide([row], {"question"})
                tables["means"].append(row)
            for profile in survey.PROFILE_VARIABLES:
                if profile == "activity" and name == ACTIVITY_QUESTION:
                    continue  # activity is Q1: the cross is Q1 by itself
                groups = self._once(("groups", profile), survey.profile_groups, self.frame, profile)
                result = self._once(
                    ("cross", name, profile),
                    survey.cross,
                    self.frame,
                    q,
                    profile,
                    self.weights,
                    groups,
                )
                self._cross(tables, q, kind, result, labels)
        return tables

    def _cross(self, tables, q, kind, result, labels) -> None:
        name, profile, table = q["name"], result["profile"], result["table"]
        if not len(table):
            return
        rows = _records(table, question=name, profile=profile)
        counts: dict = {}  # each group's number of answers (on each of its rows)
        for row in rows:
            counts.setdefault(row["group"], row["n"])
        hidden = suppressed_groups(counts) if self.suppressed else set()
        for row in rows:
            row["group_label"] = level_label(profile, row["group"])
            if "choice" in row:
                row["label"] = labels.get(row["choice"], row["choice"])
        keep = {"question", "profile", "group", "group_label", "choice", "label"}
        self._hide([r for r in rows if r["group"] in hidden], keep)
        key = "crosses" if kind in (survey.SCALE, survey.NUMERIC) else "cross_shares"
        tables[key] += rows
        if kind == survey.MULTIPLE:
            return
        test = {"question": name, "profile": profile, "test": result["test"]}
        test |= {"test_label": str(TEST_LABELS.get(result["test"], "")) if result["test"] else ""}
        test |= {"statistic": result["statistic"], "p_value": result["p_value"]}
        test |= {"direction": _direction(result, labels), "note": result["note"]}
        if hidden - {survey.UNKNOWN}:
            self._hide([test], {"question", "profile", "test", "test_label", "note"})
        tables["tests"].append(test)

    def q9(self) -> list[dict]:
        if "q9" not in self.frame:
            return []
        rows = []
        for profile in survey.PROFILE_VARIABLES:
            table = self._once(("q9", profile), survey.q9_shares, self.frame, profile, self.weights)
            block = _records(table, profile=profile)
            if rows:  # the "all" row once, at the top
                block = block[1:]
            for row in block:
                row["profile"] = survey.TOTAL if row["group"] == survey.TOTAL else profile
                row["group_label"] = level_label(profile, row["group"])
            if self.suppressed:
                groups = {r["group"]: r["n"] for r in block if r["group"] != survey.TOTAL}
                hidden = suppressed_groups(groups)
                if block and block[0]["group"] == survey.TOTAL and block[0]["n"] < MIN_CELL:
                    hidden.add(survey.TOTAL)
                keep = {"profile", "group", "group_label"}
                self._hide([r for r in block if r["group"] in hidden], keep)
            rows += block
        return rows

    def nonresponse(self) -> list[dict]:
        variables = [v for v in NONRESPONSE_VARIABLES if v in self.population]
        table = self._once(
            ("nonresponse", tuple(variables)),
            survey.nonresponse,
            self.frame,
            self.population,
            variables,
            self.weights,
        )
        rows = _records(table)
        for row in rows:
            row["label"] = level_label(row["variable"], row["category"])
            row["variable_label"] = str(PROFILE_LABELS.get(row["variable"], row["variable"]))
        if self.suppressed:
            keep = {"variable", "variable_label", "category", "label", "invited", "invited_share"}
            for variable in variables:
                block = [r for r in rows if r["variable"] == variable]
                hidden = suppressed_groups({r["category"]: r["respondents"] for r in block})
                self._hide([r for r in block if r["category"] in hidden], keep)
        return rows

    def matrices(self) -> list[dict]:
        """Both matrices, overall and per group of each profile; each item holds the
        profile, group, kind and the matrix (points and cross-hairs)."""
        items = []
        scopes = [(survey.TOTAL, survey.TOTAL, self.frame.index)]
        for profile in survey.PROFILE_VARIABLES:
            values = self.frame[profile] if profile in self.frame else pd.Series(dtype=object)
            for level in survey.levels(values, profile):
                scopes.append((profile, level, self.frame.index[values == level]))
        for kind in (survey.REALISATION, survey.CONTRIBUTION):
            for profile, level, index in scopes:
                matrix = self._once(
                    ("matrix", kind, profile, level),
                    survey.effect_matrix,
                    self.frame.loc[index],
                    kind=kind,
                    weights=self.weights.loc[index],
                )
                items.append({"profile": profile, "group": level, "kind": kind, "matrix": matrix})
        if self.suppressed:
            self._suppress_matrices(items)
        return items

    def _suppress_matrices(self, items: list[dict]) -> None:
        """Per effect and breakdown, like every other breakdown: coordinates on fewer than
        MIN_CELL answers go, with secondary suppression across the profile's groups (the
        overall matrix would give a lone hidden group away); y goes with x."""
        by_block: dict[tuple, list[dict]] = {}
        for item in items:
            points = item["matrix"]["points"].assign(x_hidden=False, y_hidden=False)
            item["matrix"] = item["matrix"] | {"points": points}
            by_block.setdefault((item["profile"], item["kind"]), []).append(item)
        for (profile, _kind), block in by_block.items():
            frames = [b["matrix"]["points"] for b in block]
            for i in range(len(frames[0])):
                for axis in ("x", "y"):
                    counts = {
                        b["group"]: int(f.at[i, f"n_{axis}"])
                        for b, f in zip(block, frames, strict=True)
                    }
                    if profile == survey.TOTAL:
                        hidden = {g for g, n in counts.items() if n < MIN_CELL}
                    else:
                        hidden = suppressed_groups(counts)
                    for b, f in zip(block, frames, strict=True):
                        if b["group"] in hidden or (axis == "y" and f.at[i, "x_hidden"]):
                            f.at[i, axis] = f.at[i, f"weighted_{axis}"] = np.nan
                            f.at[i, f"{axis}_hidden"] = True
                            self.count += 1
            for b, f in zip(block, frames, strict=True):
                b["matrix"] = b["matrix"] | {"points": f} | survey.axis_means(f)


def build(
    wave,
    *,
    cluster=None,
    suppressed: bool,
    include_incomplete: bool = False,
    lang: str = "nl",
) -> Results:
    """Every table of the results page (programme-wide, or `cluster`'s own)."""
    computed = _computed(wave, cluster, include_incomplete)
    frame, population, questions = computed.frame, computed.population, computed.questions
    builder = _Builder(computed, suppressed=suppressed, lang=lang)
    tables = builder.question_tables()
    tables["q9"] = builder.q9()
    tables["nonresponse"] = builder.nonresponse()
    matrices = builder.matrices()
    started = wave.responses.filter(STARTED).select_related("invitation")
    if cluster is not None:
        started = [r for r in started if _in(r, cluster)]
    n_started, n_complete = len(started), sum(1 for r in started if r.is_complete)
    counts = {"invited": len(population), "started": n_started, "complete": n_complete}
    counts["analysed"] = len(frame)
    counts["response_rate"] = n_started / len(population) if len(population) else None
    if suppressed:
        for key in ("started", "complete", "analysed"):
            if counts[key] < MIN_CELL:
                counts[key] = survey.SUPPRESSED
                counts["response_rate"] = survey.SUPPRESSED
    return Results(
        wave=wave,
        cluster=cluster,
        suppressed=suppressed,
        include_incomplete=include_incomplete,
        counts=counts,
        weighting=builder.weighting,
        questions=questions,
        tables=tables,
        matrices=matrices,
        n_suppressed=builder.count,
    )


def _in(response, cluster) -> bool:
    if response.invitation_id:
        return response.invitation.cluster_id == cluster.pk
    return (response.profile or {}).get("cluster") == cluster.code


# -- The evaluator's raw export ---------------------------------------------------------


def pseudonym(response_id: int) -> str:
    """A stable pseudonymous id: HMAC-SHA256 of the response id under the site's secret
    key, 16 hex digits. The same response gets the same id in every export; without the
    key the id cannot be traced back to the response."""
    return salted_hmac(PSEUDONYM_SALT, f"response:{response_id}", algorithm="sha256").hexdigest()[
        :16
    ]


def _raw_responses(wave):
    return wave.responses.select_related("invitation__organisation", "invitation__cluster")


def raw_identities(wave) -> tuple[list[str], list[tuple]]:
    """Who answered: pseudonymous id, organisation, enterprise number, cluster. No answers."""
    rows = []
    for response in _raw_responses(wave):
        invitation = response.invitation
        organisation = invitation.organisation if invitation else None
        code = invitation.cluster.code if invitation else (response.profile or {}).get("cluster")
        rows.append(
            (
                pseudonym(response.pk),
                organisation.name if organisation else "",
                organisation.enterprise_number if organisation else "",
                code or "",
            )
        )
    headers = [_("Pseudonymous id"), _("Organisation"), _("Enterprise number"), _("Cluster")]
    return headers, sorted(rows)


def raw_answers(wave) -> tuple[list[str], list[tuple]]:
    """What was answered: pseudonymous id, complete or not, one column per question.
    Nothing that names the respondent."""
    names = [q["name"] for q in wave.questionnaire.questions if q.get("name")]
    rows = []
    for response in wave.responses.all():
        answers = response.answers or {}
        rows.append(
            (
                pseudonym(response.pk),
                _("yes") if response.is_complete else _("no"),
                *(_answer(answers.get(n)) for n in names),
            )
        )
    return [_("Pseudonymous id"), _("Complete"), *names], sorted(rows, key=lambda r: r[0])
