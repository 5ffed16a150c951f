"""The programme manager gives people accounts and roles; they choose their password."""

import re

from django.core import mail
from django.test import Client
from django.urls import reverse

from clustermonitor.accounts.models import RoleAssignment, User
from clustermonitor.core.models import AuditEntry
from clustermonitor.programmes.models import Cluster


def _new_cluster_manager(client):
    return client.post(
        reverse("accounts:user-create"),
        {
            "username": "katrien",
            "first_name": "Katrien",
            "last_name": "Peeters",
            "email": "katrien@example.org",
            "role": "cluster_manager",
            "cluster": Cluster.objects.get(code="COAT").pk,
        },
    )


def test_journey_an_invited_cluster_manager_sets_a_password_and_logs_in(client_for):
    response = _new_cluster_manager(client_for("programme_manager"))
    user = User.objects.get(username="katrien")
    assert response["Location"] == reverse("accounts:user-detail", args=[user.pk])
    assert not user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["katrien@example.org"] and "katrien" in message.body
    link = re.search(r"https?://\S+", message.body).group(0)
    visitor = Client()
    form_page = visitor.get(link, follow=True)
    assert form_page.context["validlink"]
    new = "een-lang-wachtwoord-2026"
    done = visitor.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302
    login = visitor.post(reverse("accounts:login"), {"username": "katrien", "password": new})
    assert login.status_code == 302
    assert visitor.get(reverse("programmes:target-list", args=["COAT"])).status_code == 200
    assert visitor.get(reverse("programmes:target-list", args=["BIM"])).status_code == 404
    # The link works once.
    assert not Client().get(link, follow=True).context["validlink"]


def test_a_cluster_manager_without_a_cluster_is_refused(client_for):
    response = client_for("programme_manager").post(
        reverse("accounts:user-create"),
        {"username": "x", "email": "x@example.org", "role": "cluster_manager", "cluster": ""},
    )
    assert response.status_code == 200 and response.context["form"].errors["cluster"]
    assert not User.objects.filter(username="x").exists()


def test_a_taken_username_is_refused(client_for):
    response = client_for("programme_manager").post(
        reverse("accounts:user-create"),
        {"username": "Evaluator", "email": "x@example.org", "role": "evaluator"},
    )
    assert response.context["form"].errors["username"]


def test_roles_are_added_and_removed_audited(client_for):
    client = client_for("programme_manager")
    evaluator = User.objects.get(username="evaluator")
    url = reverse("accounts:user-detail", args=[evaluator.pk])
    client.post(url, {"role": "account_manager", "cluster": ""})
    assignment = RoleAssignment.objects.get(user=evaluator, role="account_manager")
    again = client.post(url, {"role": "account_manager", "cluster": ""})
    assert again.status_code == 200 and again.context["form"].non_field_errors()
    client.post(reverse("accounts:role-remove", args=[assignment.pk]), {"confirmed": "yes"})
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    actions = list(
        AuditEntry.objects.filter(
            content_type__model="roleassignment", object_id=str(assignment.pk)
        ).values_list("action", flat=True)
    )
    assert sorted(actions) == ["create", "delete"]


def test_a_programme_manager_keeps_their_own_role_and_account(client_for):
    client = client_for("programme_manager")
    me = User.objects.get(username="programme_manager")
    client.post(
        reverse("accounts:role-remove", args=[me.role_assignments.get().pk]), {"confirmed": "yes"}
    )
    client.post(reverse("accounts:user-set-active", args=[me.pk]), {"active": "0"})
    me.refresh_from_db()
    assert me.is_active and me.role_assignments.exists()


def test_a_deactivated_account_cannot_log_in(client_for):
    from tests.conftest import PASSWORD

    person = User.objects.get(username="member_contact")
    client_for("programme_manager").post(
        reverse("accounts:user-set-active", args=[person.pk]), {"active": "0"}
    )
    login = {"username": "member_contact", "password": PASSWORD}
    assert Client().post(reverse("accounts:login"), login).status_code == 200  # the form again


def test_others_cannot_manage_users(client_for):
    evaluator = User.objects.get(username="evaluator")
    url = reverse("accounts:user-set-active", args=[evaluator.pk])
    assert client_for("account_manager").post(url, {"active": "0"}).status_code == 403
    assert client_for("cluster_manager_a").post(url, {"active": "0"}).status_code == 404
    assert User.objects.get(pk=evaluator.pk).is_active


def test_forgot_password_says_the_same_for_known_and_unknown_addresses(db):
    User.objects.filter(username="evaluator").update(email="els@example.org")
    url = reverse("accounts:password-reset")
    unknown = Client().post(url, {"email": "nobody@example.org"})
    known = Client().post(url, {"email": "els@example.org"})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert [m.to for m in mail.outbox] == [["els@example.org"]]
