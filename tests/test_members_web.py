"""The member pages and the import wizard in the web UI (JOURNEYS 4)."""

import dataclasses
import datetime
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clustermonitor.core.imports.models import ImportBatch, ImportMapping
from clustermonitor.core.imports.registry import KINDS
from clustermonitor.core.models import AuditEntry
from clustermonitor.members.models import Contact, Membership
from clustermonitor.registry.models import Organisation
from tests.factories import dotted, enterprise_number, membership, organisation

HEADERS = "Ondernemingsnummer;Naam;Postcode;Contactpersoon;E-mail\n"


def _file(lines, name="leden.csv"):
    return SimpleUploadedFile(name, (HEADERS + "".join(lines)).encode("utf-8"))


def _line(i, number=None):
    return f"{number or dotted(enterprise_number(i))};Firma {i};9000;Persoon {i};p{i}@example.org\n"


def _upload(client, lines, **extra):
    data = {"file": _file(lines), "reference_date": "2019-01-01", **extra}
    response = client.post(reverse("members:import-upload", args=["EUKA"]), data)
    assert response.status_code == 302, response.context["form"].errors
    return ImportBatch.objects.latest("pk")


def _mapping(batch, client):
    form = client.get(reverse("members:import-detail", args=[batch.pk])).context["form"]
    return {name: field.initial or "" for name, field in form.fields.items()}


def test_journey_upload_map_dry_run_commit_and_fix_rejected_rows(client_for, cluster_a):
    client = client_for("cluster_manager_a")
    lines = [_line(i) for i in range(6)] + [_line(1), _line(99, number="0200.000.001")]
    batch = _upload(client, lines)
    page = client.get(reverse("members:import-detail", args=[batch.pk]))
    assert len(page.context["preview"]) == 8
    mapping = _mapping(batch, client)
    assert mapping["enterprise_number"] == "Ondernemingsnummer"
    assert mapping["contact_email"] == "E-mail"

    client.post(reverse("members:import-detail", args=[batch.pk]), mapping)
    dry = client.get(reverse("members:import-detail", args=[batch.pk]))
    assert dry.context["result"].counts == {"new": 6, "updated": 0, "unchanged": 0, "rejected": 2}
    assert not Membership.objects.filter(cluster=cluster_a).exists()

    rejected = client.get(reverse("members:import-rejected", args=[batch.pk]))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(rejected.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][-1] == "reden"
    assert [r[-1] for r in rows[1:]] == [
        "Ondernemingsnummer: dubbel met rij 3",
        "Ondernemingsnummer: 0200.000.001: controlecijfer klopt niet",
    ]

    done = client.post(reverse("members:import-commit", args=[batch.pk]))
    assert done.status_code == 302
    assert Membership.objects.filter(cluster=cluster_a).count() == 6
    batch.refresh_from_db()
    assert batch.state == "committed" and batch.report["counts"]["new"] == 6
    assert ImportMapping.objects.get(cluster=cluster_a).mapping["name"] == "Naam"
    assert AuditEntry.objects.filter(via="web", content_type__model="membership").count() == 6

    # The fixed row comes back in a second file; the rest is unchanged.
    again = _upload(client, [_line(i) for i in range(6)] + [_line(99)])
    client.post(reverse("members:import-detail", args=[again.pk]), _mapping(again, client))
    counts = client.get(reverse("members:import-detail", args=[again.pk])).context["result"].counts
    assert counts == {"new": 1, "updated": 0, "unchanged": 6, "rejected": 0}


def test_commit_needs_a_dry_run_first(client_for, cluster_a):
    client = client_for("cluster_manager_a")
    batch = _upload(client, [_line(1)])
    client.post(reverse("members:import-commit", args=[batch.pk]))
    assert not Membership.objects.filter(cluster=cluster_a).exists()


def test_a_full_list_proposes_end_dates_for_missing_members(client_for, cluster_a):
    gone = membership(organisation(500), cluster_a)
    client = client_for("cluster_manager_a")
    batch = _upload(client, [_line(1)], full_list="on")
    client.post(reverse("members:import-detail", args=[batch.pk]), _mapping(batch, client))
    page = client.get(reverse("members:import-detail", args=[batch.pk]))
    assert [m.pk for m in page.context["result"].missing] == [gone.pk]
    client.post(reverse("members:import-commit", args=[batch.pk]))
    gone.refresh_from_db()
    assert gone.end_date is None  # not ended silently
    client.post(
        reverse("members:import-end-missing", args=[batch.pk]),
        {"end_date": "2019-06-30", "memberships": [gone.pk], "confirmed": "yes"},
    )
    gone.refresh_from_db()
    assert gone.end_date == datetime.date(2019, 6, 30)


def test_an_unreadable_upload_is_a_field_error(web):
    response = web("cluster_manager_a").post(
        reverse("members:import-upload", args=["EUKA"]),
        {"file": SimpleUploadedFile("leden.xlsx", b"no excel"), "reference_date": "2019-01-01"},
    )
    assert response.status_code == 200
    assert "leden.xlsx: not a readable Excel file" in response.context["form"].errors["file"][0]
    assert not ImportBatch.objects.exists()


def test_a_mapping_with_one_column_twice_is_refused(client_for):
    client = client_for("cluster_manager_a")
    batch = _upload(client, [_line(1)])
    mapping = _mapping(batch, client)
    mapping["city"] = mapping["name"]
    response = client.post(reverse("members:import-detail", args=[batch.pk]), mapping)
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_the_other_cluster_manager_cannot_touch_the_batch(client_for):
    batch = _upload(client_for("cluster_manager_a"), [_line(1)])
    other = client_for("cluster_manager_b")
    assert other.get(reverse("members:import-detail", args=[batch.pk])).status_code == 404
    assert other.post(reverse("members:import-commit", args=[batch.pk])).status_code == 404


def test_adding_a_member_by_hand_reuses_the_registry(client_for, cluster_a, cluster_b):
    org = organisation(7, name="Gedeeld NV")
    membership(org, cluster_b)
    response = client_for("cluster_manager_a").post(
        reverse("members:member-add", args=["EUKA"]),
        {
            "enterprise_number": dotted(enterprise_number(7)),
            "name": "Other spelling",
            "kind": "company",
            "country": "BE",
            "start_date": "2019-05-01",
        },
    )
    assert response.status_code == 302
    assert Organisation.objects.filter(enterprise_number=enterprise_number(7)).count() == 1
    assert org.memberships.filter(cluster=cluster_a).exists()


def test_adding_a_foreign_member_without_number(client_for, cluster_a):
    response = client_for("cluster_manager_a").post(
        reverse("members:member-add", args=["EUKA"]),
        {
            "enterprise_number": "",
            "no_number_reason": "foreign",
            "name": "Drone GmbH",
            "kind": "company",
            "country": "de",
            "start_date": "2019-05-01",
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Drone GmbH")
    assert org.country == "DE" and org.is_foreign


def test_adding_a_belgian_member_without_number_is_refused(client_for):
    response = client_for("cluster_manager_a").post(
        reverse("members:member-add", args=["EUKA"]),
        {
            "enterprise_number": "",
            "name": "X",
            "kind": "company",
            "country": "BE",
            "start_date": "2019-05-01",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["enterprise_number"]


def test_a_second_overlapping_membership_is_refused(client_for, cluster_a):
    org = organisation(8)
    membership(org, cluster_a)
    response = client_for("cluster_manager_a").post(
        reverse("members:member-add", args=["EUKA"]),
        {
            "enterprise_number": enterprise_number(8),
            "name": "x",
            "kind": "company",
            "country": "BE",
            "start_date": "2019-05-01",
        },
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_contacts_are_kept_and_hidden_from_evaluators(client_for, cluster_a):
    m = membership(organisation(9), cluster_a)
    client = client_for("cluster_manager_a")
    client.post(
        reverse("members:contact-create", args=[m.pk]),
        {"name": "An Peeters", "role": "CEO", "email": "an@example.org", "phone": ""},
    )
    contact = Contact.objects.get(membership=m)
    assert (
        "an@example.org"
        in client.get(reverse("members:membership-detail", args=[m.pk])).content.decode()
    )
    evaluator_page = client_for("evaluator").get(reverse("members:membership-detail", args=[m.pk]))
    assert (
        evaluator_page.status_code == 200
        and "an@example.org" not in evaluator_page.content.decode()
    )
    client.post(reverse("members:contact-delete", args=[contact.pk]), {"confirmed": "yes"})
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert AuditEntry.objects.filter(content_type__model="contact", action="delete").exists()


def test_the_member_list_filters_and_downloads(client_for, cluster_a):
    membership(organisation(10, name="Actief BV"), cluster_a)
    membership(organisation(11, name="Gestopt BV"), cluster_a, end=datetime.date(2018, 12, 31))
    client = client_for("cluster_manager_a")
    url = reverse("members:member-list", args=["EUKA"])
    assert [m.organisation.name for m in client.get(url).context["rows"]] == ["Actief BV"]
    assert [m.organisation.name for m in client.get(url, {"state": "ended"}).context["rows"]] == [
        "Gestopt BV"
    ]
    assert len(client.get(url, {"state": "all", "q": "BV"}).context["rows"]) == 2
    by_number = client.get(url, {"state": "all", "q": dotted(enterprise_number(11))})
    assert [m.organisation.name for m in by_number.context["rows"]] == ["Gestopt BV"]
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            client.get(reverse("members:member-list-xlsx", args=["EUKA"]), {"state": "all"}).content
        )
    ).active
    assert sheet.max_row == 3


def test_the_member_list_needs_a_fixed_number_of_queries(
    client_for, cluster_a, django_assert_max_num_queries
):
    for i in range(30):
        membership(organisation(100 + i), cluster_a)
    client = client_for("cluster_manager_a")
    url = reverse("members:member-list", args=["EUKA"])
    client.get(url)
    # 11: the page's count and the contact counts of the page's rows (core.paging)
    with django_assert_max_num_queries(11):
        client.get(url)


def test_organisation_edits_are_limited_to_those_who_keep_a_membership(client_for, cluster_a):
    org = organisation(12)
    membership(org, cluster_a)
    url = reverse("registry:organisation-edit", args=[org.pk])
    data = {
        "enterprise_number": org.enterprise_number,
        "no_number_reason": "",
        "name": "Nieuwe naam",
        "kind": "company",
        "street": "",
        "house_number": "",
        "box": "",
        "postcode": "9000",
        "city": "",
        "country": "BE",
        "website": "",
    }
    assert client_for("cluster_manager_a").post(url, data).status_code == 302
    org.refresh_from_db()
    assert org.name == "Nieuwe naam"
    assert client_for("cluster_manager_b").get(url).status_code == 404
    assert client_for("evaluator").get(url).status_code == 403


def test_the_data_quality_page_finds_the_problems(client_for, cluster_a):
    membership(organisation(13, name="Dubbel NV", postcode="9000"), cluster_a)
    membership(organisation(14, name="dubbel nv", postcode="9000"), cluster_a)
    membership(organisation(15, postcode="", status="ceased"), cluster_a)
    page = client_for("cluster_manager_a").get(reverse("members:quality-cluster", args=["EUKA"]))
    checks = {c.code: [o.name for o in c.organisations] for c in page.context["checks"]}
    assert sorted(checks["duplicates"]) == ["Dubbel NV", "dubbel nv"]
    assert checks["ceased"] == ["Bedrijf 15 NV"]
    assert "Bedrijf 15 NV" in checks["no_address"]


def test_figures_are_added_per_year_once(client_for, cluster_a):
    org = organisation(20)
    membership(org, cluster_a)
    client = client_for("cluster_manager_a")
    url = reverse("registry:figures-create", args=[org.pk])
    data = {
        "year": 2018,
        "employees": "45",
        "turnover": "",
        "balance_total": "",
        "value_added": "",
        "source": "jaarrekening",
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    assert org.figures.get().employees == 45


def test_a_member_of_two_clusters_is_no_duplicate_of_itself(client_for, cluster_a, cluster_b):
    org = organisation(16, name="Twee Clusters NV", postcode="9000")
    membership(org, cluster_a)
    membership(org, cluster_b)
    page = client_for("programme_manager").get(reverse("registry:quality"))
    checks = {c.code: [o.name for o in c.organisations] for c in page.context["checks"]}
    assert "Twee Clusters NV" not in checks["duplicates"]


# -- concurrent commits (issue 13, Reliability) ------------------------------------------


def _checked_batch(client, lines):
    batch = _upload(client, lines)
    client.post(reverse("members:import-detail", args=[batch.pk]), _mapping(batch, client))
    batch.refresh_from_db()
    assert batch.state == "checked"
    return batch


def test_a_commit_that_loses_a_race_is_retried_not_a_500(client_for, cluster_a, monkeypatch):
    """Two imports of the same members at once: the loser's insert hits the unique
    enterprise number (IntegrityError on PostgreSQL); it is planned again and applied."""
    from django.db import IntegrityError

    client = client_for("cluster_manager_a")
    batch = _checked_batch(client, [_line(i) for i in range(3)])
    kind = KINDS[batch.kind]
    calls = []
    original = kind.commit

    def losing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise IntegrityError('duplicate key value violates unique constraint "enterprise"')
        return original(*args, **kwargs)

    monkeypatch.setitem(KINDS, batch.kind, dataclasses.replace(kind, commit=losing_once))
    done = client.post(reverse("members:import-commit", args=[batch.pk]), follow=True)
    assert done.status_code == 200 and len(calls) == 2
    assert Membership.objects.filter(cluster=cluster_a).count() == 3
    batch.refresh_from_db()
    assert batch.state == "committed"


def test_a_commit_that_keeps_losing_gets_a_message(client_for, cluster_a, monkeypatch):
    from django.db import IntegrityError

    client = client_for("cluster_manager_a")
    batch = _checked_batch(client, [_line(i) for i in range(3)])

    def always_losing(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setitem(
        KINDS, batch.kind, dataclasses.replace(KINDS[batch.kind], commit=always_losing)
    )
    client.cookies["django_language"] = "en"
    done = client.post(reverse("members:import-commit", args=[batch.pk]), follow=True)
    assert done.status_code == 200
    assert b"changed the same records at the same moment" in done.content
    batch.refresh_from_db()
    assert batch.state == "checked"  # nothing half-done; it can be imported again
    assert not Membership.objects.filter(cluster=cluster_a).exists()


def test_the_second_commit_of_one_batch_is_told_it_is_done(client_for, cluster_a, monkeypatch):
    """The second of two simultaneous commits of one batch read `checked` before the first
    finished; it re-reads the batch under a lock and is told it is imported already,
    instead of importing again (or overwriting the report)."""
    from clustermonitor.core.imports import views

    client = client_for("cluster_manager_a")
    batch = _checked_batch(client, [_line(i) for i in range(3)])
    client.post(reverse("members:import-commit", args=[batch.pk]))
    report = ImportBatch.objects.get(pk=batch.pk).report
    stale = ImportBatch.objects.get(pk=batch.pk)
    stale.state = ImportBatch.State.CHECKED  # what the second request read before
    monkeypatch.setattr(views, "_batch_for", lambda request, pk: stale)
    client.cookies["django_language"] = "en"
    again = client.post(reverse("members:import-commit", args=[batch.pk]), follow=True)
    assert again.status_code == 200
    assert b"This file was imported already." in again.content
    assert ImportBatch.objects.get(pk=batch.pk).report == report
    assert Membership.objects.filter(cluster=cluster_a).count() == 3
