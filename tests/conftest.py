import pytest

# The browser harness: one Playwright and one Chromium per worker process, for every browser test.
from tests.browser_support import browser, open_page  # noqa: F401
from tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Every test writes files into its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def verified_client_factory(db):
    """``make(user)``: a test client signed in as ``user`` who has passed the second factor, as
    officials, supervisors and admin users must before any page opens."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def make(user) -> Client:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        client = Client()
        client.force_login(user, backend="accounts.backends.EmailOrMobileBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return make
