"""The demo's public profiles (issue 17): every cluster of the demo gets a profile in Dutch
and English, published by the programme through the workflow (draft, submitted,
published: audited like any other), so that the public portal is full on a fresh demo.

Deterministic: the texts and the contact person follow from the seed and the cluster's
code. Of the contact person the name and role are always published, the e-mail address
of about two clusters in three and the phone number of about one in three: the rest
stays in the working copy, which the public pages never show (tests/test_portal.py).
The profiles enter no figure: the 2020 report reads none of them.
"""

from __future__ import annotations

import random
import unicodedata

from faker import Faker

from clustermonitor.core import audit
from clustermonitor.portal import services
from clustermonitor.portal.models import ClusterProfile
from clustermonitor.programmes.models import Cluster

VIA = "demo"

#: Working groups a cluster may run: (Dutch, English).
WORKING_GROUPS = (
    ("Internationalisering", "Internationalisation"),
    ("Digitalisering", "Digitalisation"),
    ("Duurzaamheid en circulariteit", "Sustainability and circularity"),
    ("Talent en opleiding", "Talent and training"),
    ("Regelgeving en normen", "Regulation and standards"),
    ("Onderzoek en demonstratieprojecten", "Research and demonstration projects"),
    ("Financiering en Europese projecten", "Funding and European projects"),
)
#: What a cluster offers its members: (Dutch, English).
SERVICES = (
    (
        "matchmaking tussen bedrijven en kennisinstellingen",
        "matchmaking between companies and research",
    ),
    ("begeleiding van samenwerkingsprojecten", "guidance for collaborative projects"),
    ("thematische netwerkevents en workshops", "themed networking events and workshops"),
    (
        "toegang tot internationale partners en beurzen",
        "access to international partners and fairs",
    ),
    ("opleidingen en lerende netwerken", "training and learning networks"),
    ("marktverkenning en technologiescans", "market studies and technology scans"),
)
ROLES = (("Clustermanager", "Cluster manager"), ("Coördinator", "Coordinator"))


def _texts(cluster, rng: random.Random) -> dict:
    domain = cluster.domain or cluster.name
    keywords = ", ".join(str(k) for k in (cluster.keywords or [])[:4])
    offer = rng.sample(SERVICES, 3)
    groups = rng.sample(WORKING_GROUPS, rng.randint(2, 3))
    description = (
        f"{cluster.name} verenigt bedrijven en kennisinstellingen rond {domain}. "
        "Samen werken de leden aan nieuwe producten, diensten en processen."
    )
    description_en = (
        f"{cluster.name} brings companies and research organisations together around "
        f"{domain}. Together the members develop new products, services and processes."
    )
    if keywords:
        description += f" Thema's: {keywords}."
        description_en += f" Themes: {keywords}."
    return {
        "description": description,
        "description_en": description_en,
        "offer": "\n".join(f"- {nl}" for nl, _en in offer),
        "offer_en": "\n".join(f"- {en}" for _nl, en in offer),
        "working_groups": "\n".join(f"- {nl}" for nl, _en in groups),
        "working_groups_en": "\n".join(f"- {en}" for _nl, en in groups),
    }


def _ascii(address: str) -> str:
    plain = unicodedata.normalize("NFKD", address).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c in ".@-")


def load(seed: int = 2020) -> dict:
    """A published profile for every cluster that has none yet; returns how many."""
    actor = audit.Actor.system(VIA)
    written = 0
    clusters = Cluster.objects.filter(profile__isnull=True).order_by("code")
    for cluster in clusters:
        rng = random.Random(f"clustermonitor-demo-profiles:{seed}:{cluster.code}")
        fake = Faker("nl_BE")
        fake.seed_instance(f"{seed}:{cluster.code}")
        first, last = fake.first_name(), fake.last_name()
        slug = cluster.code.lower()
        role = rng.choice(ROLES)[0]
        profile = ClusterProfile(
            cluster=cluster,
            **_texts(cluster, rng),
            website=cluster.website or f"https://{slug}.example.org",
            eccp_url=f"https://eccp.example.org/clusters/{slug}",
            contact_name=f"{first} {last}",
            contact_name_public=True,
            contact_role=role,
            contact_role_public=True,
            contact_email=_ascii(f"{first}.{last}@{slug}.example.org"),
            contact_email_public=rng.random() < 2 / 3,
            contact_phone=f"+32 {rng.randint(2, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            contact_phone_public=rng.random() < 1 / 3,
        )
        services.save_draft(actor, profile)
        services.submit(actor, profile)
        services.publish(actor, profile)
        written += 1
    return {"profiles": written}
