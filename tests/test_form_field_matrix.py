"""The permission matrix for form fields (issue 13): the route matrix checks the ids in a
URL, this one the ids in a form's body.

Every Form class of clustermonitor is found by walking its modules and must have an
entry in FORMS (in one of its PARTS, by concern; a new form without one fails
`test_every_form_is_in_the_matrix`):

- `Probed`: a cluster manager reaches it. Each field that carries another record's id
  (a model choice, an enterprise number, a hidden id) has a Probe that feeds it the other
  cluster's object — BIM's while logged in as EUKA's manager, and EUKA's as BIM's — and
  checks that it is not offered on the page and not accepted (nothing written, a form
  error, never a 500). Every other choice field of the live form is named in `fixed`
  with why its choices carry no other cluster's records.
- `ProgrammeOnly`: only people who read the whole programme reach it; both cluster
  managers posting the other cluster's ids to each of its routes get 403 or 404.
- `NoIds`: a cluster manager reaches it but its choices are fixed (`fixed` says which
  and why) and it has no model choice.

QUERY_STRINGS does the same for ids and searches in a query string (the member lookup,
the read API's filters).
"""

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.urls import reverse

import clustermonitor
from clustermonitor.activities.models import Activity
from clustermonitor.collaborations.models import Collaboration
from clustermonitor.programmes.models import Cluster
from tests.conftest import CLUSTER_A, CLUSTER_B
from tests.form_matrix import MANAGERS, Base, NoIds, Probed, ProgrammeOnly, World, _side
from tests.form_matrix_agreements import AGREEMENTS
from tests.form_matrix_banking import BANKING
from tests.form_matrix_grants import GRANTS
from tests.form_matrix_mailings import MAILINGS
from tests.form_matrix_network import NETWORK
from tests.form_matrix_programme import PROGRAMME
from tests.form_matrix_public import PUBLIC
from tests.form_matrix_review import REVIEW
from tests.form_matrix_selfservice import SELF_SERVICE, MemberProbed, member_world
from tests.form_matrix_staff import STAFF
from tests.matrix_routes import MATRIX

pytestmark = pytest.mark.usefixtures("english")


#: The entries, by concern: tests/form_matrix_network.py (a cluster's network),
#: tests/form_matrix_public.py (the public portal) and tests/form_matrix_programme.py
#: (reports, accounts, the programme's set-up, surveys), tests/form_matrix_selfservice.py
#: (member self-service), tests/form_matrix_mailings.py (the mailings),
#: tests/form_matrix_banking.py (bank statements), the grant cycle's tests/form_matrix_grants.py
#: (online applications), tests/form_matrix_review.py (screening and jury) and
#: tests/form_matrix_agreements.py (agreements and payments), tests/form_matrix_staff.py
#: (the cluster management team and aftercare); the probes in
#: tests/form_matrix.py.
PARTS = (
    NETWORK,
    PUBLIC,
    PROGRAMME,
    SELF_SERVICE,
    MAILINGS,
    BANKING,
    GRANTS,
    REVIEW,
    AGREEMENTS,
    STAFF,
)
FORMS = {name: entry for part in PARTS for name, entry in part.items()}
assert len(FORMS) == sum(len(part) for part in PARTS), "a form is listed twice"


@pytest.fixture(params=[(CLUSTER_A, CLUSTER_B), (CLUSTER_B, CLUSTER_A)], ids=["A-B", "B-A"])
def world(request, db) -> World:
    a, b = (Cluster.objects.get(code=code) for code in (CLUSTER_A, CLUSTER_B))
    sides = {CLUSTER_A: _side(a, 701), CLUSTER_B: _side(b, 702)}
    joint_activity = Activity.objects.create(
        title="Gezamenlijke workshop", kind="workshop", date=datetime.date(2018, 6, 1)
    )
    joint_activity.clusters.set([a, b])
    joint_collaboration = Collaboration.objects.create(
        programme=a.programme, title="Gezamenlijk project"
    )
    joint_collaboration.clusters.set([a, b])
    joint_waiting = joint_activity.participations.create(name="Bert", needs_review=True)
    own, other = request.param
    return World(sides[own], sides[other], joint_activity, joint_collaboration, joint_waiting)


# Discovery -------------------------------------------------------------------------------


def discovered_forms() -> dict[str, type]:
    """Every Form class defined in a module of clustermonitor."""
    found = {}
    for info in pkgutil.walk_packages(clustermonitor.__path__, "clustermonitor."):
        if info.name.endswith("__main__") or ".migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, forms.BaseForm) and value.__module__ == info.name:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


FOUND = discovered_forms()


def _carries_ids(name: str, form_field) -> bool:
    """A field whose value may name a record: a choice (model or not), a hidden input, or
    a typed enterprise number."""
    return (
        isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField)
        or isinstance(form_field.widget, forms.HiddenInput)
        or name.endswith(("enterprise_number", "payer_number", "_id"))
    )


def test_every_form_is_in_the_matrix():
    for name, entry in FORMS.items():
        if isinstance(entry, Base) and name in FOUND:
            assert any(
                issubclass(form, FOUND[name]) and form is not FOUND[name] for form in FOUND.values()
            )
    missing = sorted(set(FOUND) - set(FORMS))
    gone = sorted(set(FORMS) - set(FOUND))
    assert not missing, f"forms without an entry in FORMS: {missing}"
    assert not gone, f"entries in FORMS for forms that are gone: {gone}"
    assert len(FOUND) >= 50


def test_every_multiple_choice_of_records_refuses_ids_the_database_cannot_hold():
    from clustermonitor.core.fields import RecordsField

    plain = [
        f"{name}.{field_name}"
        for name, form_class in FOUND.items()
        for field_name, form_field in form_class.base_fields.items()
        if isinstance(form_field, forms.ModelMultipleChoiceField)
        and not isinstance(form_field, RecordsField)
    ]
    assert not plain, f"use core.fields.RecordsField (a 500 on SQLite otherwise): {plain}"


@pytest.mark.parametrize("name", sorted(n for n, e in FORMS.items() if isinstance(e, NoIds)))
def test_a_form_without_ids_has_only_fixed_choices(name):
    entry, form_class = FORMS[name], FOUND[name]
    for field_name, form_field in form_class.base_fields.items():
        assert not isinstance(form_field, forms.ModelChoiceField) or field_name in entry.fixed, (
            f"{name}.{field_name} chooses records: probe it"
        )
        if _carries_ids(field_name, form_field) and field_name != "reference_date":
            assert field_name in entry.fixed, f"{name}.{field_name}: probe it or say why fixed"


@pytest.mark.parametrize(
    "name", sorted(n for n, e in FORMS.items() if isinstance(e, ProgrammeOnly))
)
def test_a_programme_form_names_its_record_fields(name):
    entry, form_class = FORMS[name], FOUND[name]
    models = {n for n, f in form_class.base_fields.items() if isinstance(f, forms.ModelChoiceField)}
    assert models <= set(entry.fields), f"{name}: list its model choices in `fields`"


# The probes --------------------------------------------------------------------------------


PROBES = [
    pytest.param(name, i, id=f"{name.rsplit('.', 1)[1]}.{probe.field}-{i}")
    for name, entry in FORMS.items()
    if isinstance(entry, Probed)
    for i, probe in enumerate(entry.probes)
]


def _offered(form_field, hostile) -> bool:
    if isinstance(form_field, forms.ModelChoiceField):
        return form_field.queryset.filter(pk=hostile.pk).exists()
    if isinstance(form_field, forms.ChoiceField):
        return str(hostile.pk) in {str(v) for v, _label in form_field.choices}
    return False


@pytest.mark.parametrize(("name", "index"), PROBES)
def test_the_other_clusters_id_is_neither_offered_nor_accepted(web, world, name, index):
    entry = FORMS[name]
    probe = entry.probes[index]
    client = web(world.persona)
    hostile = probe.hostile(world)
    secret = world.other.member.name
    if probe.page is not None:
        page = client.get(probe.page(world))
        assert page.status_code == 200
        form = page.context[probe.context]
        assert type(form) is FOUND[name]
        assert _offered(form.fields[probe.field], hostile) == probe.offered
        assert secret not in page.content.decode()
        # Every field of the live form that may carry an id is probed or fixed.
        probed = {p.field for p in entry.probes}
        for field_name, form_field in form.fields.items():
            if _carries_ids(field_name, form_field) and field_name != "reference_date":
                assert field_name in probed | set(entry.fixed), (
                    f"{name}.{field_name}: probe it or say why its choices are fixed"
                )
    before = probe.state(world)
    data = probe.data(world)
    if probe.files:
        data = {**data, **probe.files()}
    response = client.post(probe.post(world), data, follow=True)
    assert response.status_code == 200
    assert secret not in response.content.decode()
    assert probe.state(world) == before
    if probe.holds is not None:
        assert probe.holds(world)
    form = (response.context or {}).get(probe.context)
    if form is not None and form.is_bound and type(form) is FOUND[name]:
        assert form.errors, "refused without saying why"
    # Junk where an id belongs is refused too, never a 500 (on PostgreSQL neither).
    for junk in ("x", "99999999999999999999", "-1"):
        value = [junk] if isinstance(data[probe.field], list) else junk
        response = client.post(probe.post(world), {**data, probe.field: value}, follow=True)
        assert response.status_code == 200, junk
    assert probe.state(world) == before


@pytest.mark.parametrize(
    ("name", "route"),
    [
        pytest.param(name, route, id=f"{name.rsplit('.', 1)[1]}-{route}")
        for name, entry in FORMS.items()
        if isinstance(entry, ProgrammeOnly)
        for route in entry.routes
    ],
)
def test_a_programme_form_is_closed_to_cluster_managers(web, name, route):
    url_for, statuses = MATRIX[route]
    url = url_for()
    for code, persona in MANAGERS.items():
        assert statuses[persona] in (403, 404, 405), f"{route} is open to {persona}"
        other = Cluster.objects.exclude(code=code).get(code__in=[CLUSTER_A, CLUSTER_B])
        data = {f: other.pk for f in FORMS[name].fields}
        assert web(persona).post(url, data).status_code in (403, 404)


@pytest.mark.parametrize(
    ("name", "index"),
    [
        pytest.param(name, i, id=f"{name.rsplit('.', 1)[1]}.{probe.field}-{i}")
        for name, entry in FORMS.items()
        if isinstance(entry, MemberProbed)
        for i, probe in enumerate(entry.probes)
    ],
)
def test_another_companys_id_is_neither_offered_nor_accepted(web, db, name, index):
    """Member self-service (tests/form_matrix_selfservice.py): the member contact acts for
    its own company only."""
    entry = FORMS[name]
    probe = entry.probes[index]
    w = member_world()
    client = web("member_contact")
    hostile = probe.hostile(w)
    page = client.get(probe.page(w))
    assert page.status_code == 200
    form = page.context["form"]
    assert type(form) is FOUND[name]
    assert not _offered(form.fields[probe.field], hostile)
    assert w.secret.name not in page.content.decode()
    probed = {p.field for p in entry.probes}
    for field_name, form_field in form.fields.items():
        if _carries_ids(field_name, form_field):
            assert field_name in probed | set(entry.fixed), f"{name}.{field_name}: probe it"
    before = probe.state(w)
    response = client.post(probe.post(w), probe.data(w), follow=True)
    assert response.status_code == 200
    assert w.secret.name not in response.content.decode()
    assert probe.state(w) == before
    for junk in ("x", "99999999999999999999", "-1"):
        response = client.post(probe.post(w), {**probe.data(w), probe.field: junk}, follow=True)
        assert response.status_code == 200, junk
    assert probe.state(w) == before


# Ids in a query string -------------------------------------------------------------------


def _api(world: World, client, path: str, params: dict):
    from clustermonitor.accounts import services as account_services
    from clustermonitor.accounts.models import User
    from clustermonitor.core import audit

    user = User.objects.get(username=world.persona)
    key = account_services.create_token(audit.Actor(user, "test"), user, "matrix")[1]
    response = client.get(path, params, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    return response.json()


def _all_own(world: World, records: list) -> bool:
    return bool(records) and all(world.own.cluster.code in r["clusters"] for r in records)


QUERY_STRINGS = {
    # The member lookup searches the registry as the user may see it.
    "members:member-lookup": lambda w, c: (
        w.other.member
        not in c.get(
            reverse("members:member-lookup", args=[w.own.cluster.code]),
            {"q": w.other.member.name},
        ).context["registry"]
    ),
    # The read API filters by cluster within what the caller may see.
    # (a joint record is the caller's too: it comes with their own cluster among its own)
    "api:list_activities": lambda w, c: _all_own(
        w, _api(w, c, reverse("api:list_activities"), {"cluster": w.other.cluster.code})
    ),
    "api:list_memberships": lambda w, c: (
        not _api(w, c, reverse("api:list_memberships"), {"cluster": w.other.cluster.code})
    ),
    "api:list_collaborations": lambda w, c: _all_own(
        w, _api(w, c, reverse("api:list_collaborations"), {"cluster": w.other.cluster.code})
    ),
    "api:list_organisations": lambda w, c: (
        not _api(w, c, reverse("api:list_organisations"), {"q": w.other.member.name})
    ),
}


@pytest.mark.parametrize("route", sorted(QUERY_STRINGS))
def test_the_other_clusters_id_in_a_query_string_finds_nothing(web, world, route):
    assert QUERY_STRINGS[route](world, web(world.persona))
