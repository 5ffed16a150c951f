"""The demo's member self-service (issue 18): the login `member.euka` acts for a member of
EUKA2 (the live cluster that follows EUKA), with a competence profile shown to its fellow
members and an open offer; a fellow member has posted a request. Nothing here feeds a
figure (no contact person, activity or collaboration is added). A second run changes
nothing."""

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.members.models import Membership
from clustermonitor.programmes.models import Cluster
from clustermonitor.selfservice import services
from clustermonitor.selfservice.models import MemberAccount, Posting, Visibility

USERNAME = "member.euka"
CLUSTER = "EUKA2"


def load() -> dict:
    user = User.objects.filter(username=USERNAME).first()
    cluster = Cluster.objects.filter(code=CLUSTER).first()
    if user is None or cluster is None or MemberAccount.objects.filter(user=user).exists():
        return {"written": 0}
    members = list(
        Membership.objects.filter(cluster=cluster, end_date__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name", "pk")[:2]
    )
    if len(members) < 2:
        return {"written": 0}
    own, fellow = members[0].organisation, members[1].organisation
    system = audit.Actor.system("demo")
    audit.save(
        system,
        MemberAccount(user=user, organisation=own, cluster=cluster),
        note="member contact invited",
    )
    actor = audit.Actor(user, "demo")
    services.save_profile(
        actor,
        own,
        technology_names=["drones", "computer vision", "LiDAR"],
        offers="Inspectie van daken en bruggen met drones; verwerking van de beelden.",
        seeks="Een partner met een testterrein voor vluchten buiten zicht (BVLOS).",
        visibility=Visibility.MEMBERS,
    )
    services.post(
        actor,
        own,
        cluster,
        kind=Posting.Kind.OFFER,
        title="Drone-inspectie van uw installaties",
        description="Wij voeren een proefinspectie uit bij een medelid en delen de beelden "
        "en de analyse. Interesse? Laat een bericht achter.",
        technology_names=["drones", "computer vision"],
        reach=Posting.Reach.CLUSTER,
    )
    services.post(
        system,
        fellow,
        cluster,
        kind=Posting.Kind.REQUEST,
        title="Gezocht: partner voor beeldherkenning",
        description="Wij zoeken een lid dat defecten op foto's automatisch kan herkennen.",
        technology_names=["computer vision"],
        reach=Posting.Reach.CLUSTER,
    )
    return {"written": 4, "organisation": own.name}
