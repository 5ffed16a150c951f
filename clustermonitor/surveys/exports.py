"""The survey results' .xlsx sheets (a wave's results, the evaluator's raw identities and
answers): the views pass what they gathered, these build the sheets and
`core.exporters.xlsx_response` writes them."""

from django.utils.translation import gettext as _

from clustermonitor.core.exporters import Sheet
from clustermonitor.surveys import explain, results


def results_sheets(data: results.Results, columns) -> list[Sheet]:
    """A wave's results: the method and one sheet per table, figures as the page has them
    (suppressed where the page suppresses them). `columns(key)` gives a table's columns as
    (field, header, format), the page's own."""
    tables = {k: explain.labelled(v) for k, v in data.tables.items()} | {
        "matrices": explain.matrix_rows(data)
    }
    titles = {
        "nonresponse": _("Non-response"),
        "distributions": _("Distributions"),
        "means": _("Means"),
        "crosses": _("Crosses (scales)"),
        "cross_shares": _("Crosses (categories)"),
        "tests": _("Tests"),
        "q9": "Q9",
        "matrices": _("Effect matrices"),
    }
    sheets = [Sheet(_("Method"), [_("Item"), _("Value")], _method_rows(data))]
    for key, title in titles.items():
        table_columns = columns(key)
        rows = [[row.get(c[0]) for c in table_columns] for row in tables[key]]
        sheets.append(Sheet(title, [c[1] for c in table_columns], rows))
    return sheets


def _method_rows(data: results.Results) -> list[tuple]:
    w = data.weighting
    summary = w.summary
    return [
        (_("Wave"), data.wave.name),
        (_("Cluster"), data.cluster.code if data.cluster else _("all")),
        (_("Responses analysed"), data.counts["analysed"]),
        (
            _("Responses"),
            _("complete and incomplete") if data.include_incomplete else _("complete only"),
        ),
        (_("Invited"), data.counts["invited"]),
        (_("Weighting"), explain.weighting_text(w)),
        (_("Weights from"), summary["min"]),
        (_("Weights to"), summary["max"]),
        (_("Effective sample size (Kish)"), summary["n_eff"]),
        (_("Tests"), explain.tests_text()),
        (_("Effect matrices"), explain.matrix_text()),
        (_("Privacy"), explain.privacy_text(data)),
    ]


def raw_identities_sheets(headers: list[str], rows) -> list[Sheet]:
    """Who answered, without answers (one sheet)."""
    return [Sheet(_("Identities"), headers, rows)]


def raw_answers_sheets(headers: list[str], rows) -> list[Sheet]:
    """What was answered, under a pseudonymous id only (one sheet)."""
    return [Sheet(_("Answers"), headers, rows)]
