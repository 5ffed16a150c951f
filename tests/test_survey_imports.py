"""Responses collected in LimeSurvey and KoboToolbox, imported into a wave (issue 7):
the files in their real column formats, header and value problems, and the overwrite
rule (re-importing changes nothing; an older row never overwrites a newer response)."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.core.tabular import read_table
from clustermonitor.surveys import imports, imports_kobo, imports_limesurvey, invitations
from clustermonitor.surveys.models import Response, Wave
from tests import factories
from tests.test_survey_waves import make_questionnaire

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("tests")
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def _select(name, names, required=True, labels=None):
    labels = labels or {}
    return {
        "name": name,
        "type": "select_one",
        "label": {"nl": name, "en": name},
        "choices": [{"name": n, "label": labels.get(n, {"nl": n, "en": n})} for n in names],
        "required": required,
    }


DEFINITION = {
    "schema": 1,
    "title": "IBN-ledenbevraging",
    "languages": ["nl", "en"],
    "questions": [
        {"name": "intro", "type": "note", "label": {"nl": "Welkom", "en": "Welcome"}},
        _select(
            "q1",
            ["yes", "no"],
            labels={"yes": {"nl": "ja", "en": "yes"}, "no": {"nl": "nee", "en": "no"}},
        ),
        _select("q2", ["1", "2", "3", "4"]),
        _select("q3_e1", ["0", "1", "2"]),
        _select("q3_e2", ["0", "1", "2"]),
        _select("q7_s1", ["1", "2", "3", "4"], required=False),
        _select("q7_s2", ["1", "2", "3", "4"], required=False),
        {
            "name": "q11",
            "type": "select_multiple",
            "label": {"nl": "Voordelen", "en": "Benefits"},
            "choices": [
                {"name": n, "label": {"nl": n, "en": n}} for n in ("kennis", "netwerk", "markt")
            ],
            "required": False,
        },
        {
            "name": "employees",
            "type": "integer",
            "label": {"nl": "Aantal werknemers", "en": "Employees"},
            "required": False,
            "constraint": ". >= 0 and . <= 100000",
            "constraint_message": {"nl": "tussen 0 en 100000", "en": "between 0 and 100000"},
        },
        {"name": "remark", "type": "text", "label": {"nl": "Opmerking", "en": "Remark"}},
    ],
}

LIME_HEADERS = [
    "id",
    "submitdate",
    "lastpage",
    "startlanguage",
    "seed",
    "startdate",
    "datestamp",
    "ondernemingsnummer",
    "q1",
    "q2",
    "q3[e1]",
    "q3[e2]",
    "Q7[S1]",
    "Q7[S2]",
    "q11[kennis]",
    "q11[netwerk]",
    "q11[markt]",
    "employees",
    "remark",
    "interviewtime",
    "groupTime1",
    "q1Time",
]

KOBO_HEADERS = [
    "start",
    "end",
    "today",
    "deviceid",
    "cluster",
    "grp_profiel/ondernemingsnummer",
    "grp_activiteit/q1",
    "grp_activiteit/q2",
    "grp_effecten/q3_e1",
    "grp_effecten/q3_e2",
    "grp_sterkte/q7_s1",
    "grp_sterkte/q7_s2",
    "grp_voordelen/q11",
    "grp_voordelen/q11/kennis",
    "grp_voordelen/q11/netwerk",
    "grp_voordelen/q11/markt",
    "grp_profiel/employees",
    "remark",
    "_id",
    "_uuid",
    "_submission_time",
    "_validation_status",
    "_notes",
    "_status",
    "_submitted_by",
    "__version__",
    "_tags",
    "_index",
]


def lime_row(rid, number="", submit="2020-01-14 10:12:03", saved=None, **answers):
    values = {
        "id": str(rid),
        "submitdate": submit,
        "lastpage": "4" if submit else "1",
        "startlanguage": "nl",
        "seed": "1480348717",
        "startdate": "2020-01-14 10:03:44",
        "datestamp": saved or submit or "2020-01-14 10:05:10",
        "ondernemingsnummer": number,
        "q1": "Y",
        "q2": "A3",
        "q3[e1]": "A2",
        "q3[e2]": "A0",
        "Q7[S1]": "A4",
        "Q7[S2]": "A3",
        "q11[kennis]": "Y",
        "q11[netwerk]": "",
        "q11[markt]": "Y",
        "employees": "45",
        "remark": "Goede werking",
        "interviewtime": "498.71" if submit else "",
        "groupTime1": "120.5",
        "q1Time": "8.2",
    }
    values.update(answers)
    return values


def lime_csv(rows, headers=LIME_HEADERS) -> bytes:
    """As LimeSurvey writes it: comma separated, every field quoted, UTF-8 with BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def kobo_row(uuid, cluster="EUKA", number="", **answers):
    values = {
        "start": "2020-01-14T10:03:44.123+01:00",
        "end": "2020-01-14T10:11:02.456+01:00",
        "today": "2020-01-14",
        "deviceid": "ee.kobotoolbox.org:Zx8kPq2",
        "cluster": cluster,
        "grp_profiel/ondernemingsnummer": number,
        "grp_activiteit/q1": "yes",
        "grp_activiteit/q2": "3",
        "grp_effecten/q3_e1": "2",
        "grp_effecten/q3_e2": "0",
        "grp_sterkte/q7_s1": "4",
        "grp_sterkte/q7_s2": "3",
        "grp_voordelen/q11": "kennis markt",
        "grp_voordelen/q11/kennis": "1",
        "grp_voordelen/q11/netwerk": "0",
        "grp_voordelen/q11/markt": "1",
        "grp_profiel/employees": "45",
        "remark": "",
        "_id": "123456",
        "_uuid": uuid,
        "_submission_time": "2020-01-14T09:11:05",
        "_validation_status": "",
        "_notes": "",
        "_status": "submitted_via_web",
        "_submitted_by": "",
        "__version__": "vQmX7ZyQJ8uXn3oLkq8u2b",
        "_tags": "",
        "_index": "1",
    }
    values.update(answers)
    return values


def kobo_csv(rows, headers=KOBO_HEADERS) -> bytes:
    """Kobo's legacy CSV export: semicolons, every field quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return buffer.getvalue().encode("utf-8")


def kobo_xlsx(rows, headers=KOBO_HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "IBN-ledenbevraging"
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h, "") or None for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def wave(cluster_a, cluster_b):
    questionnaire = make_questionnaire(cluster_a.programme, DEFINITION, version="imports")
    wave = Wave.objects.create(
        questionnaire=questionnaire,
        name="Bevraging 2020",
        opens_on=TODAY - 10 * DAY,
        closes_on=TODAY + 20 * DAY,
    )
    wave.clusters.set([cluster_a, cluster_b])
    return wave


@pytest.fixture
def invited(wave, cluster_a, cluster_b):
    """Three invited member companies: two of A, one of B."""
    orgs = [factories.organisation(9201 + i, name=f"Papier {i} NV") for i in range(3)]
    factories.membership(orgs[0], cluster_a)
    factories.membership(orgs[1], cluster_a)
    factories.membership(orgs[2], cluster_b)
    invitations.generate(ACTOR, wave)
    return [o.enterprise_number for o in orgs]


def run(data, name, wave, module, cluster=None, commit=False):
    table = read_table(data, name)
    if commit:
        return imports.commit(table, wave, module, ACTOR, cluster)
    return imports.plan(table, wave, module, cluster)


# -- LimeSurvey ----------------------------------------------------------------------


def test_a_limesurvey_export_with_complete_and_incomplete_responses(wave, invited, cluster_a):
    data = lime_csv(
        [
            lime_row(11, factories.dotted(invited[0])),
            lime_row(12, submit="", q2="A2", **{"q3[e1]": "", "Q7[S1]": "", "employees": ""}),
        ]
    )
    result = run(data, "results-survey123456.csv", wave, imports_limesurvey, cluster_a)
    assert result.can_commit and result.counts["new"] == 2, result.rejected
    assert result.layout.unmatched == [] and result.layout.missing_required == []
    assert set(result.layout.system) >= {"seed", "lastpage", "interviewtime", "groupTime1"}
    run(data, "results-survey123456.csv", wave, imports_limesurvey, cluster_a, commit=True)
    complete = Response.objects.get(wave=wave, source="limesurvey", external_id="11")
    assert complete.answers == {
        "q1": "yes",
        "q2": "3",
        "q3_e1": "2",
        "q3_e2": "0",
        "q7_s1": "4",
        "q7_s2": "3",
        "q11": ["kennis", "markt"],
        "employees": 45,
        "remark": "Goede werking",
    }
    assert complete.invitation.organisation.enterprise_number == invited[0]
    # the invitation's profile; the registry knew no headcount, the answer gives one
    assert complete.profile == {
        **complete.invitation.profile,
        "size": "small",
        "employees": 45,
        "size_source": "self-reported",
    }
    assert complete.duration_seconds == 499 and complete.completed_at is not None
    assert timezone.localtime(complete.completed_at).strftime("%Y-%m-%d %H:%M:%S") == (
        "2020-01-14 10:12:03"
    )
    partial = Response.objects.get(wave=wave, source="limesurvey", external_id="12")
    assert partial.completed_at is None and partial.invitation is None
    assert partial.answers["q2"] == "2" and "q3_e1" not in partial.answers
    assert partial.profile["cluster"] == cluster_a.code
    assert partial.profile["size"] == "unknown"
    rows, _total = invitations.tracking(wave)
    a = next(r for r in rows if r.code == cluster_a.code)
    assert (a.invited, a.started, a.completed) == (2, 2, 1)


def test_an_undated_limesurvey_survey_counts_as_complete(wave, cluster_a):
    row = lime_row(5, submit="1980-01-01 00:00:00", saved="1980-01-01 00:00:00")
    row["startdate"] = row["datestamp"] = "1980-01-01 00:00:00"
    data = lime_csv([row])
    run(data, "undated.csv", wave, imports_limesurvey, cluster_a, commit=True)
    response = Response.objects.get(wave=wave, external_id="5")
    assert response.completed_at is not None and response.answers["q2"] == "3"
    second = run(data, "undated.csv", wave, imports_limesurvey, cluster_a)
    assert second.counts["unchanged"] == 1


def test_thirty_paper_responses_of_one_cluster(wave, cluster_b, web):
    """Journey 11's last step: a cluster's paper questionnaires typed into LimeSurvey."""
    data = lime_csv([lime_row(100 + i) for i in range(30)])
    client = web("evaluator")
    url = reverse("surveys:response-import", args=[wave.pk])
    page = client.post(url, {"file": _upload(data, "papier-BIM.csv"), "cluster": cluster_b.code})
    assert page.status_code == 302, page.context["form"].errors
    detail = client.get(page["Location"])
    html = detail.content.decode()
    assert detail.context["result"].counts["new"] == 30 and 'id="commit"' in html
    assert detail.context["preview"]  # the evaluator sees the rows themselves
    waves = reverse("surveys:wave-detail", args=[wave.pk])
    assert 'class="status tone-neutral" data-state="uploaded"' in client.get(waves).content.decode()
    committed = client.post(page["Location"] + "commit/")
    assert committed.status_code == 302
    assert Response.objects.filter(wave=wave, source="limesurvey").count() == 30
    _rows, total = invitations.tracking(wave)
    assert (total.started, total.completed) == (30, 30)
    again = client.get(page["Location"])
    assert again.context["committed"] and "30" in again.content.decode()
    assert 'class="status tone-ok" data-state="committed"' in client.get(waves).content.decode()


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


# -- Kobo ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_kobo_export_with_groups_and_option_columns(kind, wave, invited, cluster_a, cluster_b):
    rows = [
        kobo_row("3f1c2a9e-6a43-4f0b-9c1e-0d5b7a2e8f11", number=invited[0]),
        kobo_row(
            "b7d0e4c2-1f7a-4e3b-8d2c-5a6f9e0c1b22",
            cluster=cluster_b.code,
            **{"grp_voordelen/q11": "", "grp_voordelen/q11/netwerk": "1", "_id": "123457"},
        ),
    ]
    data = kobo_csv(rows) if kind == "csv" else kobo_xlsx(rows)
    result = run(data, f"IBN_2020.{kind}", wave, imports_kobo)
    assert result.counts["new"] == 2, [o.reason for o in result.rejected]
    assert result.layout.cluster_column == "cluster"
    assert result.layout.enterprise_column == "grp_profiel/ondernemingsnummer"
    assert result.layout.unmatched == []
    run(data, f"IBN_2020.{kind}", wave, imports_kobo, commit=True)
    first = Response.objects.get(wave=wave, source="kobo", external_id=rows[0]["_uuid"])
    assert first.answers["q11"] == ["kennis", "markt"] and first.answers["q3_e1"] == "2"
    assert first.answers["employees"] == 45 and "remark" not in first.answers
    assert first.invitation.cluster == cluster_a and first.duration_seconds == 438
    assert first.completed_at == datetime.datetime(
        2020, 1, 14, 9, 11, 2, 456000, tzinfo=datetime.UTC
    )
    second = Response.objects.get(wave=wave, source="kobo", external_id=rows[1]["_uuid"])
    assert second.answers["q11"] == ["kennis", "netwerk", "markt"]
    assert second.profile["cluster"] == cluster_b.code and second.invitation is None
    assert second.profile["size"] == "small" and second.profile["size_source"] == "self-reported"


def test_kobo_option_columns_that_disagree_reject_the_row(wave, cluster_a):
    row = kobo_row("c1", **{"grp_voordelen/q11/markt": "0"})
    result = run(kobo_csv([row]), "kobo.csv", wave, imports_kobo)
    assert result.counts["rejected"] == 1
    assert "q11" in result.rejected[0].reason and "disagree" in result.rejected[0].reason


# -- Bad input -----------------------------------------------------------------------


def test_headers_that_match_no_question_are_named(wave, cluster_a, web):
    headers = [
        "id",
        "submitdate",
        "startdate",
        "datestamp",
        "q1",
        "q2",
        "Q7[SQ001]",
        "q3[e9]",
        "Vraag 12",
    ]
    row = lime_row(1)
    row.update({"Q7[SQ001]": "A2", "q3[e9]": "A1", "Vraag 12": "x"})
    data = lime_csv([row], headers)
    result = run(data, "lime.csv", wave, imports_limesurvey, cluster_a)
    layout = result.layout
    assert layout.unmatched == ["Q7[SQ001]", "q3[e9]", "Vraag 12"]
    assert "SQ001" in layout.hints["Q7[SQ001]"] and "q7_s1" in layout.hints["Q7[SQ001]"]
    assert "q3_e1" in layout.hints["q3[e9]"] and "q3_e9" in layout.hints["q3[e9]"]
    assert layout.missing_required == ["q3_e1", "q3_e2"]
    assert result.can_commit and result.counts["new"] == 1  # listed, not blocking
    # and on the page, by name
    client = web("evaluator")
    page = client.post(
        reverse("surveys:response-import", args=[wave.pk]),
        {"file": _upload(data, "lime.csv"), "cluster": cluster_a.code},
    )
    html = client.get(page["Location"]).content.decode()
    for name in ("Q7[SQ001]", "q3[e9]", "Vraag 12", "q3_e1, q3_e2"):
        assert name in html


def test_a_file_that_matches_nothing_is_refused_whole(wave, cluster_a):
    data = lime_csv([{"id": "1", "G01Q01": "A1"}], ["id", "submitdate", "G01Q01"])
    result = run(data, "lime.csv", wave, imports_limesurvey, cluster_a, commit=True)
    assert not result.can_commit and "None of the columns" in result.layout.errors[0]
    assert not Response.objects.filter(wave=wave).exists()
    # without a cluster, or an id, it cannot be imported either
    no_cluster = run(lime_csv([lime_row(1)]), "lime.csv", wave, imports_limesurvey)
    assert any("cluster" in e for e in no_cluster.layout.errors)
    headers = [h for h in KOBO_HEADERS if h not in ("_id", "_uuid")]
    no_id = run(kobo_csv([kobo_row("x")], headers), "kobo.csv", wave, imports_kobo)
    assert any("_uuid" in e for e in no_id.layout.errors)


def test_out_of_range_values_reject_their_row_with_row_column_and_reason(wave, cluster_a):
    data = lime_csv(
        [
            lime_row(1),
            lime_row(2, q2="7"),
            lime_row(3, employees="-5"),
            lime_row(4, **{"q11[markt]": "misschien"}),
            lime_row(5, employees="12,5"),
            lime_row(6, datestamp="gisteren"),
            lime_row(7, q1="ja"),  # a label: accepted
        ]
    )
    result = run(data, "lime.csv", wave, imports_limesurvey, cluster_a, commit=True)
    assert result.counts == {"new": 2, "updated": 0, "unchanged": 0, "rejected": 5}
    reasons = {o.number: (o.problems[0].column, o.problems[0].message) for o in result.rejected}
    assert reasons[3][0] == "q2" and "7" in reasons[3][1] and "1, 2, 3, 4" in reasons[3][1]
    assert reasons[4][0] == "employees" and "between 0 and 100000" in reasons[4][1]
    assert reasons[5][0] == "q11[markt]"
    assert reasons[6][0] == "employees" and "whole" in reasons[6][1]
    assert reasons[7][0] == "datestamp"
    assert set(Response.objects.filter(wave=wave).values_list("external_id", flat=True)) == {
        "1",
        "7",
    }


def test_a_row_for_a_cluster_outside_the_wave_is_rejected(wave, cluster_a):
    data = kobo_csv([kobo_row("u1", cluster="ACB"), kobo_row("u2", cluster="euka", _id="2")])
    result = run(data, "kobo.csv", wave, imports_kobo)
    assert result.counts["new"] == 1 and result.rejected[0].problems[0].column == "cluster"
    assert "ACB" in result.rejected[0].reason
    chosen = run(data, "kobo.csv", wave, imports_kobo, cluster_a)
    assert chosen.counts["rejected"] == 1  # "the file is for EUKA, this row says ACB"


def test_the_same_id_twice_in_a_file(wave, cluster_a):
    result = run(lime_csv([lime_row(1), lime_row(1)]), "l.csv", wave, imports_limesurvey, cluster_a)
    assert result.counts["new"] == 1 and "row 2" in result.rejected[0].reason


# -- Nothing lost ---------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(wave, invited, cluster_a):
    data = lime_csv([lime_row(1, invited[0]), lime_row(2, submit="")])
    run(data, "lime.csv", wave, imports_limesurvey, cluster_a, commit=True)
    kobo = kobo_xlsx([kobo_row("k1", number=invited[1])])
    run(kobo, "kobo.xlsx", wave, imports_kobo, commit=True)
    stored = list(Response.objects.filter(wave=wave).order_by("pk").values())
    entries = AuditEntry.objects.count()
    again = run(data, "lime.csv", wave, imports_limesurvey, cluster_a, commit=True)
    kobo_again = run(kobo, "kobo.xlsx", wave, imports_kobo, commit=True)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert kobo_again.counts["unchanged"] == 1
    assert list(Response.objects.filter(wave=wave).order_by("pk").values()) == stored
    assert AuditEntry.objects.count() == entries


def test_a_newer_export_updates_and_an_older_one_never_overwrites(wave, cluster_a):
    partial = lime_row(8, submit="", saved="2020-01-20 09:00:00", q2="A4")
    run(lime_csv([partial]), "new.csv", wave, imports_limesurvey, cluster_a, commit=True)
    older = lime_row(8, submit="2020-01-14 10:12:03", q2="A1")  # complete, but older
    result = run(lime_csv([older]), "old.csv", wave, imports_limesurvey, cluster_a, commit=True)
    assert result.counts["unchanged"] == 1 and "later" in result.rows[0].outcome.notes[0]
    response = Response.objects.get(wave=wave, external_id="8")
    assert response.answers["q2"] == "4" and response.completed_at is None
    newer = lime_row(8, submit="2020-01-21 11:00:00", q2="A2")
    result = run(lime_csv([newer]), "newer.csv", wave, imports_limesurvey, cluster_a, commit=True)
    assert result.counts["updated"] == 1 and "q2" in result.rows[0].outcome.notes[0]
    response.refresh_from_db()
    assert response.answers["q2"] == "2" and response.completed_at is not None
    update = AuditEntry.objects.filter(
        content_type__model="response", object_id=str(response.pk), action="update"
    ).get()
    assert "hidden:" in update.after["answers"]  # raw answers stay out of the audit log


def test_a_company_that_answered_on_the_web_is_not_imported_again(wave, invited, cluster_a):
    invitation = wave.invitations.get(organisation__enterprise_number=invited[0])
    now = timezone.now()
    Response.objects.create(
        wave=wave,
        invitation=invitation,
        source="web",
        answers={"q1": "no"},
        profile=invitation.profile,
        started_at=now,
        last_saved_at=now,
    )
    result = run(lime_csv([lime_row(1, invited[0])]), "l.csv", wave, imports_limesurvey, cluster_a)
    assert result.counts["rejected"] == 1
    assert "already answered" in result.rejected[0].reason


# -- Pages ---------------------------------------------------------------------------


def test_the_programme_manager_imports_without_seeing_raw_rows(wave, cluster_a, web):
    client = web("programme_manager")
    data = lime_csv([lime_row(1), lime_row(2, q2="9")])
    page = client.post(
        reverse("surveys:response-import", args=[wave.pk]),
        {"file": _upload(data, "lime.csv"), "cluster": cluster_a.code},
    )
    detail = client.get(page["Location"])
    assert detail.status_code == 200 and detail.context["preview"] is None
    assert "Goede werking" not in detail.content.decode()
    key = re.search(r"/import/([0-9a-f]{32})/", page["Location"]).group(1)
    rejected = reverse("surveys:response-import-rejected", args=[wave.pk, key])
    assert client.get(rejected).status_code == 403
    assert web("evaluator").get(rejected).status_code == 200
    assert web("cluster_manager_a").get(page["Location"]).status_code == 404
    assert web("account_manager").get(page["Location"]).status_code == 403
    assert web("cluster_manager_a").post(page["Location"] + "commit/").status_code == 404
    assert not Response.objects.filter(wave=wave).exists()
    assert client.post(page["Location"] + "commit/").status_code == 302
    assert Response.objects.filter(wave=wave).count() == 1


def test_an_unknown_export_asks_which_tool(wave, web):
    data = b"respondent,q1,q2\r\n1,yes,3\r\n"
    page = web("evaluator").post(
        reverse("surveys:response-import", args=[wave.pk]), {"file": _upload(data, "x.csv")}
    )
    assert page.status_code == 200 and page.context["form"].errors["source"]


def test_a_key_that_is_not_one_is_404(wave, web):
    client = web("evaluator")
    for key in ("../../etc", "0" * 32, "nothing"):
        url = f"/surveys/waves/{wave.pk}/import/{key}/"
        assert client.get(url).status_code == 404
