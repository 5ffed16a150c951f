"""Contributions: fee schedules, expected contributions, payments, the payments import
(issue 4 §1, JOURNEYS 5)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clustermonitor.core import audit
from clustermonitor.core.imports.models import ImportBatch
from clustermonitor.core.models import AuditEntry
from clustermonitor.core.tabular import read_table
from clustermonitor.members import contribution_import
from clustermonitor.members import contributions as service
from clustermonitor.members.models import Contribution
from clustermonitor.registry.models import FirmFigures
from tests.factories import dotted, enterprise_number, membership, organisation

pytestmark = pytest.mark.usefixtures("english")

ACTOR = audit.Actor.system("test")

YES = {"confirmed": "yes"}  # the confirmation page's answer (test_confirmations)


def _member(i, cluster, employees=None, start=datetime.date(2017, 1, 1), end=None):
    org = organisation(i)
    if employees is not None:
        FirmFigures.objects.create(organisation=org, year=2017, employees=employees, source="t")
    return membership(org, cluster, start=start, end=end)


def test_journey_fees_by_size_class_then_payments(client_for, cluster_a):
    micro, large, unknown = (
        _member(1, cluster_a, 5),
        _member(2, cluster_a, 400),
        _member(3, cluster_a),
    )
    _member(4, cluster_a, 5, end=datetime.date(2017, 12, 31))  # left before 2018
    client = client_for("cluster_manager_a")
    client.post(
        reverse("members:fee-schedule", args=["EUKA", 2018]),
        {"tier_micro": "250", "tier_large": "5000", "tier_default": "1000", "note": ""},
    )
    client.post(reverse("members:contributions-generate", args=["EUKA"]) + "?year=2018", YES)
    amounts = {c.membership_id: c.amount for c in Contribution.objects.filter(year=2018)}
    assert amounts == {micro.pk: 250, large.pk: 5000, unknown.pk: 1000}
    # Generating again creates nothing new.
    client.post(reverse("members:contributions-generate", args=["EUKA"]) + "?year=2018", YES)
    assert Contribution.objects.filter(year=2018).count() == 3

    expected = Contribution.objects.get(membership=large, year=2018)
    client.post(
        reverse("members:contribution-pay", args=[expected.pk]),
        {"paid_on": "2018-03-15"},
        HTTP_HX_REQUEST="true",
    )
    expected.refresh_from_db()
    assert expected.status == "paid" and expected.paid_on == datetime.date(2018, 3, 15)
    page = client.get(reverse("members:contribution-list", args=["EUKA"]), {"year": 2018})
    assert page.context["totals"]["paid"] == 5000 and page.context["totals"]["expected"] == 1250
    assert AuditEntry.objects.filter(content_type__model="contribution").count() == 4


def test_without_a_schedule_nothing_is_guessed(client_for, cluster_a):
    _member(1, cluster_a, 5)
    client_for("cluster_manager_a").post(
        reverse("members:contributions-generate", args=["EUKA"]) + "?year=2018", YES
    )
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"year": 2016}, "year"),  # before the membership
        ({"status": "paid"}, "paid_on"),
        ({"amount": Decimal("-5")}, "amount"),
        ({"amount": Decimal("0")}, "amount"),
        ({"status": "waived", "amount": Decimal("100")}, "amount"),
        (
            {
                "invoiced_on": datetime.date(2018, 5, 1),
                "paid_on": datetime.date(2018, 4, 1),
                "status": "paid",
            },
            "paid_on",
        ),
    ],
)
def test_a_contribution_refuses_what_cannot_be(cluster_a, values, field):
    m = _member(1, cluster_a)
    contribution = Contribution(membership=m, **{"year": 2018, "amount": Decimal(100), **values})
    with pytest.raises(ValidationError) as error:
        contribution.full_clean()
    assert field in error.value.message_dict


def test_a_group_can_pay_for_its_subsidiary(client_for, cluster_a):
    m = _member(1, cluster_a)
    group = organisation(99, name="Groep NV")
    # The payer is an organisation the cluster manager may see: a (former) member.
    membership(group, cluster_a, start=datetime.date(2010, 1, 1), end=datetime.date(2012, 1, 1))
    response = client_for("cluster_manager_a").post(
        reverse("members:contribution-create", args=[m.pk]),
        {
            "year": 2018,
            "amount": "2500",
            "status": "paid",
            "invoiced_on": "",
            "paid_on": "2018-02-01",
            "note": "",
            "payer_number": dotted(group.enterprise_number),
        },
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get(membership=m)
    assert contribution.payer == group and contribution.paying_organisation_id == group.pk


def _payments(rows, headers=("Ondernemingsnummer", "Jaar", "Bedrag", "Betaald op")):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def test_importing_payments_names_every_bad_row(cluster_a, cluster_b):
    _member(1, cluster_a)
    _member(2, cluster_a, start=datetime.date(2019, 1, 1))
    membership(organisation(3), cluster_b)
    data = _payments(
        [
            [dotted(enterprise_number(1)), "2018", "1.250,00", "15/03/2018"],
            [dotted(enterprise_number(1)), "2018", "1250", "15/03/2018"],  # twice
            [dotted(enterprise_number(2)), "2018", "500", ""],  # not yet a member in 2018
            [dotted(enterprise_number(3)), "2018", "500", ""],  # a member of BIM only
            [dotted(enterprise_number(1)), "2019", "-5", ""],
            [dotted(enterprise_number(1)), "2017", "veel", ""],
        ]
    )
    table = read_table(data, "betalingen.csv")
    mapping = contribution_import.suggest_mapping(table)
    assert mapping == {
        "enterprise_number": "Ondernemingsnummer",
        "year": "Jaar",
        "amount": "Bedrag",
        "paid_on": "Betaald op",
    }
    result = contribution_import.plan(table, cluster_a, mapping)
    reasons = {o.number: o.reason for o in result.rejected}
    assert result.counts["new"] == 1
    assert reasons[3] == "Ondernemingsnummer: duplicate of row 2"
    assert "2018 is outside the membership" in reasons[4]
    assert reasons[5] == "Ondernemingsnummer: not a member of EUKA"
    assert reasons[6].startswith("Bedrag:")
    assert reasons[7] == "Bedrag: 'veel' is not an amount"
    contribution_import.commit(table, cluster_a, mapping, actor=ACTOR)
    paid = Contribution.objects.get()
    assert (paid.amount, paid.status, paid.paid_on) == (1250, "paid", datetime.date(2018, 3, 15))
    again = contribution_import.plan(table, cluster_a, mapping)
    assert again.counts["unchanged"] == 1 and again.counts["new"] == 0


def test_an_imported_payment_updates_an_expected_contribution(cluster_a):
    m = _member(1, cluster_a)
    Contribution.objects.create(membership=m, year=2018, amount=1250)
    table = read_table(_payments([[enterprise_number(1), "2018", "1250", "01/04/2018"]]), "b.csv")
    mapping = contribution_import.suggest_mapping(table)
    result = contribution_import.commit(table, cluster_a, mapping, actor=ACTOR)
    assert result.counts["updated"] == 1
    assert Contribution.objects.get().status == "paid"


def test_the_payments_import_runs_through_the_web_wizard(client_for, cluster_a):
    _member(1, cluster_a)
    client = client_for("cluster_manager_a")
    upload = SimpleUploadedFile("bank.csv", _payments([[enterprise_number(1), "", "800", ""]]))
    response = client.post(
        reverse("members:contribution-import", args=["EUKA"]), {"file": upload, "year": 2018}
    )
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("members:import-detail", args=[batch.pk])
    assert batch.kind == "contributions" and batch.options["year"] == 2018
    form = client.get(reverse("members:import-detail", args=[batch.pk])).context["form"]
    mapping = {name: field.initial or "" for name, field in form.fields.items()}
    client.post(reverse("members:import-detail", args=[batch.pk]), mapping)
    client.post(reverse("members:import-commit", args=[batch.pk]))
    contribution = Contribution.objects.get()
    assert (contribution.year, contribution.amount, contribution.status) == (2018, 800, "expected")


def test_size_classes_use_the_latest_headcount_up_to_the_year(cluster_a):
    m = _member(1, cluster_a, 5)
    FirmFigures.objects.create(organisation=m.organisation, year=2019, employees=60, source="t")
    assert service.size_classes([m.organisation_id], 2018) == {m.organisation_id: "micro"}
    assert service.size_classes([m.organisation_id], 2019) == {m.organisation_id: "medium"}


def test_the_daily_view_shows_status_outstanding_and_activity(client_for, cluster_a):
    from clustermonitor.activities.models import Activity, Participation

    today = datetime.date.today()
    m = _member(1, cluster_a, start=datetime.date(today.year - 1, 1, 1))
    Contribution.objects.create(
        membership=m, year=today.year, amount=500, status="invoiced", invoiced_on=today
    )
    for days in (10, 100):
        activity = Activity.objects.create(
            title=f"A{days}", kind="event", date=today - datetime.timedelta(days=days)
        )
        activity.clusters.add(cluster_a)
        Participation.objects.create(activity=activity, organisation=m.organisation)
    upcoming = Activity.objects.create(
        title="Soon", kind="workshop", date=today + datetime.timedelta(days=5)
    )
    upcoming.clusters.add(cluster_a)
    client = client_for("cluster_manager_a")
    home = client.get("/").content.decode()  # the inbox, with the way to "Today"
    assert reverse("monitoring:today", args=["EUKA"]) in home
    assert client.get(reverse("monitoring:my-cluster"))["Location"] == reverse(
        "monitoring:today", args=["EUKA"]
    )
    page = client.get(reverse("monitoring:today", args=["EUKA"]))
    assert page.context["members"][0]["activities"] == 2 and page.context["active"] == 1
    assert [c.amount for c in page.context["outstanding"]] == [500]
    assert [a.title for a in page.context["upcoming"]] == ["Soon"]


def test_the_daily_view_counts_active_members_over_a_calendar_year_across_29_february(
    client_for, cluster_a, monkeypatch
):
    # On 1 March 2020 the window is (1 March 2019, 1 March 2020], as in
    # analysis/participation.window: 366 days, for it holds 29 February. An activity on
    # 2 March 2019 counts; 365 days back would have left it out, and the member with it.
    import types

    from clustermonitor.activities.models import Activity, Participation
    from clustermonitor.analysis import participation
    from clustermonitor.monitoring import views_today as views_dashboard

    class FirstOfMarch2020(datetime.date):
        @classmethod
        def today(cls):
            return cls(2020, 3, 1)

    monkeypatch.setattr(
        views_dashboard,
        "datetime",
        types.SimpleNamespace(date=FirstOfMarch2020, timedelta=datetime.timedelta),
    )
    m = _member(1, cluster_a, start=datetime.date(2019, 1, 1))
    dates = (datetime.date(2019, 3, 1), datetime.date(2019, 3, 2), datetime.date(2019, 6, 1))
    for day in dates:
        activity = Activity.objects.create(title=f"A{day}", kind="event", date=day)
        activity.clusters.add(cluster_a)
        Participation.objects.create(activity=activity, organisation=m.organisation)
    start, end = participation.window(datetime.date(2020, 3, 1))
    assert [d for d in dates if start.date() < d <= end.date()] == list(dates[1:])
    page = client_for("cluster_manager_a").get(reverse("monitoring:today", args=["EUKA"]))
    assert page.context["today"] == datetime.date(2020, 3, 1)
    assert page.context["members"][0]["activities"] == 2 and page.context["active"] == 1


# The list's working functions (issue 16): totals after an inline payment, search,
# filters, paging, and marking many paid at once.


def _open(i, cluster, amount=100, status="expected", year=2018):
    m = _member(i, cluster)
    return Contribution.objects.create(membership=m, year=year, amount=amount, status=status)


def test_an_inline_payment_swaps_the_totals_too(web, cluster_a):
    """The tester's "betaald: € 0" after three "Paid" clicks: htmx swapped only the row,
    the totals above the table stayed as the page was loaded."""
    client = web("cluster_manager_a")
    opened = [_open(i, cluster_a, amount=100 * i) for i in (1, 2, 3)]
    for c in opened:
        response = client.post(
            reverse("members:contribution-pay", args=[c.pk]),
            {"paid_on": "2018-03-15"},
            HTTP_HX_REQUEST="true",
        )
    html = response.content.decode()
    assert f'id="contribution-{opened[-1].membership_id}"' in html
    assert 'id="totals" hx-swap-oob="true"' in html
    assert response.context["totals"]["paid"] == 600
    assert "600" in html.split('id="totals"')[1]


def test_the_list_searches_filters_and_pages(web, cluster_a):
    client = web("cluster_manager_a")
    paid = _open(1, cluster_a, status="paid")
    paid.paid_on = datetime.date(2018, 2, 1)
    paid.save()
    _open(2, cluster_a, status="expected")
    no_contribution = _member(3, cluster_a)
    url = reverse("members:contribution-list", args=["EUKA"])

    def members(**params):
        page = client.get(url, {"year": 2018, **params})
        assert page.status_code == 200
        return {m.pk for m, _c in page.context["rows"]}

    assert members(status="paid") == {paid.membership_id}
    assert members(status="none") == {no_contribution.pk}
    assert members(q=no_contribution.organisation.name) == {no_contribution.pk}
    assert members(q=dotted(paid.membership.organisation.enterprise_number)) == {paid.membership_id}
    assert members(status="nonsense") == members()
    assert len(members()) == 3


def test_the_list_is_paged(web, cluster_a, monkeypatch):
    from clustermonitor.core import paging

    monkeypatch.setattr(paging, "PER_PAGE", 2)
    monkeypatch.setattr(paging.page_of, "__defaults__", (2,))
    for i in range(1, 6):
        _open(i, cluster_a)
    client = web("cluster_manager_a")
    url = reverse("members:contribution-list", args=["EUKA"])
    first = client.get(url, {"year": 2018})
    third = client.get(url, {"year": 2018, "page": 3})
    assert len(first.context["rows"]) == 2 and len(third.context["rows"]) == 1
    assert 'rel="next"' in first.content.decode()


def test_bulk_payment_asks_first_then_marks_each_audited(web, cluster_a):
    client = web("cluster_manager_a")
    chosen = [_open(1, cluster_a, amount=250), _open(2, cluster_a, amount=1000)]
    left = _open(3, cluster_a, amount=500)
    url = reverse("members:contributions-pay-bulk", args=["EUKA"]) + "?year=2018"
    data = {"contributions": [c.pk for c in chosen], "paid_on": "2018-04-01"}
    ask = client.post(url, data)
    assert ask.status_code == 200
    summary = ask.content.decode().split('id="bulk-summary">')[1].split("</p>")[0]
    assert "2 contributions" in summary and "1,250" in summary.replace(".", ",")
    assert not Contribution.objects.filter(status="paid").exists()
    before = AuditEntry.objects.filter(content_type__model="contribution").count()
    done = client.post(url, {**data, "confirmed": "on"})
    assert done.status_code == 302
    assert {c.pk for c in Contribution.objects.filter(status="paid")} == {c.pk for c in chosen}
    assert set(Contribution.objects.filter(status="paid").values_list("paid_on", flat=True)) == {
        datetime.date(2018, 4, 1)
    }
    left.refresh_from_db()
    assert left.status == "expected"
    assert AuditEntry.objects.filter(content_type__model="contribution").count() == before + 2


def test_bulk_payment_refuses_another_clusters_contribution(web, cluster_a, cluster_b):
    client = web("cluster_manager_a")
    own = _open(1, cluster_a)
    foreign = _open(2, cluster_b)
    url = reverse("members:contributions-pay-bulk", args=["EUKA"])
    response = client.post(
        url,
        {"contributions": [own.pk, foreign.pk], "paid_on": "2018-04-01", "confirmed": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["contributions"]
    assert foreign.membership.organisation.name not in response.content.decode()
    assert not Contribution.objects.filter(status="paid").exists()
    # Nor the other cluster's own page.
    other = client.post(
        reverse("members:contributions-pay-bulk", args=["BIM"]),
        {"contributions": [foreign.pk], "paid_on": "2018-04-01", "confirmed": "on"},
    )
    assert other.status_code == 404
    assert not Contribution.objects.filter(status="paid").exists()
