"""Helpers for the sign-in, sign-up and two-factor page tests."""

import re
from urllib.parse import urlencode

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import DEFAULT_PASSWORD

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def sign_in(client, identifier, password=DEFAULT_PASSWORD, *, next_url=None, **extra):
    """Post the sign-in form the way a browser does."""
    url = reverse("accounts:login")
    if next_url is not None:
        url += "?" + urlencode({"next": next_url})
    data = {"username": identifier, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(url, data, **extra)


def totp_code(device) -> str:
    """The code an authenticator app holding this device's key shows right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def page_without_csrf(response) -> str:
    """The body with the per-request CSRF token blanked, so two pages can be compared."""
    return _CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())
