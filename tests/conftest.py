"""Shared fixtures: the real 2020 portfolio and one user per persona, loaded once per
test session; every test runs in a transaction that is rolled back.

Personas (STYLE lesson 3): anonymous, programme manager, account manager, evaluator,
cluster manager of cluster A (EUKA), cluster manager of cluster B (BIM), member contact.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from clustermonitor.accounts import services
from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.programmes.models import Cluster
from clustermonitor.programmes.reference import load_reference
from clustermonitor.registry.reference import load_registry_reference

CLUSTER_A = "EUKA"
CLUSTER_B = "BIM"
PASSWORD = "correct horse battery staple"

PERSONAS = {
    "programme_manager": (Role.PROGRAMME_MANAGER, None),
    "account_manager": (Role.ACCOUNT_MANAGER, None),
    "evaluator": (Role.EVALUATOR, None),
    "cluster_manager_a": (Role.CLUSTER_MANAGER, CLUSTER_A),
    "cluster_manager_b": (Role.CLUSTER_MANAGER, CLUSTER_B),
    "member_contact": (Role.MEMBER_CONTACT, None),
}
ALL_PERSONAS = ["anonymous", *PERSONAS]


def build_world() -> None:
    """The reference portfolio and the personas (also used by the end-to-end tests)."""
    load_reference()
    load_registry_reference()
    actor = audit.Actor.system("tests")
    for username, (role, code) in PERSONAS.items():
        cluster = Cluster.objects.get(code=code) if code else None
        services.create_user(
            actor,
            username=username,
            password=PASSWORD,
            role=role,
            cluster=cluster,
            first_name=username.replace("_", " ").title(),
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_world()


def pytest_collection_modifyitems(items):
    # Browser tests use a live server and a transactional database, which empties the
    # tables afterwards: run them last so the shared world is there for all others.
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture
def english():
    """Messages checked in English (the code's msgids); the Dutch catalogue has its own
    test (test_i18n). A module asks for it with ``pytest.mark.usefixtures("english")``."""
    with translation.override("en"):
        yield


@pytest.fixture
def persona(db):
    def get(name: str) -> User | None:
        return None if name == "anonymous" else User.objects.get(username=name)

    return get


@pytest.fixture
def client_for(db):
    def make(name: str) -> Client:
        client = Client()
        if name != "anonymous":
            client.force_login(User.objects.get(username=name))
        return client

    return make


@pytest.fixture
def cluster_a(db) -> Cluster:
    return Cluster.objects.get(code=CLUSTER_A)


@pytest.fixture
def cluster_b(db) -> Cluster:
    return Cluster.objects.get(code=CLUSTER_B)


@pytest.fixture
def web(client_for):
    """A logged-in client that asks for the English interface, so that assertions read
    the messages as written in the code."""

    def make(name: str):
        client = client_for(name)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make
