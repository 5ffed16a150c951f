"""List pages at any size (issue 13: 18,817 members rendered in ~18 s).

The member list, the registry's organisation list and a cluster's activities show one
page of core.paging.PER_PAGE rows; the page links keep the filters and the sort order;
the download keeps every row. The query count stays flat (tests/test_query_scaling.py)."""

import datetime
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.urls import reverse

from clustermonitor.activities.models import Activity
from clustermonitor.core.paging import PER_PAGE
from clustermonitor.members.models import Membership
from clustermonitor.registry.models import Organisation
from tests.factories import enterprise_number

pytestmark = pytest.mark.django_db

N = PER_PAGE * 2 + 50  # three pages


def _members(cluster, n=N, ended=0):
    organisations = Organisation.objects.bulk_create(
        Organisation(
            enterprise_number=enterprise_number(5000 + i),
            name=f"Lid {i:04d} NV",
            kind=Organisation.Kind.COMPANY,
            postcode="9000",
            country="BE",
        )
        for i in range(n)
    )
    Membership.objects.bulk_create(
        Membership(
            organisation=org,
            cluster=cluster,
            start_date=datetime.date(2017, 1, 1) + datetime.timedelta(days=i),
            end_date=datetime.date(2018, 1, 1) if i < ended else None,
        )
        for i, org in enumerate(organisations)
    )


def _links(response, rel) -> dict:
    """The query of the pager link with this rel (first, prev, next, last)."""
    match = re.search(rf'<a href="([^"]*)" rel="{rel}">', response.content.decode())
    assert match, f"no {rel} link"
    return {k: v[0] for k, v in parse_qs(urlsplit(unescape(match.group(1))).query).items()}


def _names(response):
    return [m.organisation.name for m in response.context["rows"]]


def test_the_member_list_shows_one_page_and_says_how_many(client_for, cluster_a):
    _members(cluster_a)
    client = client_for("cluster_manager_a")
    url = reverse("members:member-list", args=[cluster_a.code])
    first = client.get(url)
    assert len(first.context["rows"]) == PER_PAGE
    assert f"{N} leden" in first.content.decode()
    assert _names(first)[0] == "Lid 0000 NV"
    last = client.get(url, {"page": 3})
    assert len(last.context["rows"]) == N - 2 * PER_PAGE
    assert client.get(url, {"page": 99}).context["page"].number == 3  # past the end: last
    assert client.get(url, {"page": "x"}).context["page"].number == 1  # not a number: first


def test_page_links_keep_the_filters_and_the_sort_order(client_for, cluster_a):
    _members(cluster_a, ended=10)
    client = client_for("cluster_manager_a")
    url = reverse("members:member-list", args=[cluster_a.code])
    query = {"state": "all", "q": "Lid", "sort": "-name"}
    first = client.get(url, query)
    assert _names(first)[0] == f"Lid {N - 1:04d} NV"  # sorted by name, descending
    assert _links(first, "next") == {**query, "page": "2"}
    assert _links(first, "last") == {**query, "page": "3"}
    second = client.get(url, {**query, "page": 2})
    assert _names(second)[0] == f"Lid {N - 1 - PER_PAGE:04d} NV"
    assert _links(second, "prev") == {**query, "page": "1"}
    # a column header changes the order and goes back to page 1, keeping the filters
    headers = re.findall(r'href="(\?[^"]*sort=[^"]*)"', second.content.decode())
    assert any(
        parse_qs(urlsplit(unescape(h)).query) == {"state": ["all"], "q": ["Lid"], "sort": ["start"]}
        for h in headers
    ), headers
    by_start = client.get(url, {"state": "all", "sort": "-start"})
    assert _names(by_start)[0] == f"Lid {N - 1:04d} NV"  # the latest start first


def test_the_download_holds_every_row_in_the_lists_order(client_for, cluster_a):
    _members(cluster_a)
    client = client_for("cluster_manager_a")
    page = client.get(reverse("members:member-list", args=[cluster_a.code]), {"page": 2})
    link = re.search(r'id="download-members" href="([^"]+)"', page.content.decode()).group(1)
    assert "page=" not in link
    xlsx = client.get(
        reverse("members:member-list-xlsx", args=[cluster_a.code]), {"page": 2, "sort": "-name"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == N + 1  # every member and the header, whatever the page
    assert sheet["A2"].value == f"Lid {N - 1:04d} NV"


def test_the_organisation_list_pages_instead_of_cutting_at_500(client_for, cluster_a):
    _members(cluster_a, n=PER_PAGE * 5 + 20)
    client = client_for("programme_manager")
    url = reverse("registry:organisation-list")
    first = client.get(url)
    total = Organisation.objects.count()
    assert len(first.context["rows"]) == PER_PAGE
    assert first.context["total"] == total > 500
    last = client.get(url, {"page": first.context["page"].paginator.num_pages, "q": "Lid"})
    assert [o.name for o in last.context["rows"]][-1] == f"Lid {PER_PAGE * 5 + 19:04d} NV"
    assert {o.n_memberships for o in last.context["rows"]} == {1}  # counted for the page
    assert _links(last, "first") == {"q": "Lid", "page": "1"}


def test_the_activity_list_pages(client_for, cluster_a):
    activities = Activity.objects.bulk_create(
        Activity(title=f"Workshop {i:03d}", kind="workshop", date=datetime.date(2018, 1, 1))
        for i in range(PER_PAGE + 5)
    )
    for activity in activities:
        activity.clusters.add(cluster_a)
    client = client_for("cluster_manager_a")
    url = reverse("activities:activity-list", args=[cluster_a.code])
    first = client.get(url)
    assert len(first.context["activities"]) == PER_PAGE
    second = client.get(url, {"page": 2})
    assert [a.title for a in second.context["activities"]][-1] == f"Workshop {PER_PAGE + 4:03d}"
    assert _links(second, "prev") == {"page": "1"}
