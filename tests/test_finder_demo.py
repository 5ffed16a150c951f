"""The finder on the calibrated demo (docs/finder.md): no page and no API answer names a
member, whatever the visitor asks — by a member's own enterprise number, by the sectors
and places the members are in, by the clusters' domains."""

import datetime
from collections import Counter

from django.test import Client
from django.urls import reverse

from clustermonitor.core import known
from clustermonitor.demodata import live
from clustermonitor.members.finder import running_clusters
from clustermonitor.members.models import Membership

TODAY = datetime.date.today()


def _inputs() -> list[dict]:
    running = known.active_memberships(Membership.objects.all(), TODAY).filter(
        cluster__in=running_clusters(TODAY)
    )
    orgs = list(
        running.filter(organisation__enterprise_number__isnull=False)
        .values_list(
            "organisation__enterprise_number",
            "organisation__nace_2008__code",
            "organisation__postcode",
        )
        .order_by("organisation_id")
        .distinct()
    )
    assert orgs, "the demo has members of running clusters"
    naces = Counter(n for _, n, _ in orgs if n).most_common(3)
    postcodes = Counter(p for _, _, p in orgs if p).most_common(2)
    inputs = [{"enterprise_number": number} for number, _, _ in orgs[:: max(1, len(orgs) // 8)]]
    inputs += [
        {"nace": n, "postcode": p} for (n, _), (p, _) in zip(naces, postcodes * 2, strict=False)
    ]
    inputs += [{"nace": n[:2]} for n, _ in naces]
    inputs += [{"q": c.domain or " ".join(c.keywords)} for c in running_clusters(TODAY)]
    return inputs


def test_no_answer_names_a_member(calibrated_demo, db):
    live.load_live(TODAY)
    names = set(Membership.objects.values_list("organisation__name", flat=True))
    clusters = {c.name for c in running_clusters(TODAY)}
    assert len(names) > 100
    client = Client()
    seen_reasons = 0
    assert len(running_member_names()) > 50
    for params in _inputs():
        for lang in ("nl", "en"):
            api = client.get("/api/public/finder", {**params, "lang": lang})
            assert api.status_code == 200, (params, api.content)
            seen_reasons += sum(len(r["reasons"]) for r in api.json()["results"])
            client.cookies["django_language"] = lang
            page = client.get(reverse("portal:finder"), params)
            assert page.status_code == 200
            for text in (api.content.decode(), page.content.decode()):
                leaked = {n for n in names if n in text and n not in clusters}
                assert not leaked, (params, lang, sorted(leaked)[:5])
    assert seen_reasons > 50, seen_reasons  # the answers said something
    # The check can fail: a running member's name in a text is found.
    member = running_member_names()[0]
    assert {n for n in names if n in f"<li>{member}</li>" and n not in clusters}


def running_member_names() -> list[str]:
    return list(
        known.active_memberships(Membership.objects.all(), TODAY)
        .filter(cluster__in=running_clusters(TODAY))
        .values_list("organisation__name", flat=True)
    )
