"""Shared fixtures: the real 2020 portfolio and one user per persona, loaded once per
test session; every test runs in a transaction that is rolled back.

Personas (STYLE lesson 3): anonymous, programme manager, account manager, evaluator,
cluster manager of cluster A (EUKA), cluster manager of cluster B (BIM), member contact.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clustermonitor.accounts import services, twofactor
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
    # The roles that must sign in with a second factor have enrolled an app (the tests
    # compute its codes from the stored key: `totp_code`).
    for user in User.objects.filter(username__in=PERSONAS):
        if twofactor.required(user):
            TOTPDevice.objects.get_or_create(
                user=user, defaults={"name": twofactor.TOTP_NAME, "confirmed": True}
            )


def totp_code(username: str) -> str:
    """The code the persona's authenticator app shows now, and that the server has not
    seen yet (a code is accepted once: the next login in the same 30 s uses the next)."""
    import time

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    now_t = int((time.time() - device.t0) // device.step)
    t = max(now_t, device.last_t + 1)
    if t > now_t + device.tolerance:  # beyond what the server accepts now: wait for it
        time.sleep(device.t0 + (t - device.tolerance) * device.step - time.time() + 0.1)
    return twofactor.totp_code(device, at=device.t0 + t * device.step)


def verify_session(client: Client, user) -> None:
    """Mark a logged-in test client's session as having passed the second step."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


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
            user = User.objects.get(username=name)
            client.force_login(user)
            verify_session(client, user)  # as after the two-factor step
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
