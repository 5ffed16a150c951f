"""django-otp's middleware, with the session's device kept in the shared cache for one
generation of the records (core.sharedcache), like the signed-in user
(accounts.backends): a kept page then reads no row for the second factor either. A
device confirmed, throttled, used or removed is a committed write and starts a new
generation; without a shared cache the device is read on every request, as django-otp
does."""

from django_otp.middleware import OTPMiddleware

from clustermonitor.core import sharedcache


class KeptDeviceOTPMiddleware(OTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str):
        parent = super()._device_from_persistent_id
        return sharedcache.mirrored(f"otp-device:{persistent_id}", lambda: parent(persistent_id))
