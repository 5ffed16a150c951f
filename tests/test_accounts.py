"""Login, logout, password change, API tokens on the profile page."""

import pytest
from django.test import Client
from django.urls import reverse

from clustermonitor.accounts.models import ApiToken, RoleAssignment, User
from clustermonitor.core.models import AuditEntry
from tests.conftest import PASSWORD

LOGIN = reverse("accounts:login")


def test_it_logs_in_and_lands_on_the_home_page(db):
    response = Client().post(LOGIN, {"username": "evaluator", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("programmes:home")


@pytest.mark.parametrize(
    "credentials",
    [{"username": "evaluator", "password": "wrong"}, {"username": "nobody", "password": PASSWORD}],
)
def test_a_wrong_login_gives_the_same_message_either_way(db, credentials):
    response = Client().post(LOGIN, credentials)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Je gebruikersnaam en wachtwoord komen niet overeen" in html
    assert "nobody" not in html.split("<form")[0]


def test_it_logs_out_with_a_post(client_for):
    client = client_for("evaluator")
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("programmes:portfolio")).status_code == 302


def test_it_changes_the_password_audited_without_the_hash(client_for):
    client = client_for("evaluator")
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass-123",
            "new_password2": "a-new-long-pass-123",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="evaluator").check_password("a-new-long-pass-123")
    entry = AuditEntry.objects.filter(note="password changed").get()
    assert entry.actor.username == "evaluator"
    assert not any(
        "pbkdf2" in str(e.after) or "md5" in str(e.after) for e in AuditEntry.objects.all()
    )


def test_a_weak_new_password_is_a_field_error(client_for):
    response = client_for("evaluator").post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
    )
    assert response.status_code == 200 and response.context["form"].errors["new_password2"]


def test_it_creates_shows_once_and_revokes_a_token(client_for):
    client = client_for("evaluator")
    response = client.post(reverse("accounts:profile"), {"name": "notebook"})
    key = response.context["new_key"]
    assert key.startswith("cm_") and key in response.content.decode()
    assert key not in client.get(reverse("accounts:profile")).content.decode()
    token = ApiToken.objects.get(user__username="evaluator")
    client.post(reverse("accounts:token-delete", args=[token.pk]), {"confirmed": "yes"})
    assert not ApiToken.objects.exists()


def test_one_cannot_revoke_anothers_token(client_for):
    from clustermonitor.accounts import services
    from clustermonitor.core import audit

    owner = User.objects.get(username="evaluator")
    token, _ = services.create_token(audit.Actor(owner, "test"), owner, "x")
    response = client_for("cluster_manager_a").post(
        reverse("accounts:token-delete", args=[token.pk]), {"confirmed": "yes"}
    )
    assert response.status_code == 404 and ApiToken.objects.filter(pk=token.pk).exists()


def test_a_cluster_role_needs_a_cluster(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        RoleAssignment(
            user=User.objects.get(username="evaluator"), role="cluster_manager"
        ).full_clean()


def test_a_deactivated_user_has_no_roles(db):
    user = User.objects.get(username="programme_manager")
    user.is_active = False
    assert user.role_set == frozenset()


def test_the_roles_and_the_managed_clusters_are_read_in_one_query(
    persona, django_assert_num_queries
):
    # Every signed-in request reads both (the access rules' inputs): one query for the two.
    user = User.objects.get(pk=persona("cluster_manager_a").pk)
    with django_assert_num_queries(1):
        roles, managed = user.role_set, user.managed_cluster_ids
    held = RoleAssignment.objects.filter(user=user)
    assert roles == set(held.values_list("role", flat=True))
    assert managed == set(held.filter(role="cluster_manager").values_list("cluster_id", flat=True))
    assert managed  # the persona manages a cluster: the check above compares something
    user.is_active = False
    del user.role_set, user.managed_cluster_ids, user._roles_held
    assert user.role_set == frozenset() and user.managed_cluster_ids == frozenset()
