"""Two-factor sign-in (TOTP) on top of django-otp (docs/access.md).

After the password, a user with an authenticator app gives its code (or a recovery
code); a user whose role sees personal data (the agency's programme and account
managers, evaluators) and has no app yet is sent to enrol before any other page. A
session is *verified* once a code was accepted in it (django-otp's OTPMiddleware).
Every change to someone's second factor is written to the audit log.
"""

import segno
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clustermonitor.accounts.models import Role, User
from clustermonitor.core import audit

#: The roles that see personal data and so must sign in with a second factor.
REQUIRED_FOR = frozenset({Role.PROGRAMME_MANAGER, Role.ACCOUNT_MANAGER, Role.EVALUATOR})
RECOVERY_CODES = 10
TOTP_NAME = "authenticator app"
STATIC_NAME = "recovery codes"

#: Reachable before the second step: the step itself, logging out, the language switch,
#: the public password pages and the health check. The API answers 401 itself.
OPEN_ROUTES = frozenset(
    {
        "accounts:otp-verify",
        "accounts:otp-setup",
        "accounts:logout",
        "accounts:login",
        "accounts:password-reset",
        "accounts:password-reset-done",
        "accounts:password-reset-confirm",
        "set_language",
        "core:healthz",
    }
)
#: Session key: this session's user had no confirmed device when last looked at.
_NO_DEVICE = "otp_no_device"


def required(user) -> bool:
    return bool(REQUIRED_FOR & user.role_set)


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_step(request) -> str | None:
    """ "verify", "setup" or None: what the signed-in user still has to do."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if not request.session.get(_NO_DEVICE):
        if has_device(user):
            return "verify"
        request.session[_NO_DEVICE] = True
    return "setup" if required(user) else None


def session_is_complete(request) -> bool:
    """Whether the session may be used (for the API's session authentication)."""
    return request.user.is_authenticated and pending_step(request) is None


def _next_url(request) -> str:
    target = request.get_full_path()
    return target if request.method == "GET" else reverse("programmes:home")


class SecondFactorMiddleware:
    """Until the second step is done, every page sends the user to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in OPEN_ROUTES or (match and "api" in match.namespaces):
            return None
        step = pending_step(request)
        if step is None:
            return None
        url = reverse(f"accounts:otp-{step}") + "?" + urlencode({"next": _next_url(request)})
        response = HttpResponseRedirect(url)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = url
        return response


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG (no image request, no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, light="#fff", svgclass=None
    )


def secret_text(device: TOTPDevice) -> str:
    from base64 import b32encode

    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


# -- Writes (audited) -------------------------------------------------------------


def pending_totp(user: User) -> TOTPDevice:
    """The unconfirmed device of an enrolment under way (made once, kept until confirmed,
    so that reloading the page shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


@transaction.atomic
def confirm_enrolment(actor: audit.Actor, request, device: TOTPDevice, code: str) -> list | None:
    """Confirm the app with a code it shows; on success mark the session verified and
    return the new recovery codes (shown once), else None."""
    if device.confirmed or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor, "update", device.user, note="two-factor sign-in enabled")
    codes = _new_codes(device.user)
    otp_login(request, device)
    request.session.pop(_NO_DEVICE, None)
    return codes


def _new_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=STATIC_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return codes


@transaction.atomic
def regenerate_codes(actor: audit.Actor, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _new_codes(user)
    audit.record(actor, "update", user, note="recovery codes regenerated")
    return codes


def verify(request, code: str):
    """Check a code from the app or a recovery code; mark the session verified. Returns
    the device that accepted it, or None. Wrong codes are throttled per device (1, 2,
    4 ... seconds)."""
    user = request.user
    code = "".join(code.split()).lower()
    # Six digits go to the app, anything else to the recovery codes: a wrong try then
    # slows down only the device it was meant for.
    if code.isdigit() and len(code) == 6:
        device = confirmed_totp(user)
    else:
        device = StaticDevice.objects.filter(user=user).first()
    if device is not None:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                otp_login(request, locked)
                if isinstance(locked, StaticDevice):
                    note = "recovery code used"
                    audit.record(audit.Actor(user, "web"), "update", user, note=note)
                return locked
    return None


def throttled(user) -> bool:
    device = confirmed_totp(user)
    return device is not None and not device.verify_is_allowed()[0]


@transaction.atomic
def reset(actor: audit.Actor, user: User, note: str = "two-factor sign-in reset") -> bool:
    """Remove someone's app and recovery codes (lost phone). A role that needs the second
    factor enrols again at the next sign-in."""
    removed = TOTPDevice.objects.filter(user=user).delete()[0]
    removed += StaticDevice.objects.filter(user=user).delete()[0]
    if removed:
        audit.record(actor, "update", user, note=note)
    return bool(removed)


def totp_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the app shows (now, or at the time `at`): for the tests and scripts."""
    calc = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        calc.time = at
    return str(calc.token()).zfill(device.digits)
