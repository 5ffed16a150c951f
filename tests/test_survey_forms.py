"""Questionnaires as XLSForm (issue 7): the shipped 2020 instrument, forms pyxform
rejects, what the web questionnaire refuses (with the row), the expression subset, the
questionnaire pages and who may see them."""

import importlib.util
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.surveys import expressions, instrument, services_forms, xlsform
from clustermonitor.surveys.expressions import ExpressionError
from clustermonitor.surveys.models import Questionnaire
from tests.conftest import ALL_PERSONAS

pytestmark = pytest.mark.usefixtures("english")

SHIPPED = services_forms.DEFAULT_XLSFORM
HEADER = ("type", "name", "label::nl", "label::en", "relevant", "constraint", "appearance")


def workbook(survey, choices=None, settings=None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows:
            extra = book.create_sheet(title)
            for row in rows:
                extra.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refusal(data: bytes) -> xlsform.XLSFormError:
    with pytest.raises(xlsform.XLSFormError) as caught:
        xlsform.parse(data, "form.xlsx")
    return caught.value


@pytest.fixture(scope="module")
def shipped() -> dict:
    return xlsform.parse(SHIPPED.read_bytes(), SHIPPED.name)


# -- the shipped 2020 instrument ----------------------------------------------------------


def test_the_shipped_form_is_the_2020_instrument_with_the_names_of_instrument_py(shipped):
    assert shipped["title"] == "IBN-ledenbevraging 2020" and shipped["version"] == "2020.1"
    assert shipped["languages"] == ["nl", "en"] and shipped["default_language"] == "nl"
    names = [q["name"] for q in shipped["questions"] if q["type"] != "note"]
    effects = list(instrument.EFFECTS)
    expected = (
        ["q1", "q2"]
        + [instrument.wish(n) for n in effects]
        + [instrument.realisation(n) for n in effects]
        + [instrument.contribution(n) for n in effects]
        + [f"q7_s{k}" for k in range(1, 6)]
        + [f"q8_b{k}" for k in range(1, 7)]
        + ["q9"]
        + [f"q10_p{k}" for k in range(1, 10)]
        + ["employees"]
    )
    assert sorted(names) == sorted(expected) and len(names) == len(set(names))
    by_name = {q["name"]: q for q in shipped["questions"]}
    assert [c["name"] for c in by_name["q1"]["choices"]] == ["yes", "no"]
    assert [c["name"] for c in by_name["q2"]["choices"]] == ["1", "2", "3", "4"]
    assert {c["name"] for c in by_name["q3_e9"]["choices"]} == {"0", "1", "2"}
    assert [c["name"] for c in by_name["q6_e1"]["choices"]] == ["100", "75", "50", "25", "0"]
    q9 = [c["name"] for c in by_name["q9"]["choices"]]
    assert q9 == ["realised", "very_short", "within_3y", "longer", "no", "dont_know"]
    assert set(instrument.Q9_WITHIN_3Y) <= set(q9)
    for n in effects:
        assert by_name[f"q5_e{n}"]["relevant"] == f"${{q3_e{n}}} > 0"
        assert by_name[f"q6_e{n}"]["relevant"] == f"${{q3_e{n}}} > 0"
    employees = by_name["employees"]
    assert employees["type"] == "integer" and not employees["required"]
    assert employees["constraint"] == ". >= 0 and . < 100000"
    assert employees["constraint_message"]["nl"] and employees["constraint_message"]["en"]


def test_the_shipped_form_has_every_text_in_dutch_and_english_and_pages_with_matrices(shipped):
    for question in shipped["questions"]:
        assert question["label"]["nl"] and question["label"]["en"], question["name"]
        for choice in question["choices"]:
            assert choice["label"]["nl"] and choice["label"]["en"]
    assert "{cluster}" in shipped["questions"][2]["label"]["nl"]  # q2: "IBN X"
    pages = {g["name"]: g for g in shipped["groups"]}
    assert len(pages) == 9
    assert pages["p_wish"]["matrix"] and pages["p_wish"]["appearance"] == "table-list"
    assert pages["p_wish"]["questions"] == [instrument.wish(n) for n in instrument.EFFECTS]
    assert not pages["p_activity"]["matrix"]
    assert "{cluster}" in pages["p_priorities"]["label"]["nl"]


def test_rows_are_those_of_the_survey_sheet(shipped):
    by_name = {q["name"]: q for q in shipped["questions"]}
    # Row 1 is the header, row 2 the first group, then the intro note, q1, q2.
    assert shipped["groups"][0]["row"] == 2
    assert (by_name["intro"]["row"], by_name["q1"]["row"], by_name["q2"]["row"]) == (3, 4, 5)


def test_the_committed_xlsx_is_what_the_generator_writes():
    spec = importlib.util.spec_from_file_location(
        "build_survey_xlsform", SHIPPED.parents[3] / "scripts" / "build_survey_xlsform.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build() == SHIPPED.read_bytes(), "run scripts/build_survey_xlsform.py"


# -- refusals ---------------------------------------------------------------------------


def test_a_form_pyxform_rejects_is_refused_with_its_message():
    error = refusal(workbook([HEADER, ("integer", "a", "A", "A", "${nothere} > 1")]))
    assert error.source == "pyxform"
    assert "Could not find the name 'nothere'" in error.messages[0]
    assert "[row : 2]" in error.messages[0]
    error = refusal(workbook([HEADER, ("begin_group", "g", "G", "G"), ("integer", "a", "A")]))
    assert error.source == "pyxform" and "No matching 'end_group'" in error.messages[0]


def test_a_file_that_is_no_workbook_is_refused():
    assert refusal(b"PK\x03\x04 not really").source == "read"
    with pytest.raises(xlsform.XLSFormError):
        xlsform.parse(SHIPPED.read_bytes(), "form.csv")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("geopoint", "where", "Waar", "Where")], "row 3: type 'geopoint' is not supported"),
        ([("date", "when", "Wanneer", "When")], "row 3: type 'date' is not supported"),
        ([("acknowledge", "ok", "OK", "OK")], "row 3: type 'acknowledge' is not supported"),
        (
            [("integer", "n", "N", "N", None, None, "counter")],
            "row 3: appearance 'counter' is not supported for type 'integer'",
        ),
        (
            [("integer", "n", "N", "N", "${a} + 1 > 2")],
            "row 3: relevant '${a} + 1 > 2': operator '+' is not supported",
        ),
        (
            [("integer", "n", "N", "N", None, "today() > 1")],
            "row 3: constraint 'today() > 1': function 'today()' is not supported",
        ),
        (
            [("integer", "n", "N", "N", ". > 1")],
            "row 3: relevant '. > 1': '.' can only be used in a constraint",
        ),
        (
            [("begin_repeat", "r", "R", "R"), ("integer", "n", "N", "N"), ("end_repeat",)],
            "row 3: repeats are not supported ('begin_repeat')",
        ),
        (
            [("begin_group", "g", "G", "G", None, None, "w4")],
            "row 3: appearance 'w4' is not supported for a group",
        ),
        (
            [
                ("begin_group", "g", "G", "G"),
                ("begin_group", "h", "H", "H"),
                ("integer", "n", "N", "N"),
                ("end_group",),
                ("end_group",),
            ],
            "row 4: a group inside a group is not supported",
        ),
    ],
)
def test_unsupported_constructs_are_refused_with_the_row(rows, message):
    survey = [HEADER, ("integer", "a", "A", "A"), *rows]
    if rows[0][0] == "begin_group" and len(rows) == 1:
        survey += [("integer", "z", "Z", "Z"), ("end_group",)]
    error = refusal(workbook(survey))
    assert error.source == "subset"
    assert message in error.messages, error.messages


def test_columns_that_change_behaviour_and_matrices_of_mixed_lists_are_refused():
    error = refusal(
        workbook([("type", "name", "label", "calculation"), ("integer", "a", "A", "1")])
    )
    assert error.messages == ["row 2: column 'calculation' is not supported"]
    survey = [
        HEADER,
        ("begin_group", "m", "M", "M", None, None, "table-list"),
        ("select_one yn", "a", "A", "A"),
        ("integer", "b", "B", "B"),
        ("end_group",),
    ]
    choices = [("list_name", "name", "label"), ("yn", "yes", "ja"), ("yn", "no", "nee")]
    error = refusal(workbook(survey, choices))
    assert error.messages == [
        "row 2: a table-list group may only hold select questions with one choice list (group 'm')"
    ]


def test_all_refusals_are_listed_at_once():
    error = refusal(
        workbook([HEADER, ("geopoint", "a", "A", "A"), ("integer", "b", "B", "B", "${b} div 2")])
    )
    assert len(error.messages) == 2
    assert error.messages[1] == "row 3: relevant '${b} div 2': operator 'div' is not supported"


def test_a_small_form_is_normalised_with_fallbacks_and_implicit_pages():
    survey = [
        ("type", "name", "label::Nederlands (nl)", "label::English (en)", "hint", "required"),
        ("select_multiple colours", "colours", "Kleuren", "Colours", "Kies er twee", "yes"),
        ("text", "why", "Waarom?", None, None, "no"),
    ]
    choices = [
        ("list_name", "name", "label::nl"),
        ("colours", "red", "rood"),
        ("colours", "blue", "blauw"),
    ]
    definition = xlsform.parse(workbook(survey, choices), "kleuren.xlsx")
    assert definition["title"] == "kleuren" and definition["version"] == ""
    colours, why = definition["questions"]
    assert colours["type"] == "select_multiple" and colours["required"]
    assert colours["hint"] == {"nl": "Kies er twee", "en": "Kies er twee"}
    assert colours["choices"][1] == {"name": "blue", "label": {"nl": "blauw", "en": "blauw"}}
    assert why["label"] == {"nl": "Waarom?", "en": "Waarom?"} and not why["required"]
    assert [g["name"] for g in definition["groups"]] == ["_colours", "_why"]
    assert all(g["implicit"] for g in definition["groups"])


# -- the expression subset ----------------------------------------------------------------


ANSWERS = {"q1": "yes", "q3_e1": "2", "q3_e2": "0", "n": 42, "multi": ["a", "c"], "t": "hello"}


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [
        ("${q3_e1} > 0", None, True),
        ("${q3_e2} > 0", None, False),
        ("${q3_e9} > 0", None, False),  # unanswered: NaN, never greater
        ("${q3_e9} != 1", None, True),
        ("${q1} = 'yes'", None, True),
        ('${q1} != "yes"', None, False),
        ("${q1} = 'yes' and ${n} >= 42", None, True),
        ("${q1} = 'no' or ${n} < 10", None, False),
        ("not(${q1} = 'no')", None, True),
        ("(${n} > 1 or ${n} < 0) and not(${t} = '')", None, True),
        ("selected(${multi}, 'c')", None, True),
        ("selected(${multi}, 'b')", None, False),
        ("count-selected(${multi}) = 2", None, True),
        ("count-selected(${nothing}) = 0", None, True),
        (". >= 0 and . < 100000", 99999, True),
        (". >= 0 and . < 100000", 100000, False),
        (". >= 0 and . < 100000", -1, False),
        ("string-length(.) <= 5", "hello", True),
        ("string-length(.) <= 4", "hello", False),
        ("string-length(${t}) = 5", None, True),
        ("count-selected(.) <= 1", ["a", "b"], False),
        ("${n} = 42.0", None, True),
        ("${q3_e1} = '2'", None, True),
        (".5 < 1", None, True),
    ],
)
def test_the_expression_subset_evaluates_like_xpath(text, current, expected):
    allow = "." in text.replace(".5", "")
    assert expressions.evaluate(text, ANSWERS, current, allow_current=allow) is expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${a} + 1", "operator '+' is not supported"),
        ("${a} * 2 > 1", "operator '*' is not supported"),
        ("${a} div 2", "operator 'div' is not supported"),
        ("today() > 1", "function 'today()' is not supported"),
        ("if(${a}, 1, 2)", "function 'if()' is not supported"),
        ("/data/a = 1", "path '/data/a' is not supported"),
        ("${a} | ${b}", "operator '|' is not supported"),
        ("${a} = true", "'true' needs parentheses: not supported"),
        ("1 < ${a} < 3", "chained comparison '<' is not supported"),
        ("selected('x', 'y')", "function 'selected()' needs a ${question} or '.'"),
        ("not(${a}, ${b})", "function 'not()' takes 1 argument(s)"),
        ("(${a} = 1", "the expression ends too early"),
        ("${a} = 1)", "')' was not expected here"),
        ("${a b} = 1", "reference '${a b}' is not a question name"),
        ("", "the expression is empty"),
    ],
)
def test_anything_else_is_refused_at_parse_time(text, message):
    with pytest.raises(ExpressionError) as caught:
        expressions.parse(text, allow_current=True)
    assert str(caught.value) == message


def test_the_evaluator_never_runs_python():
    with pytest.raises(ExpressionError):
        expressions.parse("__import__('os').system('true')")
    assert expressions.parse("${a} = 1 or ${b} > ${c}").references == {"a", "b", "c"}


# -- the questionnaire pages ----------------------------------------------------------------

MANAGE = {
    "anonymous": "login",
    "programme_manager": 200,
    "account_manager": 403,
    "evaluator": 200,
    "cluster_manager_a": 404,
    "cluster_manager_b": 404,
    "member_contact": 404,
    "reviewer": 404,
    "applicant": 404,
}


@pytest.fixture
def default_questionnaire(cluster_a) -> Questionnaire:
    return services_forms.load_default_questionnaire(
        cluster_a.programme, audit.Actor.system("tests")
    )


@pytest.mark.parametrize("persona_name", ALL_PERSONAS)
def test_only_evaluators_and_the_programme_manager_manage_questionnaires(
    persona_name, web, default_questionnaire
):
    client = web(persona_name)
    pk = default_questionnaire.pk
    for url in (
        reverse("surveys:questionnaire-list"),
        reverse("surveys:questionnaire-upload"),
        reverse("surveys:questionnaire-detail", args=[pk]),
        reverse("surveys:questionnaire-xlsform", args=[pk]),
    ):
        response = client.get(url)
        if MANAGE[persona_name] == "login":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == MANAGE[persona_name], (url, persona_name)


def test_loading_the_default_questionnaire_is_idempotent(cluster_a):
    actor = audit.Actor.system("tests")
    first = services_forms.load_default_questionnaire(cluster_a.programme, actor)
    entries = AuditEntry.objects.count()
    again = services_forms.load_default_questionnaire(cluster_a.programme, actor)
    assert again.pk == first.pk and again.is_default
    assert AuditEntry.objects.count() == entries
    assert Questionnaire.objects.filter(programme=cluster_a.programme).count() == 1
    assert first.sha256 == services_forms.sha256(SHIPPED.read_bytes())
    assert first.xlsform.read() == SHIPPED.read_bytes()


def test_the_detail_page_previews_the_questions_in_dutch_and_english(web, default_questionnaire):
    html = (
        web("evaluator")
        .get(reverse("surveys:questionnaire-detail", args=[default_questionnaire.pk]))
        .content.decode()
    )
    assert "Hoe relevant zijn de in het kader van {cluster}" in html
    assert "How relevant to your company are the activities" in html
    assert "${q3_e1} &gt; 0" in html and "q10_p9" in html


def test_an_uploaded_form_is_parsed_stored_and_shown(web, cluster_a):
    client = web("programme_manager")
    data = workbook(
        [HEADER, ("integer", "staff", "Personeel", "Staff", None, ". >= 0")],
        settings=[("form_title", "version"), ("Korte bevraging", "1")],
    )
    response = client.post(
        reverse("surveys:questionnaire-upload"),
        {
            "programme": cluster_a.programme.pk,
            "xlsform": SimpleUploadedFile("kort.xlsx", data),
        },
    )
    questionnaire = Questionnaire.objects.get(title="Korte bevraging")
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:questionnaire-detail", args=[questionnaire.pk])
    assert questionnaire.version == "1" and questionnaire.sha256 == services_forms.sha256(data)
    assert questionnaire.question("staff")["constraint"] == ". >= 0"
    assert AuditEntry.objects.filter(object_id=str(questionnaire.pk), via="web").exists()
    again = client.post(
        reverse("surveys:questionnaire-upload"),
        {"programme": cluster_a.programme.pk, "xlsform": SimpleUploadedFile("kort.xlsx", data)},
    )
    assert again.status_code == 200 and "change the version" in again.content.decode()


def test_a_refused_upload_shows_the_reasons_and_stores_nothing(web, cluster_a):
    client = web("evaluator")
    before = Questionnaire.objects.count()
    bad = workbook([HEADER, ("select_one nolist", "a", "A", "A"), ("geopoint", "b", "B", "B")])
    response = client.post(
        reverse("surveys:questionnaire-upload"),
        {"programme": cluster_a.programme.pk, "xlsform": SimpleUploadedFile("bad.xlsx", bad)},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "pyxform refused the form" in html
    assert "choices sheet" in html
    unsupported = workbook([HEADER, ("integer", "a", "A", "A"), ("geopoint", "b", "B", "B")])
    response = client.post(
        reverse("surveys:questionnaire-upload"),
        {"programme": cluster_a.programme.pk, "xlsform": SimpleUploadedFile("g.xlsx", unsupported)},
    )
    assert response.status_code == 400
    assert "row 3: type &#x27;geopoint&#x27; is not supported" in response.content.decode()
    assert Questionnaire.objects.count() == before
