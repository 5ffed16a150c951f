"""Shared fixtures: the real 2020 portfolio and one user per persona, loaded once per
test session; every test runs in a transaction that is rolled back. The calibrated demo
(`calibrated_demo`) is loaded once per session too, for the modules that ask for it.

Parallel runs (pytest-xdist, `make test`; docs/development.md): each worker has its own
database (pytest-django's _gw0, _gw1 suffixes); the tests that share costly set-up run on
one worker (`xdist_group`, see `pytest_collection_modifyitems`).

Personas (STYLE lesson 3): anonymous, programme manager, account manager, evaluator,
cluster manager of cluster A (EUKA), cluster manager of cluster B (BIM), member contact.
"""

import collections
import copy
import gc
import os
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.plugin import blocking_manager_key

from clustermonitor.accounts import services, twofactor
from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit
from clustermonitor.demodata.reference import load_reference
from clustermonitor.programmes.models import Cluster
from clustermonitor.registry.reference import load_registry_reference
from tests import demo_copies

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
    # The grant cycle (issue 19): a jury member and an applicant, outsiders to the
    # programme's records.
    "reviewer": (Role.REVIEWER, None),
    "applicant": (Role.APPLICANT, None),
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
    _open_sessions()


#: Each persona's session, opened once with the world (`client_for` hands out its cookie).
_SESSIONS: dict[str, str] = {}


def _open_sessions() -> None:
    """A logged-in session per persona, as `Client.force_login` and the two-factor step
    leave it (without the login's signals: the world's `last_login` stays empty). Kept
    in the world, so each test that asks `client_for` gets the session's cookie instead
    of logging in again (a test that changes the session or logs out does so inside its
    own transaction, rolled back after it)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    backend = Client()._get_backend()
    for user in User.objects.filter(username__in=PERSONAS).order_by("username"):
        session = SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        _SESSIONS[user.username] = session.session_key


def totp_code(username: str) -> str:
    """The code the persona's authenticator app shows now, and that the server has not
    seen yet (a code is accepted once: the next login in the same 30 s uses the next)."""
    import time

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    # Steps as the server counts them: the clock's plus the drift it learnt when a code
    # from a neighbouring step was accepted (a set-up across a 30 s boundary).
    now_t = int((time.time() - device.t0) // device.step) + device.drift
    t = max(now_t, device.last_t + 1)
    if t > now_t + device.tolerance:  # beyond what the server accepts now: wait for it
        time.sleep(
            device.t0 + (t - device.tolerance - device.drift) * device.step - time.time() + 0.1
        )
    return twofactor.totp_code(device, at=device.t0 + (t - device.drift) * device.step)


def verify_session(client: Client, user) -> None:
    """Mark a logged-in test client's session as having passed the second step."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


#: The session's world as build_world left it (`restore_world`), per worker process.
_WORLD: dict = {}


def restore_world() -> None:
    """The world as the session built it, whatever the tables hold now: every row copied
    back from the session's snapshot (a tenth of build_world's time: the end-to-end tests
    do it before each test), or, where that cannot be, the tables emptied, the sequences
    restarted and the world built again."""
    saved = _WORLD.get("snapshot")
    with transaction.atomic():
        if saved is not None and demo_copies.put_back(saved):
            return
    call_command("flush", interactive=False, verbosity=0, reset_sequences=True)
    build_world()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_world()
        _WORLD["snapshot"] = demo_copies.snapshot(demo_copies.all_tables())


#: The clusters whose progress reports, exit plans and assessments the shared demo writes
#: (these go through the audited services one by one and take most of a full load's time;
#: `clustermonitor load-demo` writes them for all): EUKA, reported after two years, and
#: MaaS, after one.
DEMO_WORKFLOW = ("EUKA", "MAAS")


class SharedDemo:
    """The calibrated demo (`demodata.load`) on top of the world, kept in an open
    transaction that every demo test runs inside (each in its own savepoint) and that is
    rolled back as soon as the next test does not use it, so the other tests see the
    world only. The demo tests of a module run one after the other (`_Order`). The demo
    is loaded once per session; every other time (another worker, another module after
    a roll-back) its rows are copied from the session's file (tests/demo_copies.py)."""

    def __init__(self, blocker, folder):
        self.blocker = blocker
        self.folder = folder
        self.atomic = None
        self.summary = None

    def load(self) -> dict:
        if self.atomic is None:
            from clustermonitor.demodata import loader as demodata

            with self.blocker.unblock():
                atomic = transaction.atomic()
                atomic.__enter__()
                try:
                    self.summary = demo_copies.restore_or_load(
                        self.folder, lambda: demodata.load(workflow=DEMO_WORKFLOW)
                    )
                except BaseException:
                    atomic.__exit__(*sys.exc_info())
                    raise
                self.atomic = atomic
        return copy.deepcopy(self.summary)

    def roll_back(self) -> None:
        if self.atomic is not None:
            with self.blocker.unblock():
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)
            self.atomic = self.summary = None


_DEMO_KEY = pytest.StashKey[SharedDemo]()


@pytest.fixture(scope="session")
def shared_demo(request, django_db_setup, django_db_blocker, tmp_path_factory):
    demo = SharedDemo(django_db_blocker, demo_copies.shared_folder(tmp_path_factory))
    request.session.stash[_DEMO_KEY] = demo
    yield demo
    demo.roll_back()


@pytest.fixture(scope="module")
def calibrated_demo(shared_demo) -> dict:
    """The calibrated demo in the test database, loaded once per session (module scope
    so that it is there before the module's and the test's own transactions open);
    returns `demodata.load`'s summary. Tests that use it are marked `demo`."""
    return shared_demo.load()


def _uses_demo(item) -> bool:
    return "calibrated_demo" in getattr(item, "fixturenames", ())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if nextitem is None:
        return  # the session's teardown has rolled back and dropped everything
    if _uses_demo(item) and not _uses_demo(nextitem) and _DEMO_KEY in item.session.stash:
        item.session.stash[_DEMO_KEY].roll_back()
    if item.get_closest_marker("e2e") and not nextitem.get_closest_marker("e2e"):
        # The live server's transactional tests empty every table after each test; the
        # tests that follow in this process expect the world as the session built it
        # (the same rows, the same keys): put the world back.
        with item.config.stash[blocking_manager_key].unblock():
            restore_world()


def _order(item) -> int:
    # Browser tests use a live server and a transactional database, which empties the
    # tables afterwards: run them last (the hook above builds the world again after
    # them). The demo tests run one after the other, so the demo is loaded once.
    if item.get_closest_marker("e2e"):
        return 2
    return 1 if _uses_demo(item) else 0


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # First (tryfirst), so that xdist sees the groups; the order is set last (_Order).
    for item in items:
        if _uses_demo(item):
            item.add_marker(pytest.mark.demo)
        if item.path.parent.name == "e2e":
            if not item.get_closest_marker("e2e"):
                item.add_marker(pytest.mark.e2e)  # every test in tests/e2e drives the browser
            # What a browser test adds to the server-side tests (which run on both
            # databases) is the browser's side: the pages' script, layout, focus and
            # accessibility, and the way through them. CI runs it on the first database.
            if not item.get_closest_marker("any_database"):
                item.add_marker(pytest.mark.any_database)
        if item.path.parent.name == "analysis" and not _asks_for_a_database(item):
            # The analysis package's tests: pure functions on frames (the package imports
            # no Django: test_architecture), and pytest-django refuses them the database.
            item.add_marker(pytest.mark.any_database)
    if os.environ.get("CLUSTERMONITOR_SKIP_ANY_DATABASE"):
        # CI's second database: what cannot depend on the database ran on the first.
        skipped = [item for item in items if item.get_closest_marker("any_database")]
        if skipped:
            config.hook.pytest_deselected(items=skipped)
            items[:] = [item for item in items if not item.get_closest_marker("any_database")]
    # Schemathesis gives all the cases of one test the test's node id (the operation is
    # only in the name); xdist knows the tests by node id and would run one of them.
    seen = collections.Counter(item.nodeid for item in items)
    for item in items:
        if seen[item.nodeid] > 1:
            _set_nodeid(item, f"{item.parent.nodeid}::{item.name}")
    if not getattr(config.option, "loadgroup", False):  # set by xdist, in its workers
        return
    # A parallel run (--dist loadgroup) sends each group to one worker as a whole: the
    # browser tests (one Chromium, one live server), the demo tests (one load of the
    # demo) and every module whose tests share a module-scoped fixture (built once).
    # The other tests are handed out one by one. xdist finds the group after an "@" in
    # the node id, which it writes where pytest 9.2 no longer reads it (`_set_nodeid`).
    for item in items:
        group = _group(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
            _set_nodeid(item, f"{item.nodeid}@{group}")


def _asks_for_a_database(item) -> bool:
    """Whether pytest-django lets the test at the database: `db`, `transactional_db`
    and the `django_db` marker all go through its `_django_db_helper`."""
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"_django_db_helper", "live_server"}) or bool(
        item.get_closest_marker("django_db")
    )


def _set_nodeid(item, nodeid: str) -> None:
    """Give a test another node id: pytest 9.2 keeps it in `_id` (a NodeId), where
    pytest-xdist 3.8 still writes `_nodeid`, which nothing reads any more."""
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # pytest < 9.2
        item._nodeid = nodeid
    else:
        item._id = coerce_node_id(nodeid)


def _group(item) -> str | None:
    if item.get_closest_marker("e2e"):
        # One live server and one Chromium per worker; a module's tests stay together,
        # but for a module of independent sweeps (SPREAD = True), whose tests the workers
        # share out one by one.
        if getattr(item.module, "SPREAD", False):
            return f"e2e:{item.module.__name__}:{item.name}"
        return f"e2e:{item.module.__name__}"
    if _module_scoped(item) or _uses_demo(item):
        return item.module.__name__
    return None


#: The groups that take longest in a parallel run, longest first (docs/development.md).
LONGEST = [
    "tests.test_report_known_on",
    "e2e:tests.e2e.test_journeys",
    "e2e:tests.e2e.test_layout",
    "tests.test_backup",
    "tests.test_report",
    "tests.test_same_bytes",
]


class _Order:
    """The order of the tests, set after pytest-django's (which puts the database tests
    first, then the transactional ones, then those without a database, and so splits a
    module whose fixture is built once per module: it was built twice). The tests of a
    module with a module-scoped fixture stay together, where its first test was.

    One process: the demo tests together, then the e2e tests, last. A parallel run
    (`--no-loadscope-reorder`: xdist hands out the groups in this order): the longest
    groups first, so that no worker starts one when the others are nearly done — the
    modules that load the demo in processes of their own or build the report, the other
    demo modules (each copies the demo: tests/demo_copies.py), the e2e tests, the other
    groups; then the single tests, which fill the gaps."""

    def __init__(self, config):
        self.parallel = hasattr(config, "workerinput")

    def rank(self, item) -> int:
        if not self.parallel:
            return _order(item)
        group = _group(item)
        for index, longest in enumerate(LONGEST):  # a spread module's parts too
            if group and (group == longest or group.startswith(longest + ":")):
                return index
        if group and item.get_closest_marker("demo"):
            return len(LONGEST)
        if group and group.startswith("e2e:"):
            return len(LONGEST) + 1
        return len(LONGEST) + 2 if group else len(LONGEST) + 3

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        def unit(item):
            return item.module.__name__ if _module_scoped(item) else item.nodeid

        first: dict[str, int] = {}
        for index, item in enumerate(items):
            first.setdefault(unit(item), index)
        items.sort(key=lambda item: (self.rank(item), first[unit(item)]))


def pytest_sessionfinish(session):
    """The controller of a parallel run (or a run without workers) drops what the workers
    shared: the PostgreSQL demo template (tests/demo_copies.py)."""
    if hasattr(session.config, "workerinput"):
        return
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is not None and factory._basetemp is not None:
        demo_copies.drop_demo_template(factory.getbasetemp())


#: The collector's first generation (CPython's default is 700 new objects): a test
#: process holds Django, pandas, matplotlib and the session's world, and a full
#: collection walks all of it; collected less often, the suite spends about 6 % less
#: time (docs/development.md), and no more memory at its peak.
GC_THRESHOLD = (50_000, 20, 100)


def pytest_configure(config):
    config.pluginmanager.register(_Order(config), "clustermonitor-test-order")
    gc.set_threshold(*GC_THRESHOLD)


def pytest_collection_finish(session):
    # What is there once the tests are imported (the code, its modules' objects) lives
    # as long as the process: out of the collector's way (gc.freeze), so that a
    # collection walks only what the tests make.
    gc.freeze()


def pytest_unconfigure(config):
    # Back in the collector's reach, so that the interpreter's last collection at exit
    # frees them (extension modules such as DuckDB's report what was never freed).
    gc.unfreeze()


def _module_scoped(item) -> bool:
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        defs and defs[-1].scope in ("module", "class", "package")
        for defs in info.name2fixturedefs.values()
    )


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
    def make(name: str, own_session: bool = False) -> Client:
        """The persona's client: logged in, past the two-factor step, in the persona's
        session of the world; or, with `own_session`, logged in afresh (a session of
        its own, as a second browser would have)."""
        client = Client()
        if name == "anonymous":
            return client
        if own_session:
            user = User.objects.get(username=name)
            client.force_login(user)
            verify_session(client, user)
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = _SESSIONS[name]
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

    def make(name: str, own_session: bool = False):
        client = client_for(name, own_session=own_session)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


@pytest.fixture(autouse=True)
def fresh_start_allowance():
    """Every test client and browser connects from 127.0.0.1: each test starts with the
    portal's full allowance of application starts per connection (portal.views_calls),
    whatever the tests before it in the worker started."""
    from django.core.cache import cache

    from clustermonitor.portal.views_calls import starts_key

    cache.delete_many([starts_key("127.0.0.1"), starts_key("")])
