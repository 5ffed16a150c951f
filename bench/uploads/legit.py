"""A real-sized member list (50,000 rows × 20 columns) as .csv and .xlsx: reading it at
upload, and reading back the parsed table kept with the batch (what every later page of
the wizard does now instead of parsing the file again).

    .venv/bin/python bench/uploads/legit.py
"""

import csv
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")

import django

django.setup()

from openpyxl import Workbook  # noqa: E402

from clustermonitor.core import tabular  # noqa: E402

ROWS, COLUMNS = 50_000, 20


def rows():
    yield [f"kolom {c}" for c in range(COLUMNS)]
    for r in range(ROWS):
        yield [f"waarde {r}-{c}" for c in range(COLUMNS)]


def as_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows())
    return buffer.getvalue().encode()


def as_xlsx() -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows():
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


for name, data in (("leden.csv", as_csv()), ("leden.xlsx", as_xlsx())):
    start = time.perf_counter()
    table = tabular.read_table(data, name)
    parsed = time.perf_counter() - start
    kept = tabular.dump_parsed(table)
    start = time.perf_counter()
    tabular.load_parsed(kept)
    loaded = time.perf_counter() - start
    print(
        f"{name:<11} {len(data) / 2**20:5.1f} MB: parse {parsed:5.2f} s; "
        f"kept table {len(kept) / 2**20:4.1f} MB read back in {loaded:5.2f} s"
    )
