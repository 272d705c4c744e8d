"""Officials, supervisors and administrators must pass a second factor before any page opens."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Pages that a signed-in user must reach before the second factor is verified.
_EXEMPT_URL_NAMES = {
    "accounts:otp_setup",
    "accounts:otp_verify",
    "accounts:logout",
    "set_language",
    "healthz",
    "readyz",
}


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths: set[str] | None = None

    def _is_exempt(self, path: str) -> bool:
        if self._exempt_paths is None:
            self._exempt_paths = {reverse(name) for name in _EXEMPT_URL_NAMES}
        return (
            path in self._exempt_paths
            or path.startswith(settings.STATIC_URL)
            # The API answers 403 itself (approvals.api.permissions), never with a redirect.
            or path.startswith("/api/")
        )

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.requires_second_factor
            and not user.is_verified()
            and not self._is_exempt(request.path_info)
        ):
            from django_otp import devices_for_user

            has_device = any(True for _ in devices_for_user(user, confirmed=True))
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
