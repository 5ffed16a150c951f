"""Belgian reference tables shipped with the project (data/be/, see PROVENANCE.md):
NACE-BEL 2008 and 2025, regions, provinces, municipalities (2025), postcodes with
coordinates, KBO legal forms. Loaded by `clustermonitor load-reference`; idempotent
(rows are matched on their codes and only written when new or changed)."""

import csv
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from clustermonitor.registry.models import (
    LegalForm,
    Municipality,
    NaceCode,
    Postcode,
    Province,
    Region,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "be"


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _sync(model, key_fields: tuple[str, ...], wanted: list[dict]) -> int:
    """Create or update `model` rows to match `wanted`; return how many were written."""
    existing = {tuple(getattr(o, f) for f in key_fields): o for o in model.objects.all()}
    new, changed = [], []
    fields = [f for f in wanted[0] if f not in key_fields] if wanted else []
    for values in wanted:
        key = tuple(values[f] for f in key_fields)
        current = existing.get(key)
        if current is None:
            new.append(model(**values))
        elif any(getattr(current, f) != values[f] for f in fields):
            for f in fields:
                setattr(current, f, values[f])
            changed.append(current)
    model.objects.bulk_create(new, batch_size=1000)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=1000)
    return len(new) + len(changed)


def _coordinate(text: str) -> Decimal | None:
    return Decimal(text).quantize(Decimal("0.000001")) if text else None


@transaction.atomic
def load_registry_reference(data_dir: Path = DATA_DIR) -> dict[str, int]:
    written = {}
    nace = []
    for version in (2008, 2025):
        for row in _rows(data_dir / "nace" / f"nacebel_{version}.csv"):
            nace.append(
                {
                    "version": version,
                    "code": row["code"],
                    "code_dot": row["code_dot"],
                    "level": int(row["level"]),
                    "parent_code_dot": row["parent_code_dot"],
                    "section": row.get("section", "") or "",
                    "label_nl": row["label_nl"],
                    "label_fr": row["label_fr"],
                    "label_en": row["label_en"],
                }
            )
    written["NACE codes"] = _sync(NaceCode, ("version", "code"), nace)
    admin = data_dir / "admin"
    regions = json.loads((admin / "regions.json").read_text("utf-8"))
    written["regions"] = _sync(
        Region,
        ("nis",),
        [{"nis": r["id"], "name_nl": r["name"]["nl"], "name_fr": r["name"]["fr"]} for r in regions],
    )
    region_ids = dict(Region.objects.values_list("nis", "pk"))
    provinces = json.loads((admin / "provinces.json").read_text("utf-8"))
    written["provinces"] = _sync(
        Province,
        ("nis",),
        [
            {
                "nis": p["id"],
                "name_nl": p["name"]["nl"],
                "name_fr": p["name"]["fr"],
                "region_id": region_ids[p["region"]],
            }
            for p in provinces
        ],
    )
    province_ids = dict(Province.objects.values_list("nis", "pk"))
    municipalities = json.loads((admin / "municipalities.json").read_text("utf-8"))
    written["municipalities"] = _sync(
        Municipality,
        ("nis",),
        [
            {
                "nis": m["id"],
                "name_nl": m["name"]["nl"],
                "name_fr": m["name"]["fr"],
                "province_id": province_ids.get(m["province"]),
                "region_id": region_ids[m["region"]],
            }
            for m in municipalities
        ],
    )
    municipality_ids = dict(Municipality.objects.values_list("nis", "pk"))
    postcodes = []
    for row in _rows(data_dir / "postcodes" / "be_postcodes.csv"):
        lat, lon = _coordinate(row["latitude"]), _coordinate(row["longitude"])
        others = [n for n in row["other_municipality_nis"].split(";") if n]
        for i, nis in enumerate([row["municipality_nis"], *others]):
            postcodes.append(
                {
                    "code": row["postcode"],
                    "municipality_id": municipality_ids[nis],
                    "locality": row["locality_name"],
                    "latitude": lat,
                    "longitude": lon,
                    "primary": i == 0,
                }
            )
    written["postcodes"] = _sync(Postcode, ("code", "municipality_id"), postcodes)
    written["legal forms"] = _sync(
        LegalForm,
        ("code",),
        [
            {
                "code": r["code"],
                "label_nl": r["label_nl"],
                "label_fr": r["label_fr"],
                "label_en": r["label_en"],
            }
            for r in _rows(admin / "kbo_legal_forms_partial.csv")
        ],
    )
    return written
