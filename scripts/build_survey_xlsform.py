"""Write the default questionnaire, the 2020 IBN member survey, as an XLSForm.

    .venv/bin/python scripts/build_survey_xlsform.py [OUTPUT]

The wording is the report's (clustermonitor/data/reference/survey_instrument_2020.md),
the question names are those of clustermonitor/surveys/instrument.py. The project reads
the generated clustermonitor/surveys/data/ibn_survey_2020.xlsx, not this script: run it
again after changing the wording and commit both. The output is byte-for-byte the same
on every run (fixed document properties and zip timestamps), so an unchanged form keeps
its sha256.

"{cluster}" in a label is replaced by the cluster's name when the questionnaire is shown
(the report's "IBN X").
"""

import datetime
import io
import os
import sys
import zipfile
from pathlib import Path

# The standard library's XML writer, as clustermonitor itself uses (its __init__).
os.environ.setdefault("OPENPYXL_LXML", "False")

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "clustermonitor" / "surveys" / "data" / "ibn_survey_2020.xlsx"
FIXED_TIME = datetime.datetime(2020, 1, 1)

# The 11 effects in the survey's order of presentation (the numbers are its own).
EFFECTS = [
    (
        1,
        "Meer projectmatige samenwerking met bedrijven (klanten en leveranciers) binnen mijn "
        "vertrouwde productieketen/waardeketen",
        "More project-based collaboration with companies (customers and suppliers) within my "
        "familiar production chain/value chain",
    ),
    (
        2,
        "Meer operationele samenwerking met bedrijven (klanten en leveranciers) binnen mijn "
        "vertrouwde productieketen/waardeketen (m.a.w. samen business doen)",
        "More operational collaboration with companies (customers and suppliers) within my "
        "familiar production chain/value chain (in other words, doing business together)",
    ),
    (
        3,
        "Meer projectmatige samenwerking met bedrijven buiten mijn vertrouwde "
        "productieketen/waardeketen",
        "More project-based collaboration with companies outside my familiar production "
        "chain/value chain",
    ),
    (
        4,
        "Meer operationele samenwerking met bedrijven buiten mijn vertrouwde "
        "productieketen/waardeketen (m.a.w. samen business doen)",
        "More operational collaboration with companies outside my familiar production "
        "chain/value chain (in other words, doing business together)",
    ),
    (
        5,
        "Meer samenwerking met (Vlaamse) kennisinstellingen en onderzoekscentra (vb. "
        "universiteiten, hogescholen, collectieve centra, SOC's, ...)",
        "More collaboration with (Flemish) knowledge institutions and research centres (e.g. "
        "universities, university colleges, collective centres, strategic research centres, "
        "...)",
    ),
    (
        9,
        "Meer mogelijkheden om bepaalde producten, technologieën of processen te testen en te "
        "valideren richting marktadaptatie (via piloot- of demo-infrastructuur, living labs, "
        "...)",
        "More opportunities to test and validate products, technologies or processes towards "
        "market adoption (through pilot or demonstration infrastructure, living labs, ...)",
    ),
    (
        6,
        "Betere toegang tot een netwerk van adviseurs en dienstenleveranciers",
        "Better access to a network of advisers and service providers",
    ),
    (
        7,
        "Betere kennisuitwisseling en -deling met andere bedrijven in het domein om "
        "gezamenlijke uitdagingen aan te gaan",
        "Better exchange and sharing of knowledge with other companies in the field to take "
        "on shared challenges",
    ),
    (
        8,
        "Betere kennis van fundamenteel of toepassingsgericht onderzoek dat aan "
        "onderzoeksinstellingen wordt uitgevoerd",
        "Better knowledge of fundamental or applied research carried out at research institutions",
    ),
    (
        10,
        "Beter aantrekken van publieke financiering (nationaal, internationaal)",
        "Better at attracting public funding (national, international)",
    ),
    (
        11,
        "Betere kennis over en toegang tot nieuwe markten",
        "Better knowledge of and access to new markets",
    ),
]

STATEMENTS = [  # Q7, reconstructed
    (
        "We delen binnen de cluster een visie op de strategische uitdagingen en "
        "doelstellingen van het domein",
        "Within the cluster we share a vision of the strategic challenges and goals of the field",
    ),
    ("We identificeren ons duidelijk met de cluster", "We clearly identify with the cluster"),
    ("We voelen ons deel van een gezamenlijke inspanning", "We feel part of a joint effort"),
    (
        "Binnen de cluster is er openheid en bereidheid om informatie te delen en uit te wisselen",
        "Within the cluster there is openness and willingness to share and exchange information",
    ),
    (
        "Deelname versterkt ons vermogen om te gaan met (onverwachte) externe ontwikkelingen",
        "Taking part strengthens our ability to deal with (unexpected) external developments",
    ),
]

BENEFITS = [  # Q8, reconstructed
    ("kennis en technologie", "knowledge and technology"),
    ("innovatie van producten/diensten", "innovation of products/services"),
    ("netwerk en partners", "network and partners"),
    ("markttoegang", "market access"),
    ("reputatie en zichtbaarheid", "reputation and visibility"),
    ("toegang tot financiering", "access to funding"),
]

PRIORITIES = [  # Q10, reconstructed
    ("Kennisuitwisseling", "Knowledge exchange"),
    ("Netwerking en events", "Networking and events"),
    ("Matchmaking", "Matchmaking"),
    ("Opzetten van samenwerkingsprojecten", "Setting up collaborative projects"),
    ("Toegang tot financiering", "Access to funding"),
    ("Internationalisering", "Internationalisation"),
    ("Competentieontwikkeling en opleiding", "Skills development and training"),
    ("Vertegenwoordiging richting overheid", "Representation towards government"),
    ("Test- en demo-infrastructuur", "Test and demonstration infrastructure"),
]

CHOICES = {
    "yesno": [("yes", "ja", "yes"), ("no", "nee", "no")],
    "relevance": [
        ("1", "niet relevant", "not relevant"),
        ("2", "weinig relevant", "slightly relevant"),
        ("3", "relevant", "relevant"),
        ("4", "zeer relevant", "very relevant"),
    ],
    "wish": [
        ("0", "wil het effect niet bereiken", "do not want to reach this effect"),
        ("1", "in beperkte mate", "to a limited degree"),
        ("2", "in sterke mate", "to a large degree"),
    ],
    "realisation": [
        ("2", "ja, volgens verwachting", "yes, as expected"),
        (
            "1",
            "nog niet volgens verwachting, maar we verwachten wel dat de cluster ons hierbij "
            "kan helpen",
            "not yet as expected, but we expect the cluster can help us with it",
        ),
        (
            "0",
            "nog niet volgens verwachting, en we verwachten dat de cluster ons hierbij niet "
            "kan helpen",
            "not yet as expected, and we expect the cluster cannot help us with it",
        ),
    ],
    "contribution": [
        ("100", "heel grote bijdrage", "a very large contribution"),
        ("75", "grote bijdrage", "a large contribution"),
        ("50", "kleine bijdrage", "a small contribution"),
        ("25", "heel kleine bijdrage", "a very small contribution"),
        ("0", "geen bijdrage", "no contribution"),
    ],
    "agree": [
        ("1", "helemaal niet akkoord", "strongly disagree"),
        ("2", "eerder niet akkoord", "rather disagree"),
        ("3", "eerder wel akkoord", "rather agree"),
        ("4", "helemaal akkoord", "strongly agree"),
    ],
    "competitiveness": [
        ("realised", "ja, dit is al gerealiseerd", "yes, this has already been achieved"),
        ("very_short", "ja, op zeer korte termijn", "yes, in the very short term"),
        ("within_3y", "ja, binnen de 3 jaar", "yes, within 3 years"),
        ("longer", "ja, op langere termijn", "yes, in the longer term"),
        ("no", "neen", "no"),
        ("dont_know", "weet niet", "don't know"),
    ],
    "priority": [
        ("1", "helemaal niet op inzetten", "not at all"),
        ("2", "minder op inzetten", "less"),
        ("3", "evenveel als nu", "as much as now"),
        ("4", "meer op inzetten", "more"),
    ],
}

SURVEY_COLUMNS = [
    "type",
    "name",
    "label::nl",
    "label::en",
    "hint::nl",
    "hint::en",
    "required",
    "relevant",
    "constraint",
    "constraint_message::nl",
    "constraint_message::en",
    "appearance",
]


def row(type_, name, nl="", en="", **extra):
    values = {"type": type_, "name": name, "label::nl": nl, "label::en": en}
    values.update({k.replace("__", "::"): v for k, v in extra.items()})
    return values


def group(name, nl, en, appearance, questions):
    return [
        row("begin_group", name, nl, en, appearance=appearance),
        *questions,
        row("end_group", ""),
    ]


def survey_rows() -> list[dict]:
    rows = []
    rows += group(
        "p_activity",
        "Uw deelname",
        "Your participation",
        "field-list",
        [
            row(
                "note",
                "intro",
                "Deze bevraging gaat over uw lidmaatschap van {cluster}. Het invullen duurt "
                "ongeveer 8 minuten. U kunt onderbreken en later verdergaan via dezelfde link.",
                "This survey is about your membership of {cluster}. It takes about 8 minutes. "
                "You can stop and carry on later from the same link.",
            ),
            row(
                "select_one yesno",
                "q1",
                "Heeft u zelf of heeft een collega binnen uw onderneming het voorbije jaar "
                "deelgenomen aan minstens 2 activiteiten van het Innovatief Bedrijfsnetwerk?",
                "Did you or a colleague in your company take part in at least 2 activities "
                "of the innovative business network in the past year?",
                required="yes",
            ),
            row(
                "select_one relevance",
                "q2",
                "Hoe relevant zijn de in het kader van {cluster} aangeboden "
                "activiteiten/diensten voor uw onderneming?",
                "How relevant to your company are the activities and services offered by "
                "{cluster}?",
                required="yes",
            ),
        ],
    )
    rows += group(
        "p_wish",
        "Welke effecten wil uw onderneming via het lidmaatschap van {cluster} bereiken, en "
        "in welke mate?",
        "Which effects does your company want to reach through its membership of {cluster}, "
        "and to what degree?",
        "table-list",
        [row("select_one wish", f"q3_e{n}", nl, en, required="yes") for n, nl, en in EFFECTS],
    )
    rows += group(
        "p_realisation",
        "Werden deze effecten gerealiseerd sinds u lid bent?",
        "Have these effects been achieved since you joined?",
        "table-list",
        [
            row(
                "select_one realisation",
                f"q5_e{n}",
                nl,
                en,
                required="yes",
                relevant=f"${{q3_e{n}}} > 0",
            )
            for n, nl, en in EFFECTS
        ],
    )
    rows += group(
        "p_contribution",
        "Hoe groot was de bijdrage van {cluster} aan deze effecten?",
        "How much did {cluster} contribute to these effects?",
        "table-list",
        [
            row(
                "select_one contribution",
                f"q6_e{n}",
                nl,
                en,
                required="yes",
                relevant=f"${{q3_e{n}}} > 0",
            )
            for n, nl, en in EFFECTS
        ],
    )
    rows += group(
        "p_strength",
        "In welke mate gaat u – als vertegenwoordiger van uw onderneming – akkoord met "
        "volgende stellingen?",
        "To what extent do you – as a representative of your company – agree with the "
        "following statements?",
        "table-list",
        [
            row("select_one agree", f"q7_s{k}", nl, en, required="yes")
            for k, (nl, en) in enumerate(STATEMENTS, 1)
        ],
    )
    rows += group(
        "p_benefits",
        "Wij zijn ervan overtuigd dat deelname aan deze cluster leidt tot voordelen voor ons "
        "bedrijf op het vlak van ...",
        "We are convinced that taking part in this cluster brings our company benefits in "
        "terms of ...",
        "table-list",
        [
            row("select_one agree", f"q8_b{k}", nl, en, required="yes")
            for k, (nl, en) in enumerate(BENEFITS, 1)
        ],
    )
    rows += group(
        "p_competitiveness",
        "Competitiviteit",
        "Competitiveness",
        "field-list",
        [
            row(
                "select_one competitiveness",
                "q9",
                "Verwachten jullie dat jullie onderneming onder impuls van {cluster} "
                "competitiever zal worden?",
                "Do you expect your company to become more competitive thanks to {cluster}?",
                required="yes",
            )
        ],
    )
    rows += group(
        "p_priorities",
        "Waarop moet {cluster} meer of minder inzetten naar de toekomst toe?",
        "What should {cluster} focus on more or less in the future?",
        "table-list",
        [
            row("select_one priority", f"q10_p{k}", nl, en, required="yes")
            for k, (nl, en) in enumerate(PRIORITIES, 1)
        ],
    )
    rows += group(
        "p_company",
        "Uw onderneming",
        "Your company",
        "field-list",
        [
            row(
                "integer",
                "employees",
                "Hoeveel werknemers telt uw onderneming?",
                "How many people does your company employ?",
                hint__nl="Een schatting volstaat. Laat leeg als u het niet weet.",
                hint__en="An estimate will do. Leave empty if you do not know.",
                constraint=". >= 0 and . < 100000",
                constraint_message__nl="Geef een aantal tussen 0 en 99.999.",
                constraint_message__en="Enter a number between 0 and 99,999.",
            ),
            row(
                "note",
                "outro",
                "Dank u wel. Met de knop Verzenden dient u uw antwoorden in; daarna kunt u ze "
                "niet meer wijzigen.",
                "Thank you. The Submit button sends your answers; after that they can no "
                "longer be changed.",
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
    for list_name, options in CHOICES.items():
        for name, nl, en in options:
            choices.append([list_name, name, nl, en])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append(["IBN-ledenbevraging 2020", "ibn_survey_2020", "2020.1", "nl"])
    book.properties.creator = "clustermonitor"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    return book


def deterministic(data: bytes) -> bytes:
    """The same zip with every member's timestamp fixed (openpyxl stamps the time of
    saving on the members and on docProps/core.xml)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _fixed_core(content)
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, content)
    return out.getvalue()


def _fixed_core(content: bytes) -> bytes:
    import re

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
        rb"\g<1>" + stamp + rb"\g<2>",
        content,
    )


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
