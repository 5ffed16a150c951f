"""The online applications' lists read the same number of queries at ×1 and ×3 (issue 8's
rule, tests/test_query_scaling.py): the applications a call received (the agency), My
applications (an applicant), the portal's open calls."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clustermonitor.accounts.models import User
from clustermonitor.core import audit
from clustermonitor.grants import services
from tests.grants_helpers import draft_for, open_call

pytestmark = pytest.mark.django_db


def test_the_grant_lists_read_the_same_queries_at_x1_and_x3(client_for):
    actor = audit.Actor(User.objects.get(username="applicant"), "tests")
    setups = []

    def grow():
        setup = open_call()
        setups.append(setup)
        for target in setups:
            application = draft_for(target)
            services.submit(actor, application, notify=False)
            services.submit(actor, application, notify=False)
            draft_for(target)

    def counts():
        found = {}
        first = setups[0].call_id
        for persona, url in (
            ("programme_manager", reverse("grants:received", args=[first])),
            ("applicant", reverse("grants:mine")),
            ("anonymous", reverse("portal:calls")),
        ):
            cache.clear()
            client = client_for(persona)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200, url
            found[url] = len(captured.captured_queries)
        return found

    grow()
    counts()  # warm-up
    once = counts()
    grow()
    grow()
    thrice = counts()
    assert once == thrice, f"queries grow with the data (×1, ×3): {once} {thrice}"
