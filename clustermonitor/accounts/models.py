import hashlib
import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", _("programme manager")
    ACCOUNT_MANAGER = "account_manager", _("account manager")
    CLUSTER_MANAGER = "cluster_manager", _("cluster manager")
    EVALUATOR = "evaluator", _("evaluator")
    MEMBER_CONTACT = "member_contact", _("member contact")
    #: The grant cycle (issue 19): a jury member (external experts included) sees only
    #: the applications assigned to them; an applicant only their own applications.
    REVIEWER = "reviewer", _("reviewer")
    APPLICANT = "applicant", _("applicant")


#: Roles that act for one cluster and therefore need one.
CLUSTER_ROLES = {Role.CLUSTER_MANAGER}


class User(AbstractUser):
    """A person who logs in. What they may do comes from their role assignments."""

    #: Personal data: the audit log keeps their pseudonym only (core.audit.pseudonym).
    AUDIT_PERSONAL_FIELDS = ("email", "first_name", "last_name")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @cached_property
    def _roles_held(self) -> tuple[tuple[str, int | None], ...]:
        """(role, cluster id) of each of the user's assignments: one query for both
        `role_set` and `managed_cluster_ids`, which every signed-in request reads."""
        if not self.pk or not self.is_active:
            return ()
        return tuple(self.role_assignments.values_list("role", "cluster_id"))

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(role for role, _cluster in self._roles_held)

    @cached_property
    def managed_cluster_ids(self) -> frozenset[int]:
        return frozenset(
            cluster
            for role, cluster in self._roles_held
            if role == Role.CLUSTER_MANAGER and cluster is not None
        )

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in sorted(self.role_set)]


class RoleAssignment(models.Model):
    """A user holds a role, for one cluster where the role needs one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    cluster = models.ForeignKey(
        "programmes.Cluster",
        verbose_name=_("cluster"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "cluster"], name="unique_role_per_cluster"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(cluster__isnull=True),
                name="unique_global_role",
            ),
        ]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self):
        label = Role(self.role).label
        return f"{self.user} – {label}" + (f" ({self.cluster.code})" if self.cluster_id else "")

    def clean(self):
        if self.role in CLUSTER_ROLES and not self.cluster_id:
            raise ValidationError({"cluster": _("A cluster manager needs a cluster.")})
        if self.role not in CLUSTER_ROLES and self.cluster_id:
            raise ValidationError({"cluster": _("This role is not tied to one cluster.")})


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def new_key(cls) -> str:
        return "cm_" + secrets.token_urlsafe(32)
