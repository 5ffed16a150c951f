"""Helpers shared by the collaboration web tests (test_collaborations_web.py and
test_collaboration_import.py)."""

import datetime
import io
import re

import openpyxl
from django.test import Client
from django.urls import reverse

from clustermonitor.collaborations import services
from clustermonitor.collaborations.models import Collaboration, Party, Stage
from clustermonitor.core import audit
from clustermonitor.core.models import AuditEntry
from clustermonitor.registry.models import Organisation
from tests.factories import enterprise_number, organisation

ACTOR = audit.Actor.system("test")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADERS = [
    "Titel",
    "Partijen",
    "Stadium",
    "Sinds",
    "Startdatum",
    "Doel",
    "Instrument",
    "Clusters",
    "Reden stop",
]


def _api(url: str, token: str):
    return Client().get(url, headers={"Authorization": f"Bearer {token}"})


def _number(i: int) -> str:
    return enterprise_number(8000 + i)


def _org(i: int, **values) -> Organisation:
    return organisation(8000 + i, **values)


def _companies(start: int, n: int) -> list[Organisation]:
    return [_org(start + i, name=f"Dronebedrijf {start + i} NV") for i in range(n)]


def _university(i: int = 90) -> Organisation:
    return _org(i, name="Universiteit Drone-onderzoek", kind=Organisation.Kind.KNOWLEDGE)


def _collaboration(clusters, title="Drones in de haven", on=datetime.date(2017, 2, 1), **values):
    collaboration = Collaboration(programme=clusters[0].programme, title=title, **values)
    return services.create(ACTOR, collaboration, clusters, stage=Stage.IDEA, on=on)


def _started(clusters, title, parties, on):
    collaboration = _collaboration(clusters, title=title, on=on - datetime.timedelta(days=30))
    for org in parties:
        services.set_party(ACTOR, collaboration, org, Party.Role.PARTNER)
    services.change_stage(ACTOR, collaboration, Stage.STARTED, on=on)
    return collaboration


def _said(response) -> list[str]:
    """The messages shown on the page the client ended on."""
    return [str(m) for m in response.context["messages"]]


def _detail(pk: int) -> str:
    return reverse("collaborations:collaboration-detail", args=[pk])


def _row_with(html: str, text: str) -> str:
    """The table row of `html` that holds `text`."""
    rows = [row for row in re.split(r"<tr[ >]", html)[1:] if text in row]
    assert rows, f"no row with {text!r}"
    return rows[0].split("</tr>")[0]


def _audited(instance, **filters):
    return AuditEntry.objects.filter(
        content_type__model=instance._meta.model_name, object_id=str(instance.pk), **filters
    )


def _workbook(response):
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _cells(workbook) -> list[list]:
    return [list(row) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
