"""Report chapter: the member survey (issue 8) — the latest wave closed by the report's
date, the results as the results page shows them with suppression on (no group under 5
ever appears), the cluster selection, and deterministic output. The wave is the one of
tests/test_survey_results.py: EUKA 12 invited, 9 complete + 1 incomplete; BIM 8 invited,
4 complete; closed on 7/2/2020."""

import datetime

import pytest
from django.utils import translation

from clustermonitor.analysis import survey
from clustermonitor.reports.build import resolve
from clustermonitor.reports.document import Figure, Percent, Table
from clustermonitor.reports.sections import methods
from clustermonitor.reports.sections import survey as chapter
from tests import test_survey_results

pytestmark = pytest.mark.usefixtures("english")

wave = test_survey_results.wave  # the fixture, shared

D = datetime.date
SUPPRESSED = survey.SUPPRESSED
COUNT_COLUMNS = {"n", "n x", "n y", "Respondents", "Started", "Completed"}


def _build(as_of, codes=None):
    return chapter.build(resolve(as_of, codes, "en"))


def _walk(section):
    yield section
    for sub in section.subsections:
        yield from _walk(sub)


def _blocks(section, kind) -> list:
    return [b for s in _walk(section) for b in s.blocks if isinstance(b, kind)]


def _table(section, key) -> Table:
    found = [t for t in _blocks(section, Table) if t.key == key]
    assert len(found) == 1, key
    return found[0]


def _texts(section) -> str:
    return " ".join(b.text for s in _walk(section) for b in s.blocks if hasattr(b, "text"))


def test_the_response_per_cluster_is_suppressed_like_the_results_page(wave):
    section = _build(D(2020, 3, 1))
    table = _table(section, "survey_response")
    rows = {r[0]: r for r in table.rows}
    # BIM's 4 go, and EUKA's 10 with them: the total would give BIM away.
    assert rows["BIM"][2:] == [8, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED]
    assert rows["EUKA"][2:] == [12, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED]
    assert rows["All clusters"][2:] == [
        20,
        14,
        Percent(14 / 20, 1),
        13,
        Percent(13 / 20, 1),
    ]
    text = _texts(section)
    assert "Of the 20 member companies invited, 14 started" in text
    assert "the 13 complete responses" in text


def test_no_group_under_five_ever_appears(wave):
    section = _build(D(2020, 3, 1))
    checked = 0
    for table in _blocks(section, Table):
        for i, column in enumerate(table.columns):
            if column not in COUNT_COLUMNS:
                continue
            for row in table.rows:
                value = row[i] if i < len(row) else None
                if isinstance(value, int | float) and not isinstance(value, bool):
                    checked += 1
                    assert value == 0 or value >= 5, (table.key, column, row)
    assert checked > 10
    # the activity profile has 3 non-active respondents: their group is hidden
    groups = _table(section, "nonresponse")
    assert all(r[4] == SUPPRESSED or r[4] >= 5 for r in groups.rows)


def test_figures_six_and_seven(wave):
    section = _build(D(2020, 3, 1))
    figures = {f.key: f for f in _blocks(section, Figure)}
    assert sorted(figures) == ["fig6", "fig7a", "fig7b"]
    assert all(f.svg.startswith("<svg") for f in figures.values())
    q2 = _table(section, "q2")
    assert sum(r[1] for r in q2.rows) == 13
    points = _table(section, "fig7_data")
    answered = {r[1] for r in points.rows if r[4] not in (0, SUPPRESSED)}
    assert answered == {1}  # the one effect the test questionnaire asks


def test_profiles_q9_with_tests(wave):
    section = _build(D(2020, 3, 1))
    q9 = _table(section, "q9")
    everyone = q9.rows[0]
    assert everyone[1] == "all respondents" and everyone[2] == 13
    tests = _table(section, "q7_q10_tests")
    assert tests.rows and all(r[0] == "q9" for r in tests.rows)
    assert all(isinstance(r[3], str) for r in tests.rows)  # p formatted, or suppressed


def test_the_wave_must_have_closed_by_the_report_date(wave):
    section = _build(D(2020, 2, 6))
    assert "No survey wave covering the selected clusters closed by 06/02/2020" in _texts(section)
    assert not _blocks(section, Table)
    other = _build(D(2020, 3, 1), ["FLUX50"])  # a cluster outside the wave
    assert "No survey wave" in _texts(other)


def test_one_selected_cluster_gets_its_own_results(wave):
    section = _build(D(2020, 3, 1), ["EUKA"])
    assert "respondents of EUKA" in _texts(section)
    rows = {r[0]: r for r in _table(section, "survey_response").rows}
    assert sorted(rows) == ["All clusters", "EUKA"]
    assert rows["EUKA"][2:4] == [12, 10]
    assert sum(r[1] for r in _table(section, "q2").rows) == 9


def test_weighting_and_privacy_are_stated_here_and_in_the_methods_annex(wave):
    section = _build(D(2020, 3, 1))
    text = _texts(section)
    assert "Raking" in text and "“< 5”" in text
    annex = methods.build(resolve(D(2020, 3, 1), None, "en"))
    assert "Raking" in _texts(annex)


def test_the_survey_chapter_is_deterministic_and_in_dutch(wave):
    assert _build(D(2020, 3, 1)) == _build(D(2020, 3, 1))
    with translation.override("nl"):
        dutch = chapter.build(resolve(D(2020, 3, 1), None, "nl"))
    assert _table(dutch, "survey_response").rows[-1][0] == "Alle clusters"
