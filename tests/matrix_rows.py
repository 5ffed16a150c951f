"""The permission matrix's vocabulary: the personas' order, the status rows shared by many
routes (`row`), and the look-ups the routes' URLs need (tests/matrix_routes.py)."""

from tests.conftest import ALL_PERSONAS, CLUSTER_A

LOGIN = "login"  # anonymous: redirect to the login page
PERSONA_ORDER = ALL_PERSONAS  # anonymous, pm, am, evaluator, cm A, cm B, member contact,
# reviewer, applicant
#: The personas a row names by position; the grant cycle's two (issue 19) follow.
POSITIONAL = PERSONA_ORDER[:7]
OUTSIDERS = ("reviewer", "applicant")


def row(*codes, reviewer=None, applicant=None):
    """Expected answers in the order of POSITIONAL. The reviewer and the applicant hold no
    role in the programme's records: unless a row names theirs, they get what a member
    contact without a company of the cluster gets (404 where the member contact's own
    company opens a page to them: MEMBER_SELF names it)."""
    assert len(codes) == len(POSITIONAL)
    answers = dict(zip(POSITIONAL, codes, strict=True))
    answers["reviewer"] = codes[-1] if reviewer is None else reviewer
    answers["applicant"] = codes[-1] if applicant is None else applicant
    assert list(answers) == list(PERSONA_ORDER)
    return answers


EVERYONE = row(LOGIN, 200, 200, 200, 200, 200, 200)
PROGRAMME_READERS = row(LOGIN, 200, 200, 200, 404, 404, 404)
PROGRAMME_SETUP = row(LOGIN, 200, 403, 403, 404, 404, 404)
# Records of cluster A: its own manager reads them, the other cluster's manager gets 404.
CLUSTER_A_RECORDS = row(LOGIN, 200, 200, 200, 200, 404, 404)
CLUSTER_A_SETUP = row(LOGIN, 200, 403, 403, 403, 404, 404)
AUDIT = row(LOGIN, 200, 404, 404, 404, 404, 404)
POST_ONLY = row(LOGIN, 405, 405, 405, 405, 405, 405)
API = row(401, 200, 200, 200, 200, 200, 200)
# Member records of cluster A: read by the agency, evaluators and A's manager; changed by
# the programme manager and A's manager.
MEMBERS_A = row(LOGIN, 200, 200, 200, 200, 404, 404)
MEMBERS_A_CHANGE = row(LOGIN, 200, 403, 403, 200, 404, 404)
REGISTRY = row(LOGIN, 200, 200, 200, 404, 404, 404)
PUBLIC = row(200, 200, 200, 200, 200, 200, 200)
# The survey's waves: the programme manager and the evaluator run them.
SURVEY_WAVES = row(LOGIN, 200, 403, 200, 404, 404, 404)
# Account management: the programme manager and the account managers.
ACCOUNT_MANAGEMENT = row(LOGIN, 200, 200, 403, 404, 404, 404)
# Cluster A's public profile in the workspace: read by whoever reads A's records, edited
# by A's manager only (the programme manager publishes it).
PROFILE_A_CHANGE = row(LOGIN, 403, 403, 403, 200, 404, 404)
# Cluster A's join requests (personal data, as members' contacts): the agency and A's
# manager; evaluators and other clusters' managers do not see them.
JOIN_REQUESTS_A = row(LOGIN, 200, 200, 404, 200, 404, 404)
# Cluster A's prospects (issue 18; their contact persons are personal data): read by the
# agency and A's manager, kept by A's manager only.
PROSPECTS_A = JOIN_REQUESTS_A
PROSPECTS_A_CHANGE = row(LOGIN, 403, 403, 404, 200, 404, 404)
# Cluster A's event registrations (personal data, as join requests): the agency and A's
# manager see them; only A's manager opens registration and checks people in.
REGISTRATIONS_A = row(LOGIN, 200, 200, 404, 200, 404, 404)
REGISTRATIONS_A_MANAGE = row(LOGIN, 403, 403, 404, 200, 404, 404)


def _user_pk(username):
    from clustermonitor.accounts.models import User

    return User.objects.get(username=username).pk


def _cluster_a_pk():
    from clustermonitor.programmes.models import Cluster

    return Cluster.objects.get(code=CLUSTER_A).pk


# A member company's own pages (issue 18): only a member contact whose account acts for a
# company (the matrix links the member-contact persona to its member of A); everyone else
# 404, whatever their role.
MEMBER_SELF = row(LOGIN, 404, 404, 404, 404, 404, 200, reviewer=404, applicant=404)
# Cluster A's self-service page (invitations, erasure requests, the board, matching):
# the agency and A's manager; the programme manager and A's manager act on it.
SELF_SERVICE_A = row(LOGIN, 200, 200, 404, 200, 404, 404)
