from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access, lockout, reset, services, twofactor
from clustermonitor.accounts.forms import ApiTokenForm, RoleForm, UserCreateForm
from clustermonitor.accounts.models import ApiToken, Role, RoleAssignment, User
from clustermonitor.core import audit, confirm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_password_change(audit.Actor(self.request.user, "web"), self.request.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    """The user's own page: roles, password, API tokens."""
    new_key = None
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            _token, new_key = services.create_token(
                audit.Actor(request.user, "web"), request.user, form.cleaned_data["name"]
            )
            form = ApiTokenForm()
    else:
        form = ApiTokenForm()
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "tokens": request.user.api_tokens.all(),
            "new_key": new_key,
            "has_device": twofactor.has_device(request.user),
            "otp_required": twofactor.required(request.user),
        },
    )


@login_required
@require_POST
def token_delete(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Revoke the token"),
            question=_("Revoke the token “%(name)s”? This cannot be undone.")
            % {"name": token.name},
            details=[_("A program that uses it is refused from now on.")],
            button=_("Yes, revoke it"),
            cancel_url=reverse("accounts:profile"),
        )
    services.revoke_token(audit.Actor(request.user, "web"), token)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:profile")


# -- User management (programme manager) ---------------------------------------------


@login_required
def user_list(request):
    access.require_user_admin(request.user)
    users = User.objects.prefetch_related("role_assignments__cluster").order_by("username")
    return render(request, "accounts/user_list.html", {"users": users})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    access.require_user_admin(request.user)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = services.create_user(
            audit.Actor(request.user, "web"),
            username=data["username"],
            password=None,
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            cluster=data["cluster"],
        )
        services.send_invitation(user, request.build_absolute_uri("/"))
        messages.success(
            request,
            _("Account created; %(email)s received a link to choose a password.")
            % {"email": user.email},
        )
        return redirect("accounts:user-detail", user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, pk):
    person = access.managed_user(request.user, User.objects, pk)
    form = RoleForm(request.POST or None, user=person)
    if request.method == "POST" and form.is_valid():
        services.assign_role(
            audit.Actor(request.user, "web"),
            person,
            form.cleaned_data["role"],
            form.cleaned_data["cluster"],
        )
        messages.success(request, _("Role added."))
        return redirect("accounts:user-detail", person.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "form": form,
            "assignments": person.role_assignments.select_related("cluster"),
            "has_device": twofactor.has_device(person),
            "otp_required": twofactor.required(person),
            "lock": lockout.lock_of(person.username),
        },
    )


@login_required
@require_POST
def role_remove(request, pk):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user"), pk=pk)
    access.require_user_admin(request.user)
    if assignment.user_id == request.user.pk and assignment.role == Role.PROGRAMME_MANAGER:
        messages.error(request, _("You cannot take away your own programme manager role."))
    elif not confirm.confirmed(request):
        role = Role(assignment.role).label
        if assignment.cluster_id:
            role = f"{role} ({assignment.cluster.code})"
        return confirm.ask(
            request,
            title=_("Remove the role"),
            question=_("Take the role “%(role)s” away from %(name)s?")
            % {"role": role, "name": assignment.user.get_full_name() or assignment.user},
            details=[_("The pages of that role close for them at once.")],
            button=_("Yes, remove the role"),
            cancel_url=reverse("accounts:user-detail", args=[assignment.user_id]),
        )
    else:
        services.remove_role(audit.Actor(request.user, "web"), assignment)
        messages.success(request, _("Role removed."))
    return redirect("accounts:user-detail", assignment.user_id)


@login_required
@require_POST
def user_set_active(request, pk):
    person = access.managed_user(request.user, User.objects, pk)
    active = request.POST.get("active") == "1"
    if person.pk == request.user.pk and not active:
        messages.error(request, _("You cannot deactivate your own account."))
    else:
        services.set_active(audit.Actor(request.user, "web"), person, active)
        messages.success(request, _("Account activated.") if active else _("Account deactivated."))
    return redirect("accounts:user-detail", person.pk)


@login_required
@require_POST
def user_invite(request, pk):
    person = access.managed_user(request.user, User.objects, pk)
    if not person.email:
        messages.error(request, _("This account has no e-mail address."))
    else:
        services.send_invitation(person, request.build_absolute_uri("/"))
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": person.email})
    return redirect("accounts:user-detail", person.pk)


class PasswordResetView(auth_views.PasswordResetView):
    """The mail goes out from a task: known and unknown addresses take the same time."""

    template_name = "accounts/password_reset.html"
    form_class = reset.PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_password_change(audit.Actor(form.user, "web"), form.user)
        messages.success(self.request, _("Your password has been set. You can log in now."))
        return response
