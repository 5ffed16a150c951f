"""django-otp's middleware, with the session's device kept in the shared cache for one
generation of the records (core.sharedcache), like the signed-in user
(accounts.backends): a kept page then reads no row for the second factor either. A
device confirmed, throttled, used or removed is a committed write and starts a new
generation; without a shared cache the device is read on every request, as django-otp
does."""

from django.contrib.auth import SESSION_KEY
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from clustermonitor.core import sharedcache


class KeptDeviceOTPMiddleware(OTPMiddleware):
    def __call__(self, request):
        # The signed-in user, the session's device and the version of the records, that
        # every kept page reads next: one round trip to the shared cache for the three.
        session = getattr(request, "session", None)
        user_id = session.get(SESSION_KEY) if session is not None else None
        if user_id is not None:
            device = session.get(DEVICE_ID_SESSION_KEY)
            names = [f"user:{user_id}", "records-version"]
            sharedcache.prefetch(*names, *([f"otp-device:{device}"] if device else []))
        return super().__call__(request)

    def _device_from_persistent_id(self, persistent_id: str):
        parent = super()._device_from_persistent_id
        return sharedcache.mirrored(f"otp-device:{persistent_id}", lambda: parent(persistent_id))
