"""Issue 13, vulnerability 1: the probe's numbers for ids in form bodies, re-measured.

Runs as EUKA's cluster manager (`cluster.euka` of the demo) against the database the
settings point at, and WRITES to it: run it on a copy of the demo.

    cp var/clustermonitor.sqlite3 /tmp/probe.sqlite3
    SQLITE_PATH=/tmp/probe.sqlite3 .venv/bin/python scripts/probe_form_fields.py

Prints one line per finding: what a hostile request achieved (0 everywhere when the
body's ids are checked like the URL's).
"""

import datetime
import html
import os
import re

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clustermonitor.settings")
django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from clustermonitor.accounts import access  # noqa: E402
from clustermonitor.accounts.models import User  # noqa: E402
from clustermonitor.activities.models import Activity  # noqa: E402
from clustermonitor.collaborations.models import Collaboration  # noqa: E402
from clustermonitor.members.models import Membership  # noqa: E402
from clustermonitor.programmes.models import Cluster  # noqa: E402
from clustermonitor.registry.models import Organisation  # noqa: E402

QUERIES = ["nv", "bv", "bouw", "tech", "data", "group", "solutions", "invest", "service", "de"]


def main() -> None:
    setup_test_environment()
    user = User.objects.get(username="cluster.euka")
    client = Client()
    client.force_login(user)
    euka, bim = Cluster.objects.get(code="EUKA"), Cluster.objects.get(code="BIM")
    seen = set(
        access.organisations_for(user, Organisation.objects.all()).values_list("pk", flat=True)
    )
    bim_only = (
        set(Membership.objects.filter(cluster=bim).values_list("organisation", flat=True)) - seen
    )

    def activity(title, *clusters):
        a = Activity.objects.create(title=title, kind="workshop", date=datetime.date(2018, 6, 1))
        a.clusters.set(clusters)
        return a

    def data(title, clusters):
        return {
            "title": title,
            "kind": "workshop",
            "date": "2018-06-01",
            "clusters": [c.pk for c in clusters],
        }

    # 1. Create an activity for BIM only.
    before = Activity.objects.filter(clusters=bim).count()
    client.post("/clusters/EUKA/activities/new/", data("Probe: BIM only", [bim]))
    after = Activity.objects.filter(clusters=bim).count()
    print(f"BIM's activities after EUKA's POST with clusters=[BIM]: {before} -> {after}")

    # 2. Strip BIM from a joint activity; 3. move EUKA's own activity to BIM.
    joint = activity("Probe: joint", euka, bim)
    client.post(f"/activities/{joint.pk}/edit/", data(joint.title, [euka]))
    stripped = int(not joint.clusters.filter(pk=bim.pk).exists())
    own = activity("Probe: EUKA's", euka)
    client.post(f"/activities/{own.pk}/edit/", data(own.title, [bim]))
    moved = int(not own.clusters.filter(pk=euka.pk).exists())
    print(
        f"joint activities stripped of BIM: {stripped} of 1; "
        f"EUKA activities moved to BIM: {moved} of 1"
    )

    # 4. The participant drop-down of a joint activity (a past date).
    shared = activity("Probe: joint, for the drop-down", euka, bim)
    page = client.get(f"/activities/{shared.pk}/")
    listed = {int(v) for v in re.findall(r'<option value="(\d+)"', page.content.decode())}
    print(
        f"BIM-only members in the participant drop-down: {len(listed & bim_only)} "
        f"(BIM-only members: {len(bim_only)})"
    )

    # 5. The party drop-down of a joint collaboration.
    collaboration = Collaboration.objects.create(programme=euka.programme, title="Probe: joint")
    collaboration.clusters.set([euka, bim])
    page = client.get(f"/collaborations/{collaboration.pk}/")
    listed = {int(v) for v in re.findall(r'<option value="(\d+)"', page.content.decode())}
    print(f"BIM-only members in the party drop-down: {len(listed & bim_only)}")

    # 6. The member lookup, 10 queries.
    outside = 0
    for query in QUERIES:
        page = client.get("/clusters/EUKA/members/lookup/", {"q": query})
        outside += sum(1 for o in page.context["registry"] if o.pk not in seen)
    print(
        f"organisations outside EUKA returned by the lookup over {len(QUERIES)} queries: {outside}"
    )

    # 7. A party by enterprise number: names of organisations EUKA may not see.
    targets = list(
        Organisation.objects.filter(
            pk__in=bim_only, enterprise_number__isnull=False, kind="company"
        ).order_by("pk")[:10]
    )
    own_collaboration = Collaboration.objects.create(programme=euka.programme, title="Probe: EUKA")
    own_collaboration.clusters.set([euka])
    revealed = 0
    for org in targets:
        page = client.post(
            f"/collaborations/{own_collaboration.pk}/parties/",
            {"enterprise_number": org.enterprise_number, "role": "partner"},
            follow=True,
        )
        revealed += html.escape(org.name) in page.content.decode()
    print(
        "names of BIM-only companies revealed by a party's enterprise number: "
        f"{revealed} of {len(targets)}"
    )

    # 8. A contribution's payer by enterprise number.
    membership = Membership.objects.filter(cluster=euka, end_date__isnull=True).first()
    accepted = 0
    for year, org in enumerate(targets, start=2030):
        response = client.post(
            f"/memberships/{membership.pk}/contributions/new/",
            {
                "year": year,
                "amount": "100",
                "status": "expected",
                "payer_number": org.enterprise_number,
            },
        )
        accepted += response.status_code == 302
    print(f"BIM-only companies accepted as a payer: {accepted} of {len(targets)}")


if __name__ == "__main__":
    main()
