"""Survey results pages (issue 7): who sees what, suppression outside the evaluator's
view, weighting stated and applied, the exports (identity and answers apart). Pages are
asked for in English (the language cookie)."""

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from clustermonitor.surveys import results
from clustermonitor.surveys.models import Invitation, Questionnaire, Response, Wave
from tests import factories
from tests.conftest import CLUSTER_A, CLUSTER_B

SUPPRESSED = "< 5"


def _choices(*names):
    return [{"name": n, "label": {"nl": n, "en": n}} for n in names]


DEFINITION = {
    "questions": [
        {"name": "q1", "type": "select_one", "label": {"nl": "Deelname", "en": "Activity"}},
        {"name": "q2", "type": "select_one", "label": {"nl": "Relevantie", "en": "Relevance"}},
        {"name": "q3_e1", "type": "select_one", "label": {"nl": "Wens 1", "en": "Wish 1"}},
        {"name": "q5_e1", "type": "select_one", "label": {"nl": "Realisatie 1", "en": "Real. 1"}},
        {"name": "q6_e1", "type": "select_one", "label": {"nl": "Bijdrage 1", "en": "Contr. 1"}},
        {"name": "q9", "type": "select_one", "label": {"nl": "Competitiviteit", "en": "Comp."}},
        {"name": "remarks", "type": "text", "label": {"nl": "Opmerkingen", "en": "Remarks"}},
    ]
}
CHOICES = {
    "q1": _choices("yes", "no"),
    "q2": _choices("1", "2", "3", "4"),
    "q3_e1": _choices("0", "1", "2"),
    "q5_e1": _choices("0", "1", "2"),
    "q6_e1": _choices("0", "25", "50", "75", "100"),
    "q9": _choices("realised", "very_short", "within_3y", "longer", "no", "dont_know"),
}
for _question in DEFINITION["questions"]:
    _question["choices"] = CHOICES.get(_question["name"], [])
    _question["required"] = False
Q9 = ["realised", "very_short", "within_3y", "longer", "no", "dont_know"]


def _answers(i: int, active: bool) -> dict:
    wish = i % 3
    answers = {"q1": "yes" if active else "no", "q2": str(1 + i % 4), "q3_e1": str(wish)}
    if wish:
        answers |= {"q5_e1": str((i + 1) % 3), "q6_e1": str(25 * (i % 5))}
    return answers | {"q9": Q9[i % 6], "remarks": f"secret remark {i}"}


@pytest.fixture
def wave(cluster_a, cluster_b):
    """Cluster A (EUKA): 12 invited (8 small, 4 medium or large), 9 complete responses
    (6 small, 3 medium or large; 3 not active) and 1 incomplete. Cluster B (BIM): 8
    invited (4 + 4), 4 complete responses."""
    questionnaire = Questionnaire.objects.create(
        programme=cluster_a.programme,
        title="IBN-bevraging",
        version="test",
        xlsform="surveys/forms/test.xlsx",
        sha256="0" * 64,
        definition=DEFINITION,
    )
    wave = Wave.objects.create(
        questionnaire=questionnaire,
        name="Bevraging 2020",
        opens_on=datetime.date(2020, 1, 6),
        closes_on=datetime.date(2020, 2, 7),
    )
    wave.clusters.set([cluster_a, cluster_b])
    now = timezone.now()
    plan = [
        (cluster_a, 12, 8, [0, 1, 2, 3, 4, 5, 8, 9, 10], 6),
        (cluster_b, 8, 4, [0, 1, 4, 5], None),
    ]
    counter = 0
    for cluster, invited, small, answering, incomplete in plan:
        for i in range(invited):
            counter += 1
            organisation = factories.organisation(900 + counter, name=f"Survey {counter} NV")
            invitation = Invitation.objects.create(
                wave=wave,
                organisation=organisation,
                cluster=cluster,
                token_hash=f"{counter:064d}",
                nonce=f"{counter}",
                profile={
                    "cluster": cluster.code,
                    "call": str(cluster.call.number),
                    "embedding": cluster.embedding,
                    "size": "small" if i < small else "medium_large",
                    "employees": 10 if i < small else 120,
                },
            )
            if i in answering or i == incomplete:
                complete = i != incomplete
                Response.objects.create(
                    wave=wave,
                    invitation=invitation,
                    source=Response.Source.WEB,
                    answers=_answers(i, active=not (cluster == cluster_a and i < 3))
                    if complete
                    else {"q1": "yes"},
                    profile=invitation.profile,
                    started_at=now,
                    last_saved_at=now,
                    completed_at=now if complete else None,
                )
    return wave


def _programme_url(wave, **query):
    url = reverse("surveys:wave-results", args=[wave.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _cluster_url(code):
    return reverse("surveys:cluster-results", args=[code])


def _row(rows, **match):
    found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


# -- Who sees what -----------------------------------------------------------------------


def test_the_evaluator_sees_unsuppressed_cells_and_the_raw_export(web, wave):
    response = web("evaluator").get(_programme_url(wave))
    assert response.status_code == 200
    data = response.context["data"]
    assert not data.suppressed and data.n_suppressed == 0
    assert data.counts == {
        "invited": 20,
        "started": 14,
        "complete": 13,
        "analysed": 13,
        "response_rate": 14 / 20,
    }
    non_active = _row(data.tables["crosses"], question="q2", profile="activity", group="non_active")
    assert non_active["n"] == 3 and non_active["mean"] == pytest.approx(2.0)  # q2 = 1, 2, 3
    html = response.content.decode()
    assert reverse("surveys:wave-raw-identities", args=[wave.pk]) in html
    assert reverse("surveys:wave-raw-answers", args=[wave.pk]) in html
    assert "secret remark" not in html  # free text is never analysed on the page


@pytest.mark.parametrize("persona", ["programme_manager", "account_manager"])
def test_agency_staff_see_results_with_small_cells_suppressed(web, wave, persona):
    client = web(persona)
    response = client.get(_programme_url(wave))
    assert response.status_code == 200
    data = response.context["data"]
    assert data.suppressed and data.n_suppressed > 0
    non_active = _row(data.tables["crosses"], question="q2", profile="activity", group="non_active")
    assert non_active["n"] == SUPPRESSED and non_active["mean"] == SUPPRESSED
    # Secondary suppression: with the total shown, the active group would give it away.
    active = _row(data.tables["crosses"], question="q2", profile="activity", group="active")
    assert active["mean"] == SUPPRESSED
    test = _row(data.tables["tests"], question="q2", profile="activity")
    assert test["p_value"] == SUPPRESSED and test["direction"] == SUPPRESSED
    # Groups of 8 and 5 respondents are shown.
    assert _row(data.tables["crosses"], question="q2", profile="size", group="small")["n"] == 8
    assert (
        _row(data.tables["crosses"], question="q2", profile="size", group="medium_large")["n"] == 5
    )
    html = response.content.decode()
    assert "raw-identities" not in html
    assert client.get(reverse("surveys:wave-raw-identities", args=[wave.pk])).status_code == 403
    assert client.get(reverse("surveys:wave-raw-answers", args=[wave.pk])).status_code == 403


def test_cluster_manager_a_sees_only_own_cluster_aggregated(web, wave):
    client = web("cluster_manager_a")
    response = client.get(_cluster_url(CLUSTER_A))
    assert response.status_code == 200
    data = response.context["data"]
    assert data.cluster.code == CLUSTER_A and data.suppressed
    assert data.counts["invited"] == 12 and data.counts["analysed"] == 9
    assert {r["category"] for r in data.tables["nonresponse"] if r["variable"] == "cluster"} == {
        CLUSTER_A
    }
    # 3 medium or large respondents: suppressed, and the 6 small ones with them.
    size = [r for r in data.tables["crosses"] if r["question"] == "q2" and r["profile"] == "size"]
    assert [r["n"] for r in size] == [SUPPRESSED, SUPPRESSED]
    html = response.content.decode()
    assert "raw-answers" not in html and "Survey 1 NV" not in html
    assert client.get(_programme_url(wave)).status_code == 404
    assert client.get(reverse("surveys:wave-raw-answers", args=[wave.pk])).status_code == 404


def test_cluster_manager_b_gets_404_on_cluster_a(web, wave):
    client = web("cluster_manager_b")
    assert client.get(_cluster_url(CLUSTER_A)).status_code == 404
    response = client.get(_cluster_url(CLUSTER_B))
    assert response.status_code == 200
    # Four respondents: every figure is suppressed, the counts too.
    data = response.context["data"]
    assert data.counts["complete"] == SUPPRESSED and data.counts["response_rate"] == SUPPRESSED
    assert all(r["n"] == SUPPRESSED for r in data.tables["means"])
    assert all(r["share"] == SUPPRESSED for r in data.tables["distributions"])


def test_the_evaluator_sees_a_cluster_of_four_unsuppressed(web, wave):
    data = web("evaluator").get(_cluster_url(CLUSTER_B)).context["data"]
    assert data.counts["complete"] == 4
    assert _row(data.tables["means"], question="q2")["n"] == 4


@pytest.mark.parametrize("persona", ["member_contact", "anonymous"])
def test_outsiders_see_nothing(web, wave, persona):
    client = web(persona)
    urls = [
        _programme_url(wave),
        _cluster_url(CLUSTER_A),
        reverse("surveys:wave-raw-identities", args=[wave.pk]),
        reverse("surveys:wave-raw-answers", args=[wave.pk]),
    ]
    for url in urls:
        response = client.get(url)
        if persona == "anonymous":
            assert response.status_code == 302 and "login" in response["Location"]
        else:
            assert response.status_code == 404


def test_the_pages_only_read(web, wave):
    client = web("evaluator")
    for url in (
        _programme_url(wave),
        _cluster_url(CLUSTER_A),
        reverse("surveys:wave-raw-identities", args=[wave.pk]),
        reverse("surveys:wave-raw-answers", args=[wave.pk]),
    ):
        assert client.post(url).status_code == 405


def test_a_cluster_without_a_wave_says_so(web, cluster_a):
    response = web("cluster_manager_a").get(_cluster_url(CLUSTER_A))
    assert response.status_code == 200
    assert 'id="no-wave"' in response.content.decode()


def test_an_unknown_wave_is_404(web, db):
    assert web("evaluator").get("/surveys/waves/999999/results/").status_code == 404


# -- Suppression at the threshold ----------------------------------------------------------


def test_suppression_threshold_is_five():
    assert results.suppressed_groups({"a": 4, "b": 30, "c": 20}) == {"a", "c"}
    assert results.suppressed_groups({"a": 5, "b": 30}) == set()
    assert results.suppressed_groups({"a": 4, "b": 30}, secondary=False) == {"a"}


# -- Method: complete only, weighting ------------------------------------------------------


def test_incomplete_responses_only_when_asked(web, wave):
    client = web("evaluator")
    assert client.get(_cluster_url(CLUSTER_A)).context["data"].counts["analysed"] == 9
    data = client.get(_cluster_url(CLUSTER_A) + "?incomplete=1").context["data"]
    assert data.counts["analysed"] == 10 and data.include_incomplete


def test_incomplete_responses_stay_out_of_suppressed_views(web, wave):
    # With and without one incomplete response, side by side, its answers would show.
    response = web("cluster_manager_a").get(_cluster_url(CLUSTER_A) + "?incomplete=1")
    data = response.context["data"]
    assert data.counts["analysed"] == 9 and not data.include_incomplete
    assert "include incomplete" not in response.content.decode()


def test_weights_rake_to_the_invited_population_and_the_page_says_how(web, wave):
    response = web("evaluator").get(_programme_url(wave))
    data = response.context["data"]
    weighting = data.weighting
    # Call is 1 for both clusters (nothing to correct); cluster is used, every one answered.
    assert weighting.variables == ["size", "embedding", "cluster"]
    assert weighting.converged
    assert weighting.weights.mean() == pytest.approx(1.0)
    for row in data.tables["nonresponse"]:
        if row["variable"] in weighting.variables:
            assert row["weighted_share"] == pytest.approx(row["invited_share"])
    small = _row(data.tables["nonresponse"], variable="size", category="small")
    assert (small["invited"], small["respondents"]) == (12, 8)
    html = response.content.decode()
    assert "Raking (iterative proportional fitting)" in html
    assert "Mann-Whitney" in html
    # Weighted next to unweighted.
    mean = _row(data.tables["means"], question="q2")
    assert mean["weighted_mean"] is not None and mean["mean"] is not None


def test_the_effect_matrices_by_profile(web, wave):
    client = web("evaluator")
    response = client.get(_programme_url(wave, profile="size", weighted="1"))
    groups = response.context["figures"]
    # Overall and per size class (small, medium or large), both kinds each.
    assert [g["label"] for g in groups] == [
        "all respondents",
        "small (< 50 employees)",
        "medium or large (≥ 50)",
    ]
    figures = [f for g in groups for f in g["svg"]]
    assert [f["kind"] for f in figures] == ["realisation", "contribution"] * 3
    assert all(str(f["svg"]).startswith("<svg") for f in figures)
    assert response.content.decode().count('class="figure matrix"') == 6
    overall = next(
        m
        for m in response.context["data"].matrices
        if m["profile"] == "all" and m["kind"] == "realisation"
    )["matrix"]
    point = overall["points"].set_index("effect").loc[1]
    # Effect 1 (wish = i mod 3 over 13 respondents): A's i = 0,1,2,3,4,5,8,9,10 and
    # B's 0,1,4,5 → wishes 0,1,2,0,1,2,2,0,1 and 0,1,1,2 → 13/13.
    assert point["n_x"] == 13 and point["x"] == pytest.approx(13 / 13)


# -- Exports ---------------------------------------------------------------------------------


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_the_raw_export_keeps_identity_and_answers_apart(web, wave):
    client = web("evaluator")
    identities = client.get(reverse("surveys:wave-raw-identities", args=[wave.pk]))
    answers = client.get(reverse("surveys:wave-raw-answers", args=[wave.pk]))
    assert identities.status_code == answers.status_code == 200
    (id_rows,) = _sheets(identities.content).values()
    (answer_rows,) = _sheets(answers.content).values()
    assert list(id_rows[0]) == ["Pseudonymous id", "Organisation", "Enterprise number", "Cluster"]
    assert answer_rows[0][:3] == ("Pseudonymous id", "Complete", "q1")
    assert not {"q1", "q2", "remarks"} & set(id_rows[0])
    names = {r[1] for r in id_rows[1:]} | {r[2] for r in id_rows[1:]}
    answer_cells = {str(c) for r in answer_rows for c in r}
    assert not names & answer_cells  # no organisation or enterprise number among answers
    assert len(id_rows) - 1 == len(answer_rows) - 1 == 14  # every response, incomplete too
    ids = {r[0] for r in id_rows[1:]}
    assert ids == {r[0] for r in answer_rows[1:]}
    assert all(re.fullmatch(r"[0-9a-f]{16}", i) for i in ids)
    # Stable: the same ids, the same bytes, in a second export.
    again = client.get(reverse("surveys:wave-raw-identities", args=[wave.pk]))
    assert again.content == identities.content
    first = Response.objects.filter(wave=wave).first()
    assert results.pseudonym(first.pk) in ids and str(first.pk) not in ids


def test_the_results_export_holds_every_table_and_is_deterministic(web, wave):
    client = web("programme_manager")
    url = _programme_url(wave, format="xlsx")
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and first.content == second.content
    sheets = _sheets(first.content)
    assert list(sheets) == [
        "Method",
        "Non-response",
        "Distributions",
        "Means",
        "Crosses (scales)",
        "Crosses (categories)",
        "Tests",
        "Q9",
        "Effect matrices",
    ]
    crosses = sheets["Crosses (scales)"]
    header = crosses[0]
    non_active = [r for r in crosses if r[0] == "q2" and r[2] == "not active"]
    assert non_active and non_active[0][header.index("Mean")] == SUPPRESSED
    assert not any("Survey 1 NV" in str(c) for rows in sheets.values() for r in rows for c in r)


def test_the_cluster_export_is_the_cluster_only(web, wave):
    response = web("cluster_manager_a").get(_cluster_url(CLUSTER_A) + "?format=xlsx")
    assert response.status_code == 200
    nonresponse = _sheets(response.content)["Non-response"]
    assert {r[1] for r in nonresponse[1:] if r[0] == "Cluster"} == {CLUSTER_A}


def test_a_wave_without_responses_still_shows(web, wave):
    Response.objects.filter(wave=wave).delete()
    for persona in ("evaluator", "programme_manager"):
        response = web(persona).get(_programme_url(wave, profile="activity"))
        assert response.status_code == 200
    data = response.context["data"]
    assert data.counts["invited"] == 20 and data.counts["analysed"] == SUPPRESSED
    assert data.weighting.variables == []


def test_imported_responses_without_invitation_and_other_question_types(web, wave):
    questionnaire = wave.questionnaire
    questionnaire.definition = {
        "questions": [
            *DEFINITION["questions"],
            {"name": "employees", "type": "integer", "label": {"nl": "Werknemers"}},
            {
                "name": "topics",
                "type": "select_multiple",
                "label": {"nl": "Thema's"},
                "choices": _choices("a", "b", "c"),
            },
        ]
    }
    questionnaire.save()
    now = timezone.now()
    for i in range(6):
        Response.objects.create(
            wave=wave,
            source=Response.Source.LIMESURVEY,
            external_id=f"ls-{i}",
            answers=_answers(i, active=True) | {"employees": 10 * i, "topics": ["a", "c"]},
            profile={"cluster": CLUSTER_B, "call": "1", "embedding": "gevestigd", "size": "small"},
            started_at=now,
            last_saved_at=now,
            completed_at=now,
        )
    data = web("evaluator").get(_cluster_url(CLUSTER_B)).context["data"]
    assert data.counts["analysed"] == 10  # 4 invited respondents and 6 imported
    assert _row(data.tables["means"], question="employees")["n"] == 6
    topics = [r for r in data.tables["cross_shares"] if r["question"] == "topics"]
    assert {(r["choice"], r["share"]) for r in topics if r["group"] == "small"} >= {("a", 1.0)}
    shares = {
        r["choice"]: r["share"] for r in data.tables["distributions"] if r["question"] == "topics"
    }
    assert shares == {"a": 1.0, "b": 0.0, "c": 1.0}  # the 6 imported answered it


def _plain(built) -> tuple:
    """A build's figures as comparable values (NaN as text, matrices as records)."""

    def cell(value):
        return "NaN" if isinstance(value, float) and value != value else value

    tables = {k: [{c: cell(v) for c, v in row.items()} for row in rows]
              for k, rows in built.tables.items()}  # fmt: skip
    matrices = [
        (m["profile"], m["group"], m["kind"], m["matrix"]["points"].to_dict("records"))
        for m in built.matrices
    ]
    return tables, repr(matrices), built.counts, built.n_suppressed


def test_builds_inside_sharing_compute_once_and_give_what_separate_builds_give(wave, monkeypatch):
    """The report builds the survey chapter (suppressed, Dutch) and the published
    comparison (unsuppressed, English) inside `results.sharing()`: each cross is computed
    once, and neither build differs from one made on its own."""
    alone = {
        (suppressed, lang): _plain(results.build(wave, suppressed=suppressed, lang=lang))
        for suppressed, lang in ((True, "nl"), (False, "en"))
    }
    calls = []
    cross = results.survey.cross
    monkeypatch.setattr(results.survey, "cross", lambda *a, **k: calls.append(1) or cross(*a, **k))
    with results.sharing():
        shared = {
            (suppressed, lang): _plain(results.build(wave, suppressed=suppressed, lang=lang))
            for suppressed, lang in ((True, "nl"), (False, "en"))
        }
        once = len(calls)
        results.build(wave, suppressed=True, lang="en")
        assert len(calls) == once  # a third build computes nothing again
    assert shared == alone
    assert once and results.build(wave, suppressed=True) and len(calls) == 2 * once  # outside


@pytest.fixture
def kept_figures(settings):
    """Results kept as the demo and production keep them (core.memo, off in tests)."""
    from django.core.cache import cache

    settings.CLUSTERMONITOR_MEMO = True
    cache.clear()
    yield
    cache.clear()


def test_a_new_session_gets_the_kept_figures_and_a_write_computes_them_again(
    web, wave, kept_figures, monkeypatch
):
    from clustermonitor.core import audit

    builds = []
    build = results.build
    monkeypatch.setattr(results, "build", lambda *a, **k: builds.append(k) or build(*a, **k))
    first = web("evaluator").get(_programme_url(wave))
    again = web("evaluator", own_session=True).get(_programme_url(wave))  # another session
    assert len(builds) == 1 and "X-Kept-Page" not in again
    assert again.context["data"].counts == first.context["data"].counts
    # Another view of the results is computed for itself: suppressed, a profile's charts.
    suppressed = web("programme_manager").get(_programme_url(wave))
    assert len(builds) == 2 and suppressed.context["data"].suppressed
    web("evaluator").get(_programme_url(wave, profile="size"))
    assert len(builds) == 3
    # A response added (by an import: no audit entry) counts at once.
    invitation = Invitation.objects.filter(wave=wave, response__isnull=True).first()
    now = timezone.now()
    Response.objects.create(
        wave=wave,
        invitation=invitation,
        source=Response.Source.WEB,
        answers=_answers(2, active=True),
        profile=invitation.profile,
        started_at=now,
        last_saved_at=now,
        completed_at=now,
    )
    added = web("evaluator").get(_programme_url(wave))
    assert len(builds) == 4 and added.context["data"].counts["complete"] == 14
    # An answer changed through the application (audited) counts at once too.
    response = Response.objects.filter(wave=wave, completed_at__isnull=False).first()
    response.answers = response.answers | {"q2": "4"}
    audit.save(audit.Actor.system("tests"), response, validate=False)
    web("evaluator").get(_programme_url(wave))
    assert len(builds) == 5
