"""Warnings, not refusals, where a funding decision exceeds a budget (issue 16): €2.14 M
funded on a call with a budget of €1.5 M is saved, and the call's page and the page
where the decision is entered say so with both amounts and the excess."""

from decimal import Decimal

from django.urls import reverse

from clustermonitor.programmes.models import Application, Call


def _application(client, call, amount, name):
    return client.post(
        reverse("programmes:application-create", args=[call.pk]),
        {
            "applicant": name,
            "title": name,
            "requested_amount": amount,
            "status": "funded",
            "funded_amount": amount,
            "cluster": "",
        },
        follow=True,
    )


def test_funding_beyond_the_budget_is_saved_with_a_warning(client_for):
    client = client_for("programme_manager")
    call = Call.objects.get(number=1, cluster_type__code="IBN")
    call.applications.all().delete()
    call.clusters.update(subsidy=None)
    call.budget = Decimal(1_500_000)
    call.save()
    detail = reverse("programmes:call-detail", args=[call.pk])
    assert "data-budget-warning" not in client.get(detail).content.decode()

    _application(client, call, "1.000.000", "Netwerk A")
    page = client.get(detail).content.decode()
    assert "data-budget-warning" not in page
    assert "data-over-budget" not in client.get(reverse("programmes:call-list")).content.decode()

    response = _application(client, call, "1.140.000", "Netwerk B")
    assert Application.objects.filter(call=call, status="funded").count() == 2  # not refused
    shown = response.content.decode()  # the call's page after the decision, with a message
    assert shown.count("€ 2.140.000") >= 2 and "€ 640.000" in shown and "€ 1.500.000" in shown
    page = client.get(detail).content.decode()
    assert "data-budget-warning" in page
    assert "€ 2.140.000" in page and "€ 640.000" in page and "begroting" in page
    # The calls page marks the call.
    calls = client.get(reverse("programmes:call-list"))
    row = next(r for r in calls.context["rows"] if r["call"] == call)
    assert row["over_budget"] and "data-over-budget" in calls.content.decode()
    # Where the decision is entered, the warning is shown too.
    form_page = client.get(reverse("programmes:application-create", args=[call.pk]))
    assert "€ 640.000" in form_page.content.decode()


def test_the_subsidies_of_the_funded_clusters_are_checked_too(client_for):
    client = client_for("programme_manager")
    call = Call.objects.get(number=1, cluster_type__code="IBN")
    call.applications.all().delete()
    call.budget = Decimal(500)
    call.save()
    n = call.clusters.update(subsidy=Decimal(1_000))
    assert n
    page = client.get(reverse("programmes:call-detail", args=[call.pk])).content.decode()
    assert "data-budget-warning" in page
    assert "clusters die deze oproep financiert" in page
    assert f"€ {n * 1_000 - 500:,}".replace(",", ".") in page
