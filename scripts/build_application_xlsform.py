"""Write the shipped application form of a call (issue 19) as an XLSForm.

    .venv/bin/python scripts/build_application_xlsform.py [OUTPUT]

The project reads the generated clustermonitor/grants/data/application_form.xlsx, not this
script: run it again after changing the wording and commit both. The output is
byte-for-byte the same on every run (build_survey_xlsform's fixed zip timestamps).

The question names follow the convention of clustermonitor/grants/mapping.py, which turns
the answers into the one shape of grants/contract.py: a question named like a contract
key fills that key; the tables (steering group, members, co-financing plan) are
`multiline` text questions read one line per row, the columns separated by ";".
The agency may reword, reorder, add or drop questions in the workbook without code, as
long as it keeps these names for what the contract should hold.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_survey_xlsform import FIXED_TIME, SURVEY_COLUMNS, deterministic, group, row
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "clustermonitor" / "grants" / "data" / "application_form.xlsx"

CHOICES = {}
REQUIRED = {"required": "yes"}


def survey_rows() -> list[dict]:
    rows = []
    rows += group(
        "p_project",
        "Het project",
        "The project",
        "field-list",
        [
            row(
                "note",
                "intro",
                "Deze aanvraag volgt de selectiecriteria van de oproep. U kunt op elk moment "
                "bewaren en later verdergaan; pas met 'Indienen' ontvangt het agentschap uw "
                "aanvraag.",
                "This application follows the call's selection criteria. You can save at any "
                "moment and carry on later; the agency receives your application only when "
                "you press 'Submit'.",
            ),
            row("text", "title", "Titel van de aanvraag", "Title of the application", **REQUIRED),
            row(
                "text",
                "cluster_name",
                "Naam van de cluster",
                "Name of the cluster",
                **REQUIRED,
            ),
            row(
                "text",
                "applicant",
                "Aanvragende organisatie (uitvoerder)",
                "Applying organisation (executing organisation)",
                **REQUIRED,
            ),
            row(
                "text",
                "applicant_enterprise_number",
                "Ondernemingsnummer van de aanvrager",
                "Enterprise number of the applicant",
                hint__nl="Bv. 0123.456.749",
                hint__en="E.g. 0123.456.749",
                **REQUIRED,
            ),
            row("text", "domain", "Domein", "Domain", **REQUIRED),
            row(
                "text",
                "keywords",
                "Trefwoorden",
                "Keywords",
                hint__nl="Gescheiden door een puntkomma (;).",
                hint__en="Separated by a semicolon (;).",
            ),
        ],
    )
    rows += group(
        "p_manager",
        "De clustermanager",
        "The cluster manager",
        "field-list",
        [
            row(
                "note",
                "manager_note",
                "Een cluster heeft een benoemde clustermanager.",
                "A cluster has a named cluster manager.",
            ),
            row("text", "manager_name", "Naam", "Name", **REQUIRED),
            row("text", "manager_email", "E-mailadres", "E-mail address", **REQUIRED),
            row("text", "manager_phone", "Telefoon", "Phone"),
        ],
    )
    rows += group(
        "p_steering",
        "De stuurgroep",
        "The steering group",
        "field-list",
        [
            row(
                "text",
                "steering_group",
                "Leden van de stuurgroep",
                "Members of the steering group",
                hint__nl="Eén lid per regel: naam; ondernemingsnummer; soort (bedrijf, "
                "onderzoek of ander). Bedrijven vormen de meerderheid.",
                hint__en="One member per line: name; enterprise number; kind (company, "
                "research or other). Companies are the majority.",
                appearance="multiline",
                **REQUIRED,
            ),
        ],
    )
    rows += group(
        "p_members",
        "Geëngageerde leden",
        "Committed members",
        "field-list",
        [
            row(
                "text",
                "members",
                "Leden die zich engageren",
                "Members committed",
                hint__nl="Eén onderneming per regel: ondernemingsnummer; naam. De naam mag "
                "leeg blijven: we vullen hem aan uit de KBO.",
                hint__en="One enterprise per line: enterprise number; name. The name may be "
                "left empty: we fill it in from the KBO.",
                appearance="multiline",
                **REQUIRED,
            ),
        ],
    )
    rows += group(
        "p_plan",
        "Looptijd en cofinanciering",
        "Term and co-financing",
        "field-list",
        [
            row(
                "text",
                "start_date",
                "Gewenste startdatum",
                "Desired start date",
                hint__nl="JJJJ-MM-DD",
                hint__en="YYYY-MM-DD",
                **REQUIRED,
            ),
            row(
                "integer",
                "term_years",
                "Looptijd (jaren)",
                "Term (years)",
                constraint=". >= 1 and . <= 10",
                constraint_message__nl="Tussen 1 en 10 jaar.",
                constraint_message__en="Between 1 and 10 years.",
                **REQUIRED,
            ),
            row(
                "decimal",
                "requested_amount",
                "Gevraagde subsidie (EUR, alle jaren samen)",
                "Subsidy requested (EUR, all years together)",
                constraint=". > 0",
                **REQUIRED,
            ),
            row(
                "text",
                "cofinancing",
                "Cofinancieringsplan per jaar",
                "Co-financing plan per year",
                hint__nl="Eén jaar per regel: jaar; totaal budget; subsidie; lidgelden; andere "
                "bijdragen. Lidgelden en andere bijdragen samen dekken elk jaar minstens het "
                "aandeel van het clustertype (50 %) van het budget.",
                hint__en="One year per line: year; total budget; subsidy; member fees; other "
                "contributions. Member fees and other contributions together cover at least "
                "the cluster type's share (50 %) of each year's budget.",
                appearance="multiline",
                **REQUIRED,
            ),
        ],
    )
    rows += group(
        "p_roadmap",
        "Roadmap en doelen",
        "Roadmap and targets",
        "field-list",
        [
            row(
                "text",
                "roadmap",
                "Roadmap",
                "Roadmap",
                hint__nl="De activiteiten per jaar en hoe ze de doelen bereiken.",
                hint__en="The activities per year and how they reach the targets.",
                appearance="multiline",
                **REQUIRED,
            ),
            row(
                "decimal",
                "target_kpi1",
                "Doel KPI 1: aantal leden",
                "Target KPI 1: number of members",
                constraint=". >= 0",
                **REQUIRED,
            ),
            row(
                "decimal",
                "target_kpi2",
                "Doel KPI 2: aantal samenwerkingsprojecten",
                "Target KPI 2: number of collaboration projects",
                constraint=". >= 0",
                **REQUIRED,
            ),
            row(
                "decimal",
                "target_kpi3",
                "Doel KPI 3: aantal innovatieprojecten",
                "Target KPI 3: number of innovation projects",
                constraint=". >= 0",
                **REQUIRED,
            ),
            row(
                "text",
                "targets_due_date",
                "Datum waarop de doelen bereikt zijn",
                "Date by which the targets are reached",
                hint__nl="JJJJ-MM-DD",
                hint__en="YYYY-MM-DD",
                **REQUIRED,
            ),
        ],
    )
    rows += group(
        "p_position",
        "Positie in het landschap",
        "Position in the landscape",
        "field-list",
        [
            row(
                "text",
                "position",
                "Positie tegenover bestaande clusters",
                "Position against existing clusters",
                hint__nl="Welke clusters werken in hetzelfde domein, en wat doet deze cluster "
                "anders of samen met hen? Na het bewaren toont de aanvraag de overlap die de "
                "clusterzoeker ziet.",
                hint__en="Which clusters work in the same domain, and what does this cluster "
                "do differently or together with them? After saving, the application shows "
                "the overlap the cluster finder sees.",
                appearance="multiline",
                **REQUIRED,
            ),
        ],
    )
    return rows


def workbook() -> Workbook:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    for values in survey_rows():
        survey.append([values.get(column, "") or None for column in SURVEY_COLUMNS])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::nl", "label::en"])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Aanvraag clusterprogramma", "cluster_application", "2026.1", "nl"])
    book.properties.creator = "clustermonitor"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    return book


def build() -> bytes:
    import io

    buffer = io.BytesIO()
    workbook().save(buffer)
    return deterministic(buffer.getvalue())


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(build())
    print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
