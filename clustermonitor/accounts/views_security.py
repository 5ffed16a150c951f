"""Two-factor sign-in and login lockouts: the user's own steps and the programme
manager's unlock and reset (docs/access.md)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clustermonitor.accounts import access, lockout, twofactor
from clustermonitor.accounts.forms import CodeForm
from clustermonitor.accounts.models import User
from clustermonitor.core import audit, confirm


def _home():
    return reverse("programmes:home")


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of the sign-in: a code from the app, or a recovery code."""
    next_url = twofactor.safe_next(request, _home())
    if twofactor.pending_step(request) != "verify":
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.throttled(request.user):
            form.add_error(None, _("Too many wrong codes. Wait a moment and try again."))
        elif twofactor.verify(request, form.cleaned_data["code"]):
            return redirect(next_url)
        else:
            form.add_error("code", _("This code is not valid. Try the next code of the app."))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol an authenticator app: QR code, the secret as text, a code to confirm; then
    the recovery codes, shown once."""
    next_url = twofactor.safe_next(request, _home())
    step = twofactor.pending_step(request)
    if step == "verify":
        return redirect(reverse("accounts:otp-verify") + "?" + request.GET.urlencode())
    if twofactor.has_device(request.user):
        return redirect("accounts:profile")
    device = twofactor.pending_totp(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(
            audit.Actor(request.user, "web"), request, device, form.cleaned_data["code"]
        )
        if codes is not None:
            return render(
                request,
                "accounts/otp_codes.html",
                {"codes": codes, "next": next_url, "enrolled": True},
            )
        form.add_error("code", _("This code is not valid. Check the time on your phone."))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": twofactor.qr_svg(device),
            "secret": twofactor.secret_text(device),
            "label": f"{settings.OTP_TOTP_ISSUER}: {request.user.get_username()}",
            "required": twofactor.required(request.user),
        },
    )


@login_required
@require_POST
def otp_codes(request):
    """New recovery codes (the old ones stop working), shown once."""
    if not twofactor.has_device(request.user):
        return redirect("accounts:profile")
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("New recovery codes"),
            question=_("Make new recovery codes? The old ones stop working at once."),
            button=_("Yes, make new codes"),
            cancel_url=reverse("accounts:profile"),
        )
    codes = twofactor.regenerate_codes(audit.Actor(request.user, "web"), request.user)
    return render(
        request,
        "accounts/otp_codes.html",
        {"codes": codes, "next": reverse("accounts:profile"), "enrolled": False},
    )


@login_required
@require_POST
def otp_disable(request):
    """Switch two-factor sign-in off: only where the role does not require it."""
    if twofactor.required(request.user):
        messages.error(request, _("Your role requires two-factor sign-in."))
    elif not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Switch two-factor sign-in off"),
            question=_(
                "Switch two-factor sign-in off? Your authenticator app and recovery codes "
                "are removed; to switch it on again you set it up anew."
            ),
            button=_("Yes, switch it off"),
            cancel_url=reverse("accounts:profile"),
        )
    elif twofactor.reset(
        audit.Actor(request.user, "web"), request.user, note="two-factor sign-in switched off"
    ):
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:profile")


# -- Programme manager -----------------------------------------------------------------


@login_required
@require_POST
def user_otp_reset(request, pk):
    """Remove a person's authenticator app and recovery codes (a lost phone)."""
    access.require_user_admin(request.user)
    person = get_object_or_404(User, pk=pk)
    if not confirm.confirmed(request):
        return confirm.ask(
            request,
            title=_("Reset two-factor sign-in"),
            question=_(
                "Reset the two-factor sign-in of %(name)s? Their authenticator app and "
                "recovery codes are removed; they set it up again at the next sign-in."
            )
            % {"name": person.username},
            button=_("Yes, reset it"),
            cancel_url=reverse("accounts:user-detail", args=[person.pk]),
        )
    if twofactor.reset(audit.Actor(request.user, "web"), person):
        messages.success(
            request,
            _("Two-factor sign-in was reset; %(name)s sets it up again at the next sign-in.")
            % {"name": person.username},
        )
    return redirect("accounts:user-detail", person.pk)


@login_required
def lockout_list(request):
    """Usernames and addresses locked out now after too many wrong passwords."""
    access.require_user_admin(request.user)
    return render(
        request,
        "accounts/lockout_list.html",
        {"locks": lockout.current_locks(), "cooloff_minutes": lockout.cooloff_minutes()},
    )


@login_required
@require_POST
def lockout_unlock(request):
    access.require_user_admin(request.user)
    username = request.POST.get("username", "")[:150]
    address = request.POST.get("address", "")[:45]
    if lockout.unlock(audit.Actor(request.user, "web"), username=username, address=address):
        messages.success(request, _("Unlocked: %(what)s.") % {"what": username or address})
    person = User.objects.filter(username=username).first() if username else None
    if person is not None and request.POST.get("back") == "user":
        return redirect("accounts:user-detail", person.pk)
    return redirect("accounts:lockout-list")
