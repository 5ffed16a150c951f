"""The translation guard: every page of the permission matrix (tests/matrix_routes.py,
the routes where a persona gets 200) is rendered in Dutch and in English.

- Dutch: every message looked up through gettext, pgettext or ngettext while the page is
  made must have a Dutch translation (the lookups of the Dutch catalogue are recorded);
  a string that is not marked for translation at all is not looked up: the labels of a
  form are compared with the English page instead (a label that reads the same in both
  languages must be one of SAME_IN_BOTH).
- English: no Dutch interface words (DUTCH_WORDS) in the visible text, outside the
  records' own values (names, titles, answers: what the test world holds, see
  `_data_values`).
- Both: no raw ISO timestamps (2026-12-06T10:00, 2026-12-06 10:00:00+00:00) in the
  visible text; dates and times are written the Belgian way.

The pages are rendered on the session's world (the real 2020 portfolio and the personas)
as the first persona who may open the route, in both languages: what differs between
personas is the records, not the language. Every other persona's pages are rendered in
Dutch by the permission matrix, which checks their messages and timestamps on the same
responses (tests/translation_checks.py). The first rows of an uploaded file
(`<tbody data-file-cells>`) are shown as the file has them and are not checked. The
tester's findings of issue 16 follow, one test each.
"""

import html as htmlmod
import re
from collections import defaultdict

import pytest
from django.conf import settings

from tests.conftest import ALL_PERSONAS
from tests.matrix_routes import MATRIX
from tests.translation_checks import TIMESTAMP, Misses, visible_lines

PAGES = [
    (route, persona)
    for route, (_build, expected) in MATRIX.items()
    for persona in ALL_PERSONAS
    if expected[persona] == 200
]


#: Labels that are the same in Dutch and English (compared in lower case).
SAME_IN_BOTH = {
    "status",
    "cluster",
    "clusters",
    "kpi",
    "code",
    "website",
    "e-mail",
    "postcode",
    "operator",
    "type",
    "budget (eur)",
    "html",
    "pdf",
    "xlsx",
    "xlsform (.xlsx)",
    "relevant",
    "micro (< 10)",
    "logo",
    "iban",  # the bank account number (ISO 13616): one word in every language
}

#: Dutch interface words that never belong on an English page (checked as whole words in
#: the visible text, outside the records' own values).
DUTCH_WORDS = (
    "bewerken",
    "opslaan",
    "verwijderen",
    "annuleren",
    "toevoegen",
    "nieuwe",
    "geen",
    "niet",
    "leden",
    "tussen",
    "vragenlijst",
    "samenwerkingen",
    "activiteiten",
    "bijdragen",
    "gebruikers",
    "streefwaarde",
    "oproep",
    "rapport",
    "wachtwoord",
    "kies",
    "klaar",
    "gestart",
)
DUTCH = re.compile(r"\b(" + "|".join(DUTCH_WORDS) + r")\b", re.IGNORECASE)


def _labels(content: bytes) -> list[str]:
    """The labels of the form fields (not those of the options of a choice)."""
    found = [
        label
        for label in re.findall(r"(?s)<label\b[^>]*>(.*?)</label>", content.decode())
        if "<input" not in label
    ]
    labels = [htmlmod.unescape(re.sub(r"(?s)<[^>]*>", "", label)).strip() for label in found]
    return [label.rstrip(":").strip() for label in labels if label]


def _render(client_for, language, pages, misses=None):
    """Every page in the language: {(route, persona): response}."""
    clients = {}
    responses = {}
    for route, persona in pages:
        if persona not in clients:
            clients[persona] = client_for(persona)
            clients[persona].cookies[settings.LANGUAGE_COOKIE_NAME] = language
        url = MATRIX[route][0]()
        if misses is not None:
            misses.take()  # what building the URL looked up is not the page's
        response = clients[persona].get(url)
        assert response.status_code == 200, (route, persona, response.status_code)
        responses[route, persona] = (response, misses.take() if misses else set())
    return responses


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _strings(value):
    if isinstance(value, str):
        yield value.strip()
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _data_values() -> list[str]:
    """The world's own texts that hold a Dutch word (names, titles, keywords, the
    questionnaire's bilingual definition): they stay as they were entered, longest
    first."""
    from django.apps import apps
    from django.db import models

    values = set()
    for model in apps.get_models():
        if not model.__module__.startswith("clustermonitor."):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
            and not f.choices
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            values.update(text for text in _strings(list(row)) if DUTCH.search(text))
    return sorted(values, key=len, reverse=True)


def _without_data(line: str, data: list[str]) -> str:
    for value in data:
        if value in line:
            line = line.replace(value, " ")
    return line


def _problems(title: str, found: dict) -> list[str]:
    if not found:
        return []
    return [title] + [
        f"  {text!r} (on {', '.join(sorted(where)[:3])})" for text, where in sorted(found.items())
    ]


@pytest.mark.slow
@pytest.mark.any_database
def test_every_page_is_translated(client_for, monkeypatch, settings):
    # The figures behind the pages kept by what they are computed from, as in production
    # (core.memo): the words are the question here, not the computation, which each
    # language and persona would otherwise repeat.
    settings.CLUSTERMONITOR_MEMO = True
    misses = Misses(monkeypatch)
    # One persona per route (the first who may open it): what differs between personas
    # is which records they see, not the interface's language; the permission matrix
    # renders every persona's pages in Dutch with the same checks of messages and
    # timestamps.
    first = {}
    for route, persona in PAGES:
        first.setdefault(route, persona)
    dutch = _render(client_for, "nl", list(first.items()), misses)
    english = _render(client_for, "en", list(first.items()))
    data = _data_values()

    untranslated = defaultdict(set)
    timestamps = defaultdict(set)
    leftovers = defaultdict(set)
    same_labels = defaultdict(set)
    for (route, persona), (response, missed) in dutch.items():
        where = f"{route} ({persona})"
        for message in missed:
            untranslated[message].add(route)
        if _is_html(response):
            for line in visible_lines(response.content):
                if TIMESTAMP.search(line):
                    timestamps[line[:120]].add(where)
    for (route, persona), (response, _missed) in english.items():
        if not _is_html(response):
            continue
        where = f"{route} ({persona})"
        for line in visible_lines(response.content):
            if TIMESTAMP.search(line):
                timestamps[line[:120]].add(where)
            if DUTCH.search(line) and DUTCH.search(_without_data(line, data)):
                leftovers[line[:120]].add(where)
        english_labels = set(_labels(response.content))
        for label in _labels(dutch[route, persona][0].content):
            if label in english_labels and label.lower() not in SAME_IN_BOTH:
                same_labels[label].add(where)

    problems = [
        *_problems("Messages without a Dutch translation (add them to django.po):", untranslated),
        *_problems("Raw timestamps (write them the Belgian way):", timestamps),
        *_problems("Dutch on English pages:", leftovers),
        *_problems("Form labels that are the same in Dutch and English:", same_labels),
    ]
    assert not problems, "\n".join(problems)


# The tester's findings, one by one ----------------------------------------------------


def _dutch(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    return client


def test_every_select_has_an_empty_choice_in_the_readers_language(client_for):
    from django.urls import reverse

    client = _dutch(client_for("programme_manager"))
    dutch = client.get(reverse("programmes:call-create")).content.decode()
    assert '<option value="" selected>— kies —</option>' in dutch
    assert "Select an option" not in dutch and "---------" not in dutch
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("programmes:call-create")).content.decode()
    assert '<option value="" selected>— choose —</option>' in english


def test_a_repeated_combination_of_fields_reads_as_proper_dutch(db):
    from django.utils import translation

    from clustermonitor.programmes.forms import CallForm
    from clustermonitor.programmes.models import Call

    call = Call.objects.get(number=1, cluster_type__code="IBN")
    data = {"cluster_type": call.cluster_type_id, "number": 1}
    with translation.override("nl"):
        form = CallForm(data=data, programme=call.programme)
        assert form.errors["__all__"] == [
            "Er is al een oproep met deze combinatie van programma, clustertype en nummer."
        ]
    with translation.override("en"):
        form = CallForm(data=data, programme=call.programme)
        assert form.errors["__all__"] == [
            "There is already a call with this combination of programme, cluster type and number."
        ]


def test_a_repeated_value_of_one_field_reads_as_proper_dutch(db):
    from django.utils import translation

    from clustermonitor.programmes.forms import ProgrammeForm
    from clustermonitor.programmes.models import Programme

    taken = Programme.objects.first()
    data = {"name": "Tweede", "slug": taken.slug, "agency": "VLAIO"}
    with translation.override("nl"):
        assert ProgrammeForm(data=data).errors["slug"] == [
            "Er is al een programma met deze waarde voor korte naam."
        ]


def test_the_reader_of_files_speaks_dutch():
    import pytest
    from django.utils import translation

    from clustermonitor.core.tabular import TableError, parse_amount, parse_date, read_table

    with translation.override("nl"):
        with pytest.raises(TableError) as refused:
            read_table(b"not a zip", "leden.xlsx")
        assert str(refused.value) == (
            "leden.xlsx: geen leesbaar Excel-bestand (het is geen zip-archief, zoals een .xlsx)."
        )
        with pytest.raises(ValueError, match=r"^'vijfhonderd' is geen bedrag$"):
            parse_amount("vijfhonderd")
        with pytest.raises(ValueError, match=r"^'gisteren' is geen datum \(gebruik dd/mm/jjjj"):
            parse_date("gisteren")


def test_a_survey_import_quotes_the_rule_in_the_readers_language():
    from django.utils import translation

    from clustermonitor.surveys.imports import _text

    message = {
        "nl": "Geef een aantal tussen 0 en 99.999.",
        "en": "Enter a number between 0 and 99,999.",
    }
    with translation.override("nl"):
        assert _text(message) == "Geef een aantal tussen 0 en 99.999."
    with translation.override("en"):
        assert _text(message) == "Enter a number between 0 and 99,999."


def test_a_finished_run_shows_no_step_and_a_running_one_its_step_in_dutch():
    from django.utils import translation

    from clustermonitor.registry.models import KboImport
    from clustermonitor.reports.models import ReportRun

    assert KboImport(state="done", progress=100, step="done").step_label == ""
    with translation.override("nl"):
        assert KboImport(state="running", step="reading activity.csv").step_label == (
            "activity.csv lezen"
        )
        assert KboImport(state="running", step="updating organisations").step_label == (
            "organisaties bijwerken"
        )
        assert ReportRun(state="running", step="survey").step_label == "Ledenbevraging"
        assert ReportRun(state="done", step="").step_label == ""


def test_the_report_runs_are_headed_as_report_runs(client_for):
    from django.urls import reverse

    html = _dutch(client_for("programme_manager")).get(reverse("reports:runs")).content.decode()
    assert "<h2>Aangemaakte rapporten</h2>" in html and ">Imports<" not in html
    kbo = _dutch(client_for("programme_manager")).get(reverse("registry:kbo-imports"))
    assert "<h2>Imports</h2>" in kbo.content.decode()


def test_ambiguous_words_have_their_context():
    from django.utils import translation
    from django.utils.translation import pgettext

    with translation.override("nl"):
        assert pgettext("survey", "Answer") == "Antwoord"
        assert pgettext("verb", "Answer") == "Beantwoorden"
        assert pgettext("survey", "Started") == "Gestart"
        assert pgettext("time", "Started") == "Gestart op"
        assert pgettext("report", "Runs") == "Aangemaakte rapporten"


def test_a_fee_range_reads_from_low_to_high():
    from clustermonitor.analysis.cofinancing import fee_range

    assert fee_range(8000, 250) == "€250 – €8.000"
    assert fee_range(8000, 250, "en") == "€250 – €8,000"


def test_small_numbers_are_written_readably():
    from django.utils import translation

    from clustermonitor.core.templatetags.format import format_small
    from clustermonitor.surveys import explain, results

    with translation.override("nl"):
        assert format_small(4.7e-09) == "< 0,001" and format_small(0.0421) == "0,042"
        text = explain.weighting_text(
            results.Weighting(variables=["size"], iterations=7, max_error=4.7e-09)
        )
        assert "< 0,001" in text and "e-0" not in text
    with translation.override("en"):  # Belgian notation in English too (en_BE)
        assert format_small(4.7e-09) == "< 0,001"


def test_the_reference_criteria_sets_are_dutch_and_english(client_for):
    from django.urls import reverse
    from django.utils import translation

    from clustermonitor.maturity import criteria_reference
    from clustermonitor.maturity.models import CriteriaSet, Criterion

    # Every text of the reference sets has its Dutch.
    for spec in criteria_reference.reference_sets():
        texts = [spec["name"], spec["description"]]
        texts += [t for c in spec["criteria"] for t in (c["text"], c.get("guidance")) if t]
        assert all(t in criteria_reference.DUTCH for t in texts), [
            t for t in texts if t not in criteria_reference.DUTCH
        ]
    # As the session's world loaded them: Dutch first, English beside.
    arena = CriteriaSet.objects.get(name_en="Norway Arena entry", version=1)
    assert arena.name == "Noorwegen: instap Arena"
    criterion = Criterion.objects.get(
        criteria_set=arena, text_en="steering group of relevant actors"
    )
    with translation.override("nl"):
        assert (str(criterion), arena.label) == (
            "een stuurgroep van relevante actoren",
            "Noorwegen: instap Arena",
        )
    with translation.override("en"):
        assert (str(criterion), arena.label) == (
            "steering group of relevant actors",
            "Norway Arena entry",
        )
    html = (
        _dutch(client_for("programme_manager"))
        .get(reverse("programmes:criteria-set-detail", args=[arena.pk]))
        .content.decode()
    )
    assert "een stuurgroep van relevante actoren" in html
    assert "steering group of relevant actors" not in html


def test_the_published_kpi_definitions_show_in_dutch():
    import yaml
    from django.conf import settings as django_settings
    from django.utils import translation

    from clustermonitor.monitoring.published import display_value

    path = django_settings.BASE_DIR / "data" / "reference" / "published_figures_2020.yaml"
    definitions = yaml.safe_load(path.read_text("utf-8"))["programme_kpis"]["kpi_definitions"]
    with translation.override("nl"):
        shown = {key: display_value(text) for key, text in definitions.items()}
    assert shown["unique_active_companies"] == "aantal betalende ledenbedrijven van het IBN"
    assert all(shown[key] != text for key, text in definitions.items())
    with translation.override("en"):
        assert display_value(definitions["new_active_companies"]) == (
            "number of paying members that joined during the project period"
        )


def test_the_audit_log_names_the_kind_of_record_and_the_system_in_dutch(client_for):
    from django.urls import reverse

    html = _dutch(client_for("programme_manager")).get(reverse("core:audit-log")).content.decode()
    assert "<td>systeem</td>" in html and "<td>system</td>" not in html
    assert "<td>gebruiker: " in html and "<td>user: " not in html


def test_the_reports_published_annex_gives_the_kpi_definitions_in_dutch(db):
    import datetime

    from django.utils import translation

    from clustermonitor.reports.build import resolve
    from clustermonitor.reports.document import Table
    from clustermonitor.reports.sections import published

    with translation.override("nl"):
        section = published.build(resolve(datetime.date(2020, 1, 31), None, "nl"))
        cells = {
            str(cell)
            for block in section.blocks
            if isinstance(block, Table)
            for r in block.rows
            for cell in r
        }
    assert "aantal betalende ledenbedrijven van het IBN" in cells
    assert "number of paying member companies of the IBN" not in cells
