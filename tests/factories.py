"""Small builders for deep object graphs (organisation → membership → contact)."""

import datetime

from clustermonitor.members.models import Membership
from clustermonitor.registry.models import Organisation


def enterprise_number(i: int, first: str = "0") -> str:
    """A valid enterprise number: the last two digits are 97 − (first eight mod 97)."""
    base = f"{first}{(2_000_000 + i) % 10_000_000:07d}"
    return f"{base}{97 - int(base) % 97:02d}"


def dotted(number: str) -> str:
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


def organisation(i: int, **values) -> Organisation:
    defaults = {
        "enterprise_number": enterprise_number(i),
        "name": f"Bedrijf {i} NV",
        "kind": Organisation.Kind.COMPANY,
        "postcode": "9000",
        "country": "BE",
    }
    defaults.update(values)
    return Organisation.objects.create(**defaults)


def membership(org, cluster, start=datetime.date(2017, 1, 1), end=None) -> Membership:
    return Membership.objects.create(
        organisation=org, cluster=cluster, start_date=start, end_date=end
    )


def png(width: int = 8, height: int = 8) -> bytes:
    """A small, valid PNG picture (a logo)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def open_survey_link(cluster, number: int, name: str):
    """A wave of the default questionnaire open today for `cluster`, a new member
    organisation (`number`, `name`) invited to it: the invitation and the token of its
    personal link (`/s/<token>/`)."""
    from clustermonitor.core import audit
    from clustermonitor.programmes.models import Programme
    from clustermonitor.surveys.models import Invitation, Wave
    from clustermonitor.surveys.services_forms import load_default_questionnaire
    from clustermonitor.surveys.tokens import assign, new_nonce, placeholder_hash

    questionnaire = load_default_questionnaire(Programme.objects.get(), audit.Actor.system("e2e"))
    today = datetime.date.today()
    wave = Wave.objects.create(
        questionnaire=questionnaire,
        name=f"Bevraging {today.year}",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=14),
    )
    wave.clusters.add(cluster)
    member = membership(organisation(number, name=name), cluster, start=cluster.start_date)
    invitation = Invitation(
        wave=wave,
        organisation=member.organisation,
        cluster=cluster,
        token_hash=placeholder_hash(),
        nonce=new_nonce(),
    )
    invitation.save()
    token = assign(invitation)
    invitation.save()
    return invitation, token
