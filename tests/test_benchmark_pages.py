"""The benchmark pages (issue 21): the programme's for programme readers, a cluster's
anonymised for its manager, the downloads, and the upload of the reference quartiles."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clustermonitor.core.models import AuditEntry
from clustermonitor.maturity.models_ladder import BenchmarkReference
from clustermonitor.programmes.models import Cluster

pytestmark = pytest.mark.django_db

CSV = (
    "indicator,source,published_on,q1,median,q3,n\n"
    "sme_share,ESCA 2024,2024-06-01,0.4,0.6,0.8,950\n"
    "members,ESCA 2024,2024-06-01,60,110,200,950\n"
)


def _upload(client, text, name="ref.csv"):
    return client.post(
        reverse("programmes:benchmark-references"),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def test_programme_page_and_download(web):
    client = web("evaluator")
    response = client.get(reverse("programmes:benchmark"), {"on": "2020-06-30"})
    assert response.status_code == 200
    assert b"EUKA" in response.content  # the agency sees every cluster
    xlsx = client.get(reverse("programmes:benchmark"), {"on": "2020-06-30", "format": "xlsx"})
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Distribution", "Clusters", "Sources"]


def test_a_day_after_today_is_422(web):
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    assert web("evaluator").get(reverse("programmes:benchmark"), {"on": future}).status_code == 422


def test_cluster_manager_sees_own_values_never_another_clusters(web, cluster_a, cluster_b):
    client = web("cluster_manager_a")
    own = client.get(reverse("programmes:cluster-benchmark", args=[cluster_a.code]))
    assert own.status_code == 200
    other_codes = Cluster.objects.exclude(pk=cluster_a.pk).values_list("code", flat=True)
    body = own.content.decode()
    assert not any(f">{code}<" in body for code in other_codes)
    assert (
        client.get(reverse("programmes:cluster-benchmark", args=[cluster_b.code])).status_code
        == 404
    )
    assert client.get(reverse("programmes:benchmark")).status_code == 404
    xlsx = client.get(
        reverse("programmes:cluster-benchmark", args=[cluster_a.code]), {"format": "xlsx"}
    )
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == [cluster_a.code]
    headers = [c.value for c in book[cluster_a.code][1]]
    assert "minimum" not in headers and "maximum" not in headers  # another cluster's value
    assert web("member_contact").get(reverse("programmes:benchmark")).status_code == 404


def test_upload_all_or_nothing_and_idempotent(web):
    client = web("programme_manager")
    assert _upload(client, CSV).status_code == 302
    assert BenchmarkReference.objects.count() == 2
    entries = AuditEntry.objects.count()
    assert _upload(client, CSV).status_code == 302  # again: nothing changes
    assert BenchmarkReference.objects.count() == 2
    assert AuditEntry.objects.count() == entries
    bad = CSV + "nonsense,ESCA,2024-13-01,1,x,0,-3\n"
    response = _upload(client, bad.replace("0.6", "0.65"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "ref.csv, row 4, indicator" in text and "published_on" in text and "median" in text
    assert str(BenchmarkReference.objects.get(indicator="sme_share").median) == "0.6000"
    assert web("evaluator").get(reverse("programmes:benchmark-references")).status_code == 403
    assert (
        web("cluster_manager_a").get(reverse("programmes:benchmark-references")).status_code == 404
    )


def test_reference_shown_beside_own_value(web, cluster_a):
    _upload(web("programme_manager"), CSV)
    page = web("cluster_manager_a").get(
        reverse("programmes:cluster-benchmark", args=[cluster_a.code]), {"on": "2024-12-31"}
    )
    assert "ESCA 2024" in page.content.decode()
    before = web("cluster_manager_a").get(
        reverse("programmes:cluster-benchmark", args=[cluster_a.code]), {"on": "2024-05-31"}
    )
    assert "ESCA 2024" not in before.content.decode()  # published later: not known then


def test_the_pages_in_dutch(client_for, cluster_a):
    page = client_for("evaluator").get(reverse("programmes:benchmark"), {"on": "2020-06-30"})
    assert page.status_code == 200 and "Referentie" in page.content.decode()
    own = client_for("cluster_manager_a").get(
        reverse("programmes:cluster-benchmark", args=[cluster_a.code])
    )
    assert "Percentiel" in own.content.decode()
