"""Write a full-size synthetic KBO open-data extract in the exact format of the real one.

    python bench/kbo/generate.py [FOLDER] [--scale 1.0]

FOLDER defaults to /tmp/kbo-full. At scale 1: 1.9 M enterprises, 1.7 M establishments,
7 K branches, ~3 M denominations, ~2.8 M addresses, ~0.7 M contacts, ~36 M activities
(~1.5 GB) and a ~21 K-row code.csv: about 2 GB, written in a few minutes by DuckDB
`COPY (SELECT ...) TO` (2 threads).

Everything is generated: names from made-up word and syllable lists, streets from
generic parts, enterprise numbers from a formula (valid checksums). Only public
classifications are reused for realism: postcodes and municipalities, NACE-BEL codes and
labels and legal-form labels from clustermonitor/data/be. Values are drawn from hash()
of the row number, so the output is the same on every run and with any thread count.
"""

import argparse
import shutil
import time
from pathlib import Path

import duckdb

DATA = Path(__file__).resolve().parents[2] / "clustermonitor" / "data" / "be"
ENTERPRISES, ESTABLISHMENTS, BRANCHES = 1_900_000, 1_700_000, 7_000

WORDS = [
    "Noord", "Zuid", "Tech", "Bouw", "Groen", "Logistiek", "Data", "Metaal", "Consult",
    "Invest", "Solutions", "Services", "Engineering", "Holding", "Agro", "Bio", "Medi",
    "Energie", "Mobiliteit", "Digitaal", "Atelier", "Studio", "Transport", "Vastgoed",
    "Beheer", "Horeca", "Kunststof", "Textiel", "Print", "Hout", "Glas", "Food", "Pharma",
    "Lab", "Robotics", "Photonics", "Water", "Klimaat", "Circulair", "Haven", "Polder",
    "Kempen", "Leie", "Schelde", "Maas", "Ardenne", "Brabant", "Delta", "Nova", "Prisma",
]  # fmt: skip
SYLLABLES_FAMILY = ["Van", "De", "Ver", "Ma", "Pee", "Jan", "Wou", "Cla", "Ge", "Ber", "Mo"]
SYLLABLES_FAMILY_END = ["ters", "sen", "mans", "aert", "eyn", "ckx", "ens", "ke", "lier"]
SYLLABLES_GIVEN = ["An", "Jo", "Lu", "Ma", "Pie", "Ka", "El", "Wi", "Sa", "To", "Ni"]
SYLLABLES_GIVEN_END = ["n", "ra", "ke", "ter", "s", "len", "na", "o", "rik"]
STREET_START = ["Kerk", "Stations", "Molen", "Dorps", "Nieuw", "School", "Kapel", "Industrie",
                "Beuken", "Linden", "Hoog", "Brug", "Veld", "Meulen", "Kasteel", "Hof"]  # fmt: skip
STREET_END = ["straat", "laan", "weg", "plein", "dreef", "veld"]
COUNTRIES = [("Frankrijk", "France"), ("Nederland", "Pays-Bas"), ("Duitsland", "Allemagne"),
             ("Luxemburg", "Luxembourg"), ("Verenigd Koninkrijk", "Royaume-Uni")]  # fmt: skip

MACROS = """
CREATE MACRO u(i, salt) AS (hash(i, salt) % 1000003) / 1000003.0;      -- uniform [0, 1)
CREATE MACRO pick(i, salt, n) AS (hash(i, salt) % n)::BIGINT + 1;       -- 1 .. n
CREATE MACRO kbo_number(base) AS lpad((base * 100 + 97 - base % 97)::VARCHAR, 10, '0');
CREATE MACRO dot_ent(n) AS substr(n, 1, 4) || '.' || substr(n, 5, 3) || '.' || substr(n, 8, 3);
CREATE MACRO dot_est(n) AS substr(n, 1, 1) || '.' || substr(n, 2, 3) || '.' || substr(n, 5, 3)
                           || '.' || substr(n, 8, 3);
CREATE MACRO ddmmyyyy(day) AS strftime(day, '%d-%m-%Y');
"""


def sql_list(values) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def copy(con, select: str, path: Path, header: list[str], bare: tuple[str, ...] = ()) -> None:
    """Every text quoted, as in the real files; `bare` columns (dates) unquoted. DuckDB
    quotes a header name only where it quotes the column, so with bare columns the quoted
    header is written first and the body appended."""
    if not bare:
        con.execute(f"COPY ({select}) TO '{path}' (HEADER, FORCE_QUOTE *)")
        return
    body = path.with_suffix(".body")
    quoted = ", ".join(c for c in header if c not in bare)
    con.execute(f"COPY ({select}) TO '{body}' (HEADER false, FORCE_QUOTE ({quoted}))")
    with open(path, "wb") as out, open(body, "rb") as rows:
        out.write((",".join(f'"{c}"' for c in header) + "\n").encode())
        shutil.copyfileobj(rows, out, 1 << 24)
    body.unlink()


def reference_tables(con) -> None:
    con.execute(f"""
        CREATE TABLE pc AS SELECT row_number() OVER () AS idx, postcode AS code,
               municipality_nl AS nl, municipality_fr AS fr, region_nis = '04000' AS brussels
        FROM read_csv('{DATA / "postcodes" / "be_postcodes.csv"}', all_varchar = true)""")
    for version in (2008, 2025):
        con.execute(f"""
            CREATE TABLE nace{version}_all AS SELECT code, level, label_nl, label_fr
            FROM read_csv('{DATA / "nace" / f"nacebel_{version}.csv"}', all_varchar = true)""")
        con.execute(f"""
            CREATE TABLE nace{version} AS SELECT row_number() OVER () AS idx, code
            FROM nace{version}_all WHERE level = '5'""")
    con.execute(f"""
        CREATE TABLE forms AS SELECT row_number() OVER () AS idx, code, label_nl, label_fr
        FROM read_csv('{DATA / "admin" / "kbo_legal_forms_partial.csv"}', all_varchar = true)""")


def entities(con, n_ent: int, n_est: int, n_branch: int) -> None:
    n_pc = con.execute("SELECT count(*) FROM pc").fetchone()[0]
    n_forms = con.execute("SELECT count(*) FROM forms").fetchone()[0]
    # Unique bases: i * 7919 mod 8,300,000 is a bijection (7919 is prime), numbers from
    # 0200.000.0xx to 1029.999.9xx, so about 4 % start with 1 as since 2023.
    con.execute(f"""
        CREATE TABLE ent AS SELECT i, dot_ent(kbo_number(2000000 + (i * 7919) % 8300000)) AS num,
          CASE WHEN u(i, 1) < 0.45 THEN '1' ELSE '2' END AS type,
          CASE WHEN u(i, 2) < 0.96 THEN '000'
               ELSE ['012', '013', '014', '017', '018', '048', '050', '100'][pick(i, 3, 8)] END
               AS situation,
          u(i, 4) AS f, pick(i, 5, {n_forms}) AS form_idx,
          DATE '1950-01-01' + (pow(u(i, 6), 0.55) * 27300)::INTEGER AS start,
          CASE WHEN u(i, 7) < 0.57 THEN '2' WHEN u(i, 7) < 0.92 THEN '1' WHEN u(i, 7) < 0.97
               THEN '0' WHEN u(i, 7) < 0.99 THEN '3' ELSE '4' END AS lang,
          u(i, 8) < 0.35 AS employer, pick(i, 9, 4) AS k, u(i, 10) < 0.08 AS bilingual,
          u(i, 11) < 0.15 AS abbreviated, u(i, 12) < 0.12 AS commercial,
          pick(i, 13, {n_pc}) AS pc_idx, u(i, 14) < 0.02 AS abroad, u(i, 15) < 0.05 AS moved,
          u(i, 16) < 0.25 AS has_contact
        FROM range({n_ent}) t(i)""")
    con.execute(f"""
        CREATE TABLE est AS SELECT j, dot_est(kbo_number(20000000 + j * 3)) AS num,
          (SELECT num FROM ent WHERE ent.i = pick(j, 21, {n_ent}) - 1) AS ent_num,
          DATE '1960-01-01' + (pow(u(j, 22), 0.5) * 23700)::INTEGER AS start,
          u(j, 23) < 0.3 AS employer, pick(j, 24, 4) AS k, pick(j, 25, {n_pc}) AS pc_idx,
          u(j, 26) < 0.3 AS commercial, u(j, 27) < 0.13 AS has_contact
        FROM range({n_est}) t(j)""")
    con.execute(f"""
        CREATE TABLE branch AS SELECT b, dot_est(kbo_number(90000000 + b * 7)) AS id,
          (SELECT num FROM ent WHERE ent.i = pick(b, 31, {n_ent}) - 1) AS ent_num,
          DATE '1970-01-01' + (u(b, 32) * 20000)::INTEGER AS start, pick(b, 33, {n_pc}) AS pc_idx
        FROM range({n_branch}) t(b)""")


def company_name(i: str) -> str:
    return (
        f"{sql_list(WORDS)}[pick({i}, 41, {len(WORDS)})] || ' ' || "
        f"{sql_list(WORDS)}[pick({i}, 42, {len(WORDS)})]"
    )


def person_name(i: str) -> str:
    fam = f"{sql_list(SYLLABLES_FAMILY)}[pick({i}, 43, {len(SYLLABLES_FAMILY)})] || "
    fam += f"{sql_list(SYLLABLES_FAMILY_END)}[pick({i}, 44, {len(SYLLABLES_FAMILY_END)})]"
    given = f"{sql_list(SYLLABLES_GIVEN)}[pick({i}, 45, {len(SYLLABLES_GIVEN)})] || "
    given += f"{sql_list(SYLLABLES_GIVEN_END)}[pick({i}, 46, {len(SYLLABLES_GIVEN_END)})]"
    return f"{fam} || ', ' || {given}"


def street(i: str, salt: int) -> str:
    return (
        f"{sql_list(STREET_START)}[pick({i}, {salt}, {len(STREET_START)})] || "
        f"{sql_list(STREET_END)}[pick({i}, {salt + 1}, {len(STREET_END)})]"
    )


def write(con, out: Path) -> dict[str, float]:
    timings = {}

    def timed(name, *args, **kwargs):
        started = time.perf_counter()
        copy(con, *args, **kwargs)
        timings[name] = time.perf_counter() - started

    suffix = "CASE WHEN f < 0.4 THEN ' BV' WHEN f < 0.52 THEN ' NV' WHEN f < 0.67 THEN ' VZW' END"
    form = """CASE WHEN type = '1' THEN NULL WHEN f < 0.40 THEN '610' WHEN f < 0.52 THEN '014'
        WHEN f < 0.67 THEN '017' WHEN f < 0.77 THEN '015' WHEN f < 0.79 THEN '030'
        ELSE (SELECT code FROM forms WHERE forms.idx = form_idx) END"""
    con.execute(f"CREATE TABLE ent2 AS SELECT *, {form} AS form FROM ent")
    timed("enterprise.csv", """
        SELECT num AS EnterpriseNumber, 'AC' AS Status, situation AS JuridicalSituation,
               type AS TypeOfEnterprise, form AS JuridicalForm,
               CASE WHEN form = '015' AND f > 0.72 THEN '610' END AS JuridicalFormCAC,
               ddmmyyyy(start) AS StartDate
        FROM ent2 ORDER BY num""", out / "enterprise.csv",
        ["EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise", "JuridicalForm",
         "JuridicalFormCAC", "StartDate"], bare=("StartDate",))  # fmt: skip
    timed("establishment.csv", """
        SELECT num AS EstablishmentNumber, ddmmyyyy(start) AS StartDate,
               ent_num AS EnterpriseNumber FROM est ORDER BY j""", out / "establishment.csv",
        ["EstablishmentNumber", "StartDate", "EnterpriseNumber"], bare=("StartDate",))  # fmt: skip
    timed("branch.csv", """
        SELECT id AS Id, ddmmyyyy(start) AS StartDate, ent_num AS EnterpriseNumber
        FROM branch ORDER BY b""", out / "branch.csv", ["Id", "StartDate", "EnterpriseNumber"],
        bare=("StartDate",))  # fmt: skip
    other_lang = "CASE lang WHEN '2' THEN '1' ELSE '2' END"
    timed("denomination.csv", f"""
        SELECT num AS EntityNumber, lang AS Language, '001' AS TypeOfDenomination,
               CASE WHEN type = '1' THEN {person_name("i")}
                    ELSE {company_name("i")} || coalesce({suffix}, '') END AS Denomination
        FROM ent2
        UNION ALL SELECT num, {other_lang}, '001', {company_name("i")} || ' (' || {other_lang}
               || ')' FROM ent2 WHERE bilingual AND type = '2'
        UNION ALL SELECT num, lang, '002', upper(left({company_name("i")}, 4)) FROM ent2
               WHERE abbreviated AND type = '2'
        UNION ALL SELECT num, lang, '003', {company_name("i + 7")} FROM ent2 WHERE commercial
        UNION ALL SELECT num, '2', '003', {company_name("j + 11")} FROM est WHERE commercial
        UNION ALL SELECT id, '0', '004', 'Branch ' || {company_name("b")} FROM branch""",
        out / "denomination.csv",
        ["EntityNumber", "Language", "TypeOfDenomination", "Denomination"])  # fmt: skip
    countries = ", ".join(f"('{nl}', '{fr}')" for nl, fr in COUNTRIES)
    address = f"""
        SELECT num AS EntityNumber, 'REGO' AS TypeOfAddress,
          CASE WHEN abroad THEN c.nl END AS CountryNL, CASE WHEN abroad THEN c.fr END AS CountryFR,
          CASE WHEN abroad THEN '7500' || (i % 10) ELSE pc.code END AS Zipcode,
          CASE WHEN abroad THEN 'Stad' ELSE pc.nl END AS MunicipalityNL,
          CASE WHEN abroad THEN 'Ville' ELSE pc.fr END AS MunicipalityFR,
          {street("i", 51)} AS StreetNL,
          CASE WHEN pc.brussels THEN 'Rue ' || {street("i", 51)} ELSE {street("i", 51)} END
            AS StreetFR,
          (1 + i % 180)::VARCHAR AS HouseNumber, CASE WHEN i % 9 = 0 THEN 'b' || (i % 30) ELSE ''
          END AS Box, '' AS ExtraAddressInfo, NULL AS DateStrikingOff
        FROM ent2 JOIN pc ON pc.idx = pc_idx
        JOIN (SELECT row_number() OVER () - 1 AS ci, * FROM (VALUES {countries}) v(nl, fr)) c
          ON c.ci = i % {len(COUNTRIES)}
        WHERE type = '2'"""
    timed("address.csv", f"""
        {address}
        UNION ALL SELECT num, 'REGO', NULL, NULL, pc.code, pc.nl, pc.fr, {street("i", 53)},
          {street("i", 53)}, (1 + i % 90)::VARCHAR, '', '', ddmmyyyy(start + 400)
          FROM ent2 JOIN pc ON pc.idx = pc_idx WHERE moved AND type = '2'
        UNION ALL SELECT num, 'BAET', NULL, NULL, pc.code, pc.nl, pc.fr, {street("j", 55)},
          {street("j", 55)}, (1 + j % 250)::VARCHAR, '', '', NULL
          FROM est JOIN pc ON pc.idx = pc_idx
        UNION ALL SELECT id, 'ABBR', NULL, NULL, pc.code, pc.nl, pc.fr, {street("b", 57)},
          {street("b", 57)}, (1 + b % 50)::VARCHAR, '', '', NULL
          FROM branch JOIN pc ON pc.idx = pc_idx""",
        out / "address.csv",
        ["EntityNumber", "TypeOfAddress", "CountryNL", "CountryFR", "Zipcode", "MunicipalityNL",
         "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber", "Box", "ExtraAddressInfo",
         "DateStrikingOff"], bare=("DateStrikingOff",))  # fmt: skip
    contact = """CASE WHEN {i} % 3 = 0 THEN 'TEL' WHEN {i} % 3 = 1 THEN 'EMAIL' ELSE 'WEB' END"""
    value = """CASE WHEN {i} % 3 = 0 THEN '0' || (10 + {i} % 80) || ' ' || lpad(({i} % 999983)::VARCHAR, 6, '0')
        WHEN {i} % 3 = 1 THEN 'info@firma' || {i} || '.example' ELSE 'www.firma' || {i} || '.example' END"""  # noqa: E501
    timed("contact.csv", f"""
        SELECT num AS EntityNumber, 'ENT' AS EntityContact, {contact.format(i="i")} AS ContactType,
               {value.format(i="i")} AS Value FROM ent2 WHERE has_contact
        UNION ALL SELECT num, 'EST', {contact.format(i="j")}, {value.format(i="j + 5000000")}
               FROM est WHERE has_contact""",
        out / "contact.csv", ["EntityNumber", "EntityContact", "ContactType", "Value"])  # fmt: skip
    n08 = con.execute("SELECT count(*) FROM nace2008").fetchone()[0]
    n25 = con.execute("SELECT count(*) FROM nace2025").fetchone()[0]
    # Per entity k NACE codes (the first MAIN), each in the three versions, under group 001
    # (VAT) and, for employers, 006 (RSZ) with a code of its own: ~10 rows per entity.
    timed("activity.csv", f"""
        WITH acts AS (SELECT num AS entity, employer, unnest(range(k)) AS n FROM ent2
                      UNION ALL SELECT num, employer, unnest(range(k)) FROM est)
        SELECT entity AS EntityNumber, g.grp AS ActivityGroup, v.ver AS NaceVersion,
               CASE v.ver WHEN '2025' THEN b.code ELSE a.code END AS NaceCode,
               CASE WHEN n = 0 THEN 'MAIN' WHEN hash(entity, n) % 10 = 0 THEN 'ANCI'
                    ELSE 'SECO' END AS Classification
        FROM acts
        JOIN (VALUES ('001', false), ('006', true)) g(grp, rsz) ON employer OR NOT g.rsz
        CROSS JOIN (VALUES ('2003'), ('2008'), ('2025')) v(ver)
        JOIN nace2008 a ON a.idx = pick(entity || g.grp, n, {n08})
        JOIN nace2025 b ON b.idx = pick(entity || g.grp, n, {n25})""",
        out / "activity.csv",
        ["EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification"])  # fmt: skip
    return timings


def codes_and_meta(con, out: Path) -> None:
    small = [
        ("ActivityGroup", "001", "BTW-activiteiten", "Activités TVA"),
        ("ActivityGroup", "006", "RSZ-activiteiten", "Activités ONSS"),
        ("Classification", "MAIN", "Hoofdactiviteit", "Activité principale"),
        ("Classification", "SECO", "Nevenactiviteit", "Activité secondaire"),
        ("Classification", "ANCI", "Hulpactiviteit", "Activité auxiliaire"),
        ("TypeOfAddress", "REGO", "Zetel", "Siège"),
        ("TypeOfAddress", "BAET", "Vestigingseenheid", "Unité d'établissement"),
        ("TypeOfAddress", "ABBR", "Bijkantoor", "Succursale"),
        ("TypeOfDenomination", "001", "Naam", "Dénomination"),
        ("TypeOfDenomination", "002", "Afkorting", "Abréviation"),
        ("TypeOfDenomination", "003", "Commerciële naam", "Dénomination commerciale"),
        ("TypeOfDenomination", "004", "Naam van het bijkantoor", "Dénomination de la succursale"),
        ("TypeOfEnterprise", "1", "Natuurlijk persoon", "Personne physique"),
        ("TypeOfEnterprise", "2", "Rechtspersoon", "Personne morale"),
        ("Status", "AC", "Actief", "Actif"),
        ("JuridicalSituation", "000", "Normale toestand", "Situation normale"),
    ]
    rows = ", ".join(
        "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in r) + ")" for r in small
    )
    copy(con, f"""
        WITH c(category, code, nl, fr) AS (
            SELECT * FROM (VALUES {rows})
            UNION ALL SELECT 'JuridicalForm', code, label_nl, label_fr FROM forms
            UNION ALL SELECT 'Nace2003', code, label_nl, label_fr FROM nace2008_all
            UNION ALL SELECT 'Nace2008', code, label_nl, label_fr FROM nace2008_all
            UNION ALL SELECT 'Nace2025', code, label_nl, label_fr FROM nace2025_all)
        SELECT category AS Category, code AS Code, lang AS Language, label AS Description
        FROM c, LATERAL (VALUES ('FR', fr), ('NL', nl)) l(lang, label)
        ORDER BY 1, 2, 3""",
        out / "code.csv", ["Category", "Code", "Language", "Description"])  # fmt: skip
    copy(con, """
        SELECT * FROM (VALUES ('SnapshotDate', '03-07-2026'),
            ('ExtractTimestamp', '05-07-2026 07:07:49'), ('ExtractType', 'full'),
            ('ExtractNumber', '152'), ('Version', '1.0.0')) v(Variable, Value)""",
        out / "meta.csv", ["Variable", "Value"])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="/tmp/kbo-full")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = full size")
    args = parser.parse_args()
    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    scale = lambda n: max(int(n * args.scale), 10)  # noqa: E731
    started = time.perf_counter()
    con = duckdb.connect(config={"threads": 2, "memory_limit": "4GB"})
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET temp_directory = '{out / '.tmp'}'")
    con.execute(MACROS)
    reference_tables(con)
    entities(con, scale(ENTERPRISES), scale(ESTABLISHMENTS), scale(BRANCHES))
    timings = write(con, out)
    codes_and_meta(con, out)
    con.close()
    shutil.rmtree(out / ".tmp", ignore_errors=True)
    counter = duckdb.connect(config={"threads": 2})
    for path in sorted(out.glob("*.csv")):
        sql = f"SELECT count(*) FROM read_csv('{path}', all_varchar = true)"
        rows = counter.execute(sql).fetchone()[0]
        took = f"{timings[path.name]:6.1f} s" if path.name in timings else ""
        print(f"{path.name:18} {rows:>12,} rows {path.stat().st_size / 1e6:9.1f} MB {took}")
    print(f"written to {out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
