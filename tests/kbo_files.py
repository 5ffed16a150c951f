"""Small KBO open-data files in the exact format of the real extract (DESIGN §6 and the
KBO Open Data cookbook), generated, never real data.

As in the real files: comma-separated, a quoted header, every text value quoted (an
empty text as ""), optional values that are absent left empty and unquoted (country of
a Belgian address, JuridicalFormCAC, DateStrikingOff), dates dd-mm-yyyy unquoted,
enterprise numbers as 0xxx.xxx.xxx, establishment and branch numbers as x.xxx.xxx.xxx.
A full extract has the nine files; an update has meta.csv, code.csv and a
`<file>_delete.csv` (the key column only) and `<file>_insert.csv` for the other seven.

Kept independent of clustermonitor.registry.kbo on purpose: a wrong header there must
make the tests fail, not travel into the test files too.
"""

import datetime
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HEADERS = {
    "meta": ["Variable", "Value"],
    "code": ["Category", "Code", "Language", "Description"],
    "enterprise": [
        "EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise", "JuridicalForm",
        "JuridicalFormCAC", "StartDate",
    ],
    "establishment": ["EstablishmentNumber", "StartDate", "EnterpriseNumber"],
    "denomination": ["EntityNumber", "Language", "TypeOfDenomination", "Denomination"],
    "address": [
        "EntityNumber", "TypeOfAddress", "CountryNL", "CountryFR", "Zipcode", "MunicipalityNL",
        "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber", "Box", "ExtraAddressInfo",
        "DateStrikingOff",
    ],
    "contact": ["EntityNumber", "EntityContact", "ContactType", "Value"],
    "activity": ["EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"],
    "branch": ["Id", "StartDate", "EnterpriseNumber"],
}  # fmt: skip
DATA_FILES = [s for s in HEADERS if s not in ("meta", "code")]

# Code table rows (Category, Code, {language: description}); a real code.csv has ~21,000.
CODES = [
    ("ActivityGroup", "001", {"NL": "BTW-activiteiten", "FR": "Activités TVA"}),
    ("ActivityGroup", "003", {"NL": "Activiteiten", "FR": "Activités"}),
    ("ActivityGroup", "006", {"NL": "RSZ-activiteiten", "FR": "Activités ONSS"}),
    ("Classification", "MAIN", {"NL": "Hoofdactiviteit", "FR": "Activité principale"}),
    ("Classification", "SECO", {"NL": "Nevenactiviteit", "FR": "Activité secondaire"}),
    ("Classification", "ANCI", {"NL": "Hulpactiviteit", "FR": "Activité auxiliaire"}),
    ("ContactType", "EMAIL", {"NL": "E-mailadres", "FR": "Adresse e-mail"}),
    ("ContactType", "TEL", {"NL": "Telefoonnummer", "FR": "Numéro de téléphone"}),
    ("ContactType", "WEB", {"NL": "Webadres", "FR": "Adresse web"}),
    ("EntityContact", "ENT", {"NL": "Onderneming", "FR": "Entreprise"}),
    ("EntityContact", "EST", {"NL": "Vestigingseenheid", "FR": "Unité d'établissement"}),
    ("JuridicalForm", "003", {"DE": "Mehrwertsteuereinheit", "FR": "Unité TVA",
                              "NL": "BTW-eenheid"}),
    ("JuridicalForm", "015", {"NL": "Besloten vennootschap met beperkte aansprakelijkheid",
                              "FR": "Société privée à responsabilité limitée"}),
    ("JuridicalForm", "610", {"NL": "Besloten vennootschap",
                              "FR": "Société à responsabilité limitée"}),
    ("JuridicalSituation", "000", {"NL": "Normale toestand", "FR": "Situation normale"}),
    ("Language", "0", {"NL": "Onbekend", "FR": "inconnu"}),
    ("Language", "1", {"NL": "Frans", "FR": "français"}),
    ("Language", "2", {"NL": "Nederlands", "FR": "néerlandais"}),
    ("Nace2008", "62010", {"NL": "Ontwerpen en programmeren van computerprogramma's",
                           "FR": "Programmation informatique"}),
    ("Nace2025", "62100", {"NL": "Ontwerpen van computerprogramma's",
                           "FR": "Programmation informatique"}),
    ("Status", "AC", {"NL": "Actief", "FR": "Actif"}),
    ("TypeOfAddress", "REGO", {"NL": "Zetel", "FR": "Siège"}),
    ("TypeOfAddress", "BAET", {"NL": "Vestigingseenheid", "FR": "Unité d'établissement"}),
    ("TypeOfDenomination", "001", {"NL": "Naam", "FR": "Dénomination"}),
    ("TypeOfDenomination", "002", {"NL": "Afkorting", "FR": "Abréviation"}),
    ("TypeOfDenomination", "003", {"NL": "Commerciële naam", "FR": "Dénomination commerciale"}),
    ("TypeOfEnterprise", "1", {"NL": "Natuurlijk persoon", "FR": "Personne physique"}),
    ("TypeOfEnterprise", "2", {"NL": "Rechtspersoon", "FR": "Personne morale"}),
]  # fmt: skip


def valid_number(base: int) -> str:
    """A valid enterprise number from 8 leading digits: the last two are 97 − (base mod 97)
    (DESIGN §4). valid_number(2000657) == "0200065765"."""
    return f"{base:08d}{97 - base % 97:02d}"


def dotted(number: str) -> str:
    """Enterprise numbers as 0xxx.xxx.xxx, establishment and branch numbers as
    x.xxx.xxx.xxx: the notation of the files."""
    if number.startswith(("0", "1")):
        return f"{number[:4]}.{number[4:7]}.{number[7:]}"
    return f"{number[0]}.{number[1:4]}.{number[4:7]}.{number[7:]}"


@dataclass
class Address:
    zipcode: str
    municipality_nl: str
    municipality_fr: str
    street_nl: str
    street_fr: str
    house_number: str = "1"
    box: str = ""
    type: str = "REGO"
    country_nl: str | None = None  # None for Belgium: empty and unquoted in the file
    country_fr: str | None = None
    extra: str = ""
    struck_off: str | None = None  # dd-mm-yyyy


@dataclass
class Establishment:
    number: str  # 10 digits, the first 2–8
    start: str
    address: Address | None = None
    activities: list[tuple[str, str, str, str]] = field(default_factory=list)


@dataclass
class Entity:
    """One enterprise with everything the nine files say about it."""

    number: str
    names: list[tuple[str, str, str]]  # (Language, TypeOfDenomination, Denomination)
    start: str = "01-01-2010"
    type: str = "2"
    form: str | None = "610"
    form_cac: str | None = None
    situation: str = "000"
    addresses: list[Address] = field(default_factory=list)
    # (ActivityGroup, NaceVersion, NaceCode, Classification)
    activities: list[tuple[str, str, str, str]] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)  # (ContactType, Value)
    establishments: list[Establishment] = field(default_factory=list)
    branches: list[tuple[str, str]] = field(default_factory=list)  # (Id, StartDate)

    def rows(self, stem: str) -> list[list]:
        """This entity's rows of one file; values as ("q", text) quoted, ("u", text) bare."""
        n = ("q", dotted(self.number))
        if stem == "enterprise":
            return [[n, ("q", "AC"), ("q", self.situation), ("q", self.type), _opt(self.form),
                     _opt(self.form_cac), ("u", self.start)]]  # fmt: skip
        if stem == "establishment":
            return [[("q", dotted(e.number)), ("u", e.start), n] for e in self.establishments]
        if stem == "denomination":
            return [[n, ("q", lang), ("q", kind), ("q", text)] for lang, kind, text in self.names]
        if stem == "address":
            rows = [[n, *_address(a)] for a in self.addresses]
            return rows + [
                [("q", dotted(e.number)), *_address(e.address)]
                for e in self.establishments
                if e.address
            ]
        if stem == "contact":
            return [[n, ("q", "ENT"), ("q", kind), ("q", value)] for kind, value in self.contacts]
        if stem == "activity":
            rows = [[n, *(("q", v) for v in act)] for act in self.activities]
            for e in self.establishments:
                rows += [[("q", dotted(e.number)), *(("q", v) for v in a)] for a in e.activities]
            return rows
        if stem == "branch":
            return [[("q", dotted(i)), ("u", start), n] for i, start in self.branches]
        raise ValueError(stem)


def _opt(value: str | None):
    return ("u", "") if value is None else ("q", value)


def _address(a: Address) -> list:
    return [
        ("q", a.type), _opt(a.country_nl), _opt(a.country_fr), ("q", a.zipcode),
        ("q", a.municipality_nl), ("q", a.municipality_fr), ("q", a.street_nl),
        ("q", a.street_fr), ("q", a.house_number), ("q", a.box), ("q", a.extra),
        ("u", a.struck_off or ""),
    ]  # fmt: skip


def _line(values) -> str:
    def cell(value):
        how, text = value if isinstance(value, tuple) else ("q", value)
        return '"' + text.replace('"', '""') + '"' if how == "q" else text

    return ",".join(cell(v) for v in values) + "\n"


def _write(folder: Path, name: str, header: list[str], rows) -> None:
    with open(folder / name, "w", encoding="utf-8", newline="") as handle:
        handle.write(_line(header))
        handle.writelines(_line(row) for row in rows)


def _meta(folder: Path, kind: str, snapshot: datetime.date, number: str) -> None:
    timestamp = datetime.datetime.combine(snapshot + datetime.timedelta(days=2), datetime.time(7))
    _write(folder, "meta.csv", HEADERS["meta"], [
        ["SnapshotDate", f"{snapshot:%d-%m-%Y}"],
        ["ExtractTimestamp", f"{timestamp:%d-%m-%Y %H:%M:%S}"],
        ["ExtractType", kind],
        ["ExtractNumber", number],
        ["Version", "1.0.0"],
    ])  # fmt: skip
    rows = [[c, code, lang, text] for c, code, texts in CODES for lang, text in texts.items()]
    _write(folder, "code.csv", HEADERS["code"], rows)


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return target


def write_full(
    target: Path,
    entities: list[Entity],
    *,
    snapshot: datetime.date = datetime.date(2025, 7, 4),
    extract_number: str = "140",
    as_zip: bool = False,
) -> Path:
    """A full extract of `entities`: the folder `target`, or with as_zip the zip
    `target` (built from a folder next to it)."""
    folder = target.with_suffix("") if as_zip else target
    folder.mkdir(parents=True, exist_ok=True)
    _meta(folder, "full", snapshot, extract_number)
    for stem in DATA_FILES:
        _write(folder, f"{stem}.csv", HEADERS[stem], [r for e in entities for r in e.rows(stem)])
    return _zip(folder, target) if as_zip else folder


def write_update(
    target: Path,
    *,
    deleted: dict[str, list[str]],
    inserted: dict[str, list[Entity]],
    snapshot: datetime.date = datetime.date(2025, 8, 1),
    extract_number: str = "141",
    as_zip: bool = True,
) -> Path:
    """A monthly update: per file, the numbers to delete (10 digits; establishment
    numbers and branch ids for those files) and the entities whose rows to insert."""
    folder = target.with_suffix("") if as_zip else target
    folder.mkdir(parents=True, exist_ok=True)
    _meta(folder, "update", snapshot, extract_number)
    for stem in DATA_FILES:
        keys = [[("q", dotted(n))] for n in deleted.get(stem, [])]
        _write(folder, f"{stem}_delete.csv", HEADERS[stem][:1], keys)
        rows = [r for e in inserted.get(stem, []) for r in e.rows(stem)]
        _write(folder, f"{stem}_insert.csv", HEADERS[stem], rows)
    return _zip(folder, target) if as_zip else folder
