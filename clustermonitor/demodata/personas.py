"""The demo: the real 2020 portfolio, record-level demo data calibrated to the 2020
evaluation (clustermonitor.demodata, docs/demo.md) and one login per persona."""

from dataclasses import dataclass

from django.db import transaction

from clustermonitor.accounts import services
from clustermonitor.accounts.models import Role
from clustermonitor.core import audit
from clustermonitor.demodata import agreements as agreements_demo
from clustermonitor.demodata import banking as bank_demo
from clustermonitor.demodata import grants as demo_grants
from clustermonitor.demodata import impact as impact_demo
from clustermonitor.demodata import invoices, live, profiles, selfservice
from clustermonitor.demodata import ladder as ladder_demo
from clustermonitor.demodata import loader as demodata
from clustermonitor.demodata import mailings as demo_mailings
from clustermonitor.demodata import prospects as prospect_data
from clustermonitor.demodata import review as review_demo
from clustermonitor.demodata.reference import load_reference
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.reference import load_registry_reference

DEMO_PASSWORD = "clustermonitor"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    cluster: str | None
    first_name: str
    last_name: str


DEMO_LOGINS = [
    DemoLogin("programme.manager", Role.PROGRAMME_MANAGER, None, "Pieter", "Peeters"),
    DemoLogin("account.manager", Role.ACCOUNT_MANAGER, None, "Anna", "Aerts"),
    DemoLogin("evaluator", Role.EVALUATOR, None, "Els", "Claes"),
    DemoLogin("cluster.euka", Role.CLUSTER_MANAGER, "EUKA", "Koen", "Maes"),
    DemoLogin("cluster.bim", Role.CLUSTER_MANAGER, "BIM", "Lotte", "Jacobs"),
    DemoLogin("member.contact", Role.MEMBER_CONTACT, None, "Wim", "Willems"),
    # Acts for a member of EUKA2 in the self-service pages (demodata/selfservice.py).
    DemoLogin("member.euka", Role.MEMBER_CONTACT, None, "Sara", "Smet"),
    # The jury of the current call (issue 19; demodata/review.py).
    DemoLogin("reviewer.jan", Role.REVIEWER, None, "Jan", "Janssens"),
    DemoLogin("reviewer.lies", Role.REVIEWER, None, "Lies", "Lambrechts"),
]


@transaction.atomic
def load_demo(seed: int = demodata.DEFAULT_SEED, log=None) -> dict:
    """Reference data, demo records and logins; a second run changes nothing. Returns
    the demo data's summary (what was written, how long each step took)."""
    actor = audit.Actor.system("demo")
    load_reference()
    load_registry_reference()
    # Before the logins: the demo's progress reports then notify nobody.
    summary = demodata.load(seed=seed, log=log)
    # The present: a call with clusters running today (relative to this day), also before
    # the logins; `attach_logins` then puts the people in.
    summary["live"] = live.load_live(seed=seed)
    # The public portal: a published profile per cluster (no figure reads them).
    summary["profiles"] = profiles.load(seed=seed)
    # Invoices of this year's fees of the current call's clusters (no figure changes).
    summary["invoices"] = invoices.load()
    # A bank statement for EUKA2 to import (a file; imported by no one yet: no figure moves).
    summary["bank"] = bank_demo.load()
    # Calls 1 and 2's applications as published, agreements with tranches and payments.
    summary["agreements"] = agreements_demo.load()
    for login in DEMO_LOGINS:
        cluster = Cluster.objects.get(code=login.cluster) if login.cluster else None
        services.create_user(
            actor,
            username=login.username,
            password=DEMO_PASSWORD,
            email=f"{login.username}@example.org",
            first_name=login.first_name,
            last_name=login.last_name,
            role=login.role,
            cluster=cluster,
        )
    # The account manager follows the IBNs of the second call.
    manager = services.User.objects.get(username="account.manager")
    for cluster in Cluster.objects.filter(call__number=2, account_manager__isnull=True):
        cluster.account_manager = manager
        audit.save(actor, cluster)
    live.attach_logins()
    # Member self-service: `member.euka` acts for a member of EUKA2 (no figure reads it).
    summary["selfservice"] = selfservice.load()
    # The live clusters' pipelines (issue 18), owned by the logins: no figure reads them.
    summary["prospects"] = prospect_data.load(seed=seed)
    # A sent newsletter of EUKA's second term (no figure reads mailings).
    summary["mailings"] = demo_mailings.load()
    # The current call's online applications (issue 19; no figure reads them undecided).
    summary["grants"] = demo_grants.load(seed=seed, password=DEMO_PASSWORD)
    summary["review"] = review_demo.load(seed=seed)  # the current call's screening and jury
    # Last: annual accounts of the member companies and of a comparison population of new
    # companies outside every cluster, with a documented effect (issue 20). After the
    # parts above that pick companies of the registry, so they pick the same ones; no
    # figure of the report reads accounts or companies without a membership.
    summary["accounts"] = impact_demo.load(seed=seed)
    summary["ladder"] = ladder_demo.load(seed=seed)  # teams, aftercare (issue 21)
    return summary


def print_logins(out) -> None:
    from clustermonitor.accounts.twofactor import REQUIRED_FOR

    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for login in DEMO_LOGINS:
        extra = f" of {login.cluster}" if login.cluster else ""
        app = "  + authenticator app" if login.role in REQUIRED_FOR else ""
        out.write(f"  {login.username:20} {login.role}{extra}{app}")
    out.write(
        "Those with '+ authenticator app' see personal data and sign in in two steps: the\n"
        "first time, scan the QR code with an authenticator app on your phone (FreeOTP,\n"
        "Aegis, Google or Microsoft Authenticator; or type the key shown under it), enter\n"
        "its six-digit code and keep the recovery codes; after that the password and the\n"
        "app's code. Lost the app? `clustermonitor reset-two-factor USERNAME`."
    )
