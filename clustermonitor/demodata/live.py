"""The demo's present (issue 16): a current call with clusters running today, so that every
demo login has real work in its inbox on the day the demo is loaded.

The calibrated history (2017–2020, `demodata.loader`) stays exactly as it is: what is
added here starts more than four years after the evaluation's date, so no figure "as of"
a date of that history can see it (core.known), and the 2020 report is the same bytes.

Everything is placed relative to the day of the load and drawn from a generator seeded by
the seed and that day: a given day always gives the same records.

- A call of the IBN type that closed a year ago and funded three agreements starting 14
  months ago: EUKA and BIM for a second term (EUKA2, BIM2: the demo's cluster managers
  of EUKA and BIM manage them too) and a new network, HYDRO.
- This year's IBN call, open from 20 days ago to 45 days ahead, with no cluster yet.
- Members (companies of the registry; the second terms keep most of their first term's
  members), their fees (paid in the past year, this year's partly outstanding), targets
  for the three KPIs, activities of the past year with attendance (a few rows still to
  check; every third in the public calendar) and two to come (both public, so the
  portal's calendar has upcoming events on the day of the load); EUKA2's next one has
  registration open, with registrations and a waiting list (`demodata.registrations`).
- The account manager follows EUKA, BIM and the three new agreements. Year 1's progress
  reports: EUKA2's submitted five days ago (to review), BIM2's returned three days ago
  with comments, HYDRO's still a draft, due in twelve days.
- A survey wave open from a week ago to three weeks ahead, its invitations sent.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from clustermonitor.accounts import services as account_services
from clustermonitor.accounts.models import Role, User
from clustermonitor.activities.models import Activity, Participation
from clustermonitor.core import audit
from clustermonitor.members.models import Contact, Contribution, Membership
from clustermonitor.monitoring import services as report_services
from clustermonitor.monitoring.models import ProgressReport
from clustermonitor.programmes.models import KPI, Call, Cluster, ClusterType, Target
from clustermonitor.registry.models import Organisation

#: The live clusters: code, the earlier cluster they follow (None: new), name, domain.
LIVE = (
    ("EUKA2", "EUKA", "EUKA (drones), tweede termijn", "drones en onbemande luchtvaart"),
    ("BIM2", "BIM", "BIM Vlaanderen, tweede termijn", "bouwinformatiemodellering"),
    ("HYDRO", None, "Waterstofnetwerk Vlaanderen", "waterstof en energieopslag"),
)
FEES = (Decimal("500"), Decimal("1000"), Decimal("2500"))
SECTIONS = {
    "achievements": "Drie werkgroepen opgestart, 14 activiteiten met 310 deelnemers.",
    "internationalisation": "Missie naar de Drone Days in Eindhoven met acht leden.",
    "competences": "Twee opleidingen rond regelgeving voor de leden.",
    "sustainability": "Ledenbijdragen dekken 52 % van de werking; exitplan in opmaak.",
}
#: Where each live cluster meets (its public events).
PLACES = {"EUKA2": "Kortrijk", "BIM2": "Gent", "HYDRO": "Antwerpen"}
TITLES = ("Werkgroep", "Lerend netwerk", "Bedrijfsbezoek", "Infosessie")
KINDS = (Activity.Kind.WORKSHOP, Activity.Kind.EVENT, Activity.Kind.WORKING_GROUP)
RETURN_COMMENT = (
    "Dank voor het rapport. Kunnen jullie bij KPI 2 toelichten waarom het aantal nieuwe "
    "leden lager ligt dan het doel, en de deelnemers van de werkgroepen toevoegen?"
)


def _months_ago(today: datetime.date, months: int) -> datetime.date:
    month = today.month - months
    year = today.year + (month - 1) // 12
    return datetime.date(year, (month - 1) % 12 + 1, 1)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _user(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def load_live(today: datetime.date | None = None, seed: int = 1) -> dict:
    """Add the demo's present (see the module); a second run changes nothing."""
    today = today or timezone.localdate()
    if Cluster.objects.filter(code="HYDRO").exists():
        return {"written": 0}
    rng = random.Random(f"{seed}-{today.isoformat()}")
    actor = audit.Actor.system("demo")
    ibn = ClusterType.objects.get(code="IBN")
    earlier = {c.code: c for c in Cluster.objects.filter(code__in=["EUKA", "BIM"])}
    programme = next(iter(earlier.values())).programme
    call = Call(
        programme=programme,
        cluster_type=ibn,
        number=(
            Call.objects.filter(programme=programme, cluster_type=ibn).aggregate(n=Max("number"))[
                "n"
            ]
            or 0
        )
        + 1,
        name=f"Oproep IBN {today.year - 1}",
        period=str(today.year - 1),
        opens_on=today - datetime.timedelta(days=480),
        closes_on=today - datetime.timedelta(days=400),
        budget=Decimal("1500000"),
    )
    audit.save(actor, call, note=f"live demo for {today.isoformat()}")
    # This year's call, open today (no cluster yet): the portal's front page shows it.
    audit.save(
        actor,
        Call(
            programme=programme,
            cluster_type=ibn,
            number=call.number + 1,
            name=f"Oproep IBN {today.year}",
            period=str(today.year),
            opens_on=today - datetime.timedelta(days=20),
            closes_on=today + datetime.timedelta(days=45),
            budget=Decimal("1500000"),
        ),
        note=f"live demo for {today.isoformat()}",
    )
    start = _months_ago(today, 14)
    end = start.replace(year=start.year + 3) - datetime.timedelta(days=1)
    clusters = []
    for code, follows, name, domain in LIVE:
        before = earlier.get(follows)
        cluster = Cluster(
            programme=programme,
            code=code,
            name=name,
            cluster_type=ibn,
            call=call,
            executing_organisation=before.executing_organisation if before else name,
            embedding=before.embedding if before else "",
            domain=domain,
            start_date=start,
            end_date=end,
            subsidy=Decimal("450000"),
        )
        audit.save(actor, cluster)
        clusters.append((cluster, before))
    written = 0
    for cluster, before in clusters:
        written += _members(cluster, before, start, today, rng)
        written += _targets(cluster, start, end)
        written += _activities(cluster, start, today, rng)
        report_services.create_periods(actor, cluster)
    _hydro_due(today)
    written += _wave(actor, [c for c, _b in clusters], today)
    # Last, with a generator of its own: the records above are the same without it.
    from clustermonitor.demodata.registrations import load_registrations

    written += load_registrations(today, seed)
    return {"written": written, "clusters": [c.code for c, _b in clusters]}


#: Who follows the live clusters once the demo's logins exist (`attach_logins`).
FOLLOWED_BY_THE_ACCOUNT_MANAGER = ("EUKA", "BIM", "EUKA2", "BIM2", "HYDRO")
SECOND_TERMS = {"cluster.euka": "EUKA2", "cluster.bim": "BIM2"}


@transaction.atomic
def attach_logins(today: datetime.date | None = None) -> None:
    """After the demo's logins exist: the account manager follows EUKA, BIM and the live
    clusters, the managers of EUKA and BIM manage their second terms and take year 1's
    report steps. A second run changes nothing."""
    today = today or timezone.localdate()
    actor = audit.Actor.system("demo")
    manager = _user("account.manager")
    if manager is not None:
        for cluster in Cluster.objects.filter(
            code__in=FOLLOWED_BY_THE_ACCOUNT_MANAGER, account_manager__isnull=True
        ):
            cluster.account_manager = manager
            audit.save(actor, cluster)
    writers = {}
    for username, code in SECOND_TERMS.items():
        user, cluster = _user(username), Cluster.objects.filter(code=code).first()
        if user is None or cluster is None:
            continue
        account_services.assign_role(actor, user, Role.CLUSTER_MANAGER, cluster)
        writers[code] = user
    _report_steps(today, writers, manager)


def _members(cluster, before, start, today, rng) -> int:
    if before is not None:
        pool = list(
            Organisation.objects.filter(memberships__cluster=before).distinct().order_by("pk")
        )
        chosen = rng.sample(pool, min(len(pool), 30))
    else:
        pool = list(
            Organisation.objects.filter(memberships__isnull=False).distinct().order_by("pk")[:400]
        )
        chosen = rng.sample(pool, min(len(pool), 18))
    written = 0
    for i, organisation in enumerate(chosen):
        joined = start + datetime.timedelta(
            days=0 if i < len(chosen) * 2 // 3 else rng.randint(30, 300)
        )
        if joined > today:
            continue
        membership = Membership.objects.create(
            organisation=organisation, cluster=cluster, start_date=joined
        )
        Contact.objects.create(
            membership=membership,
            name=f"Contact {organisation.name}"[:200],
            email=f"contact{organisation.pk}@{cluster.code.lower()}.example",
        )
        fee = rng.choice(FEES)
        for year in range(joined.year, today.year + 1):
            due = datetime.date(year, 3, 31)
            if year < today.year or (due < today and rng.random() < 0.6):
                paid = max(joined, due - datetime.timedelta(days=rng.randint(0, 60)))
                paid = min(paid, today)
                status, invoiced, paid_on = Contribution.Status.PAID, paid, paid
            elif due < today:
                status, invoiced, paid_on = Contribution.Status.INVOICED, due, None
            else:
                status, invoiced, paid_on = Contribution.Status.EXPECTED, None, None
            if cluster.code == "HYDRO" and year == today.year and paid_on is not None:
                status, paid_on = Contribution.Status.INVOICED, None  # a live warning
            Contribution.objects.create(
                membership=membership,
                year=year,
                amount=fee,
                status=status,
                invoiced_on=invoiced,
                paid_on=paid_on,
            )
            written += 1
        written += 2
    return written


def _targets(cluster, start, end) -> int:
    due = start.replace(year=start.year + 3) - datetime.timedelta(days=1)
    values = {"KPI1": Decimal("40"), "KPI2": Decimal("25"), "KPI3": Decimal("6")}
    for kpi in KPI.objects.filter(programme=cluster.programme, code__in=values):
        Target.objects.create(
            cluster=cluster, kpi=kpi, due_date=min(due, end), value=values[kpi.code]
        )
    return len(values)


def _activities(cluster, start, today, rng) -> int:
    members = list(
        Membership.objects.filter(cluster=cluster).select_related("organisation").order_by("pk")
    )
    written = 0
    for n in range(10):
        day = today - datetime.timedelta(days=20 + 33 * n)
        if day < start:
            break
        activity = Activity.objects.create(
            title=f"{cluster.code}: {rng.choice(TITLES)} {n + 1}",
            kind=rng.choice(KINDS),
            date=day,
            public=n % 3 == 1,  # some past ones in the public calendar (no draw)
        )
        activity.clusters.add(cluster)
        for membership in rng.sample(members, min(len(members), rng.randint(5, 14))):
            if membership.start_date <= day:
                Participation.objects.create(
                    activity=activity, organisation=membership.organisation
                )
                written += 1
        if n == 0:  # the last one: two names the import could not match yet
            for name, org in (
                ("J. Wouters", "Wouters Engineering"),
                ("S. Janssens", "Janssens bv"),
            ):
                Participation.objects.create(
                    activity=activity, name=name, organisation_name=org, needs_review=True
                )
                written += 1
        written += 1
    for days in (9, 37):
        # Both to come are public: the portal's calendar is full on a fresh demo.
        upcoming = Activity.objects.create(
            title=f"{cluster.code}: Netwerkmoment",
            kind=Activity.Kind.EVENT,
            date=today + datetime.timedelta(days=days),
            location=PLACES[cluster.code],
            description=f"Netwerkmoment van {cluster.name}: pitches van leden en een "
            "netwerkreceptie. Toegang gratis, inschrijven bij de cluster.",
            public=True,
        )
        upcoming.clusters.add(cluster)
        written += 1
    return written


def _hydro_due(today) -> None:
    """HYDRO's year-1 report is a draft due in twelve days."""
    period = ProgressReport.objects.get(period__cluster__code="HYDRO", period__number=1).period
    period.due_date = today + datetime.timedelta(days=12)
    period.save(update_fields=["due_date"])


def _report_steps(today, writers: dict, manager) -> None:
    """Year 1: EUKA2's submitted five days ago, BIM2's returned three days ago with
    comments, by the demo's people; nobody is e-mailed (steps of the past)."""
    from clustermonitor.monitoring.models import ReportVersion, State, Transition

    for code, days in (("EUKA2", 5), ("BIM2", 3)):
        report = ProgressReport.objects.get(period__cluster__code=code, period__number=1)
        if report.state != State.DRAFT or writers.get(code) is None:
            continue  # done by an earlier run
        writer = audit.Actor(writers[code], "demo")
        report_services.save_draft(writer, report, SECTIONS, {})
        report.refresh_from_db()
        report_services.submit(writer, report, tell=False)
        report.refresh_from_db()
        if code == "BIM2" and manager is not None:
            reviewer = audit.Actor(manager, "demo")
            report_services.return_report(reviewer, report, RETURN_COMMENT, tell=False)
        # The steps happened days ago, not at this instant.
        moment = _at(today - datetime.timedelta(days=days))
        Transition.objects.filter(report=report).update(at=moment)
        ReportVersion.objects.filter(report=report).update(submitted_at=moment)


def _wave(actor, clusters, today) -> int:
    from clustermonitor.surveys import invitations
    from clustermonitor.surveys.models import Questionnaire, Wave

    questionnaire = Questionnaire.objects.order_by("-pk").first()
    if questionnaire is None:
        return 0
    wave = Wave.objects.create(
        questionnaire=questionnaire,
        name=f"Ledenbevraging {today.year}",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
    )
    wave.clusters.set(clusters)
    created = invitations.generate(actor, wave)
    invitations.mark_sent(actor, wave)
    return sum(created.values()) if isinstance(created, dict) else 0
