"""Organisations as they were on a date (core.known's audit-log rule, docs/definitions.md
"Known on D"): an organisation has no business date of its own."""

from __future__ import annotations

import datetime

from clustermonitor.core.known import audit_log_on
from clustermonitor.registry.models import Municipality, NaceCode, Organisation


def organisation_rows(rows: list[dict], on: datetime.date, id_key: str, prefix: str) -> list:
    """Organisation attributes in ``values()`` rows as they were on ``on`` (the audit-log
    rule, :func:`audit_log_on`): an organisation has no business date (it is known through
    its membership, participation or party); a change of its kind, founding date, sector,
    municipality or position recorded after ``on`` is set back. ``id_key`` names the
    organisation's id in a row, ``prefix`` the path of its fields (``"organisation__"``)."""
    _created, before = audit_log_on(on, {Organisation: {r[id_key] for r in rows}})[Organisation]
    if not before:
        return rows
    nace_ids = {v.get("nace_2008_id") for v in before.values()} - {None}
    nace = dict(NaceCode.objects.filter(pk__in=nace_ids).values_list("pk", "section"))
    places = {
        m["pk"]: m
        for m in Municipality.objects.filter(
            pk__in={v.get("municipality_id") for v in before.values()} - {None}
        ).values("pk", "nis", "name_nl", "province__nis")
    }
    for row in rows:
        values = before.get(row[id_key])
        if not values:
            continue
        plain = ("kind", "start_date", "latitude", "longitude")
        for name, value in ((f, values[f]) for f in plain if f in values):
            key = prefix + name
            if key in row:
                field = Organisation._meta.get_field(name)
                row[key] = field.to_python(value)
        if "nace_2008_id" in values and prefix + "nace_2008__section" in row:
            row[prefix + "nace_2008__section"] = nace.get(values["nace_2008_id"])
        if "municipality_id" in values:
            place = places.get(values["municipality_id"]) or {}
            for name in ("nis", "name_nl", "province__nis"):
                if prefix + "municipality__" + name in row:
                    row[prefix + "municipality__" + name] = place.get(name)
    return rows
