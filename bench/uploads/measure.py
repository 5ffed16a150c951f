"""Time and peak memory of reading the three hostile files of issue 13 (vulnerability 2),
with the reader of a given commit ("before") and of the working tree ("after").

    .venv/bin/python bench/uploads/measure.py [--before COMMIT] [--timeout 150] [--memory-gb 4]

Each file is read in a fresh process (peak RSS is the child's ru_maxrss), capped by an
address-space limit and a timeout so that the old reader cannot take the machine down.
Not a test: numbers depend on the machine.
"""

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def wide_csv() -> bytes:
    """60 KB: 20,000 header columns, then 20,000 one-cell rows."""
    return (",".join("a" for _ in range(20_000)) + "\n" + "x\n" * 20_000).encode()


_NS = "http://schemas.openxmlformats.org"
_PARTS = {
    "[Content_Types].xml": f'<Types xmlns="{_NS}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{_NS}/spreadsheetml/2006/main" '
    f'xmlns:r="{_NS}/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_NS}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_NS}/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>',
}


def _xlsx(sheet: bytes) -> bytes:
    """A minimal .xlsx written by hand (as tests/test_hostile_uploads.py does)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def _sheet(rows, dimension):
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>'.encode() if dimension else b"")
        + b"<sheetData>"
    )
    return head + b"".join(rows) + b"</sheetData></worksheet>"


def long_xlsx() -> bytes:
    """A million one-cell rows, written as compactly as the format allows (no row or cell
    references, no dimension): the reader has to count."""
    header = b'<row><c t="inlineStr"><is><t>naam</t></is></c></row>'
    return _xlsx(_sheet([header, b"<row><c><v>1</v></c></row>" * 999_999], None))


def empty_xlsx() -> bytes:
    """A header, then a million empty rows in a sheet that declares columns up to XFD."""
    header = b'<row><c t="inlineStr"><is><t>naam</t></is></c></row>'
    return _xlsx(_sheet([header, b"<row/>" * 999_999], "A1:XFD1000000"))


CHILD = r"""
import importlib.util, json, os, resource, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
import django; django.setup()
resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))
spec = importlib.util.spec_from_file_location("reader", {module!r})
reader = importlib.util.module_from_spec(spec); spec.loader.exec_module(reader)
data = open({path!r}, "rb").read()
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
base = status("VmRSS")
start = time.perf_counter()
try:
    table = reader.read_table(data, {name!r})
    outcome = f"read {{len(table.rows)}} rows x {{len(table.headers)}} columns"
except MemoryError:
    outcome = "MemoryError"
except Exception as exc:
    outcome = f"refused: {{exc}}"
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "outcome": outcome[:150], "base_mb": base,
    "peak_mb": status("VmHWM"), "kept_mb": status("VmRSS")}}))
"""


def run(module: Path, path: Path, name: str, timeout: float, memory: int) -> dict:
    code = CHILD.format(
        root=str(ROOT), module=str(module), path=str(path), name=name, memory=memory
    )
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"seconds": timeout, "outcome": f"killed after {timeout:.0f} s"}
    if done.returncode:
        tail = done.stderr.strip().splitlines()[-1:] or ["?"]
        return {"seconds": time.perf_counter() - started, "outcome": tail[0]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default="571e9db", help="commit of the old reader")
    parser.add_argument("--timeout", type=float, default=150)
    parser.add_argument("--memory-gb", type=float, default=4)
    parser.add_argument("--skip-before", action="store_true")
    args = parser.parse_args()
    memory = int(args.memory_gb * 1024**3)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old = tmp / "tabular_before.py"
        old.write_bytes(
            subprocess.run(
                ["git", "-C", str(ROOT), "show", f"{args.before}:clustermonitor/core/tabular.py"],
                capture_output=True,
                check=True,
            ).stdout
        )
        new = ROOT / "clustermonitor" / "core" / "tabular.py"
        files = {"wide.csv": wide_csv(), "long.xlsx": long_xlsx(), "empty.xlsx": empty_xlsx()}
        print(
            f"{'file':<11} {'size':>8}  {'reader':<6} {'seconds':>8} {'RSS before':>10} "
            f"{'peak':>8} {'after':>8}  outcome"
        )
        for name, data in files.items():
            path = tmp / name
            path.write_bytes(data)
            for label, module in (("before", old), ("after", new)):
                if label == "before" and args.skip_before:
                    continue
                r = run(module, path, name, args.timeout, memory)
                mb = {
                    k: f"{r[k]:.0f} MB" if k in r else "-"
                    for k in ("base_mb", "peak_mb", "kept_mb")
                }
                print(
                    f"{name:<11} {len(data) / 1024:>6.0f} KB  {label:<6} {r['seconds']:>8.1f} "
                    f"{mb['base_mb']:>10} {mb['peak_mb']:>8} {mb['kept_mb']:>8}  {r['outcome']}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
