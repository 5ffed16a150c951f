"""Write the yearly cluster-manager survey (issue 21, Catalonia's practice) as an XLSForm.

    .venv/bin/python scripts/build_manager_survey_xlsform.py [OUTPUT]

The project reads the generated clustermonitor/surveys/data/cluster_manager_survey.xlsx,
not this script: run it again after changing the wording and commit both. Dutch first,
with English labels; byte-for-byte the same on every run (the zip's timestamps fixed as
scripts/build_survey_xlsform.py does). Its form_id, ``cluster_manager_survey``, is how
the platform knows a wave of it: its results are for the agency only.
"""

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENPYXL_LXML", "False")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_survey_xlsform import FIXED_TIME, SURVEY_COLUMNS, deterministic, row
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "clustermonitor" / "surveys" / "data" / "cluster_manager_survey.xlsx"
FORM_ID = "cluster_manager_survey"

CHOICES = {
    "role": [
        ("manager", "clustermanager", "cluster manager"),
        ("project", "project- of innovatiemanager", "project or innovation manager"),
        ("community", "community en communicatie", "community and communication"),
        ("international", "internationale relaties", "international relations"),
        ("admin", "administratie en financiën", "administration and finance"),
        ("other", "andere", "other"),
    ],
    "training": [
        ("strategy", "strategie en roadmap", "strategy and roadmap"),
        ("services", "dienstverlening aan leden", "services to members"),
        ("projects", "samenwerkingsprojecten opzetten", "setting up collaborative projects"),
        ("funding", "financiering en subsidies", "funding and grants"),
        ("international", "internationalisering", "internationalisation"),
        ("community", "community management", "community management"),
        ("data", "data en monitoring", "data and monitoring"),
        ("none", "geen", "none"),
    ],
    "satisfaction": [
        ("1", "zeer ontevreden", "very dissatisfied"),
        ("2", "ontevreden", "dissatisfied"),
        ("3", "neutraal", "neutral"),
        ("4", "tevreden", "satisfied"),
        ("5", "zeer tevreden", "very satisfied"),
    ],
    "value": [
        ("1", "geen meerwaarde", "no added value"),
        ("2", "beperkte meerwaarde", "limited added value"),
        ("3", "duidelijke meerwaarde", "clear added value"),
        ("4", "grote meerwaarde", "great added value"),
    ],
    "barrier": [
        ("time", "te weinig tijd of personeel", "too little time or staff"),
        ("funding", "onzekere financiering", "uncertain funding"),
        ("engagement", "weinig engagement van de leden", "little engagement of the members"),
        ("admin", "administratieve last", "administrative burden"),
        ("skills", "ontbrekende competenties", "missing skills"),
        ("partners", "moeilijk partners vinden", "hard to find partners"),
        ("none", "geen", "none"),
    ],
}


def survey_rows() -> list[dict]:
    return [
        row(
            "note",
            "intro",
            "Deze jaarlijkse bevraging van de clustermanagers helpt het agentschap zijn "
            "ondersteuning te verbeteren. Alleen het agentschap ziet de antwoorden.",
            "This yearly survey of cluster managers helps the agency improve its support. "
            "Only the agency sees the answers.",
        ),
        row("select_one role", "role", "Wat is uw rol in de cluster?",
            "What is your role in the cluster?", required="yes"),
        row("integer", "years_in_role", "Hoeveel jaar vervult u deze rol?",
            "How many years have you held this role?",
            constraint=". >= 0 and . <= 60",
            constraint_message__nl="Tussen 0 en 60.", constraint_message__en="Between 0 and 60."),
        row("decimal", "fte", "Hoeveel tijd besteedt u aan de cluster (in VTE)?",
            "How much time do you spend on the cluster (in FTE)?",
            hint__nl="1 is een voltijdse betrekking.", hint__en="1 is a full-time job.",
            required="yes", constraint=". >= 0 and . <= 1.5",
            constraint_message__nl="Tussen 0 en 1,5.",
            constraint_message__en="Between 0 and 1.5."),
        row("integer", "share_members",
            "Welk deel van uw tijd gaat naar diensten voor de leden (%)?",
            "What share of your time goes to services for the members (%)?",
            constraint=". >= 0 and . <= 100",
            constraint_message__nl="Tussen 0 en 100.", constraint_message__en="Between 0 and 100."),
        row("integer", "share_admin",
            "Welk deel van uw tijd gaat naar administratie en rapportering (%)?",
            "What share of your time goes to administration and reporting (%)?",
            constraint=". >= 0 and . <= 100",
            constraint_message__nl="Tussen 0 en 100.", constraint_message__en="Between 0 and 100."),
        row("select_multiple training", "training_needs",
            "In welke domeinen wilt u zich verder bekwamen?",
            "In which fields would you like further training?"),
        row("text", "training_other", "Andere opleidingsnoden", "Other training needs"),
        row("select_one satisfaction", "support_satisfaction",
            "Hoe tevreden bent u over de ondersteuning door het agentschap?",
            "How satisfied are you with the agency's support?", required="yes"),
        row("select_one value", "programme_value",
            "Welke meerwaarde heeft het programma voor uw cluster?",
            "What added value does the programme bring your cluster?", required="yes"),
        row("select_multiple barrier", "barriers",
            "Welke drempels ervaart u in uw werk als clustermanager?",
            "Which barriers do you meet in your work as cluster manager?"),
        row("text", "barriers_other", "Andere drempels of toelichting",
            "Other barriers or explanation"),
        row("text", "remarks", "Opmerkingen of suggesties voor het agentschap",
            "Remarks or suggestions for the agency"),
    ]  # fmt: skip


def workbook() -> Workbook:
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(SURVEY_COLUMNS)
    for values in survey_rows():
        survey.append([values.get(column, "") or None for column in SURVEY_COLUMNS])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label::nl", "label::en"])
    for list_name, options in CHOICES.items():
        for name, nl, en in options:
            choices.append([list_name, name, nl, en])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["Jaarlijkse bevraging clustermanagers", FORM_ID, "2026.1", "nl"])
    book.properties.creator = "clustermonitor"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    return book


def build() -> bytes:
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
