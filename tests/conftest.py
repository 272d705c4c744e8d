import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

# The browser harness: one Playwright and one Chromium per worker process, for every browser test.
from tests.browser_support import browser, open_page, signed_in_page  # noqa: F401
from tests.factories import DEFAULT_PASSWORD

# Deadlines are counted on the official holiday calendar, which ends where the published schedules
# end (2026 at the time of writing). So that no test depends on the real date, every test runs on
# a fixed working day well inside the calendar; the clock ticks on from there, so timestamps still
# advance. A test that needs another day travels there itself (time_machine.travel), and one that
# needs the real clock is marked ``real_clock``.
FIXED_NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    with time_machine.travel(FIXED_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _calendar_seeded(request):
    """The working-day calendar as migration 0005 seeds it, for every database test.
    Transactional tests elsewhere in the same worker flush every table, the migration's rows
    included (PostgreSQL truncates); seed again then, with the same function the migration
    calls."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from approvals.models import CalendarDay, CalendarYear
    from approvals.models.working_calendar import seed_from_package

    if not CalendarYear.objects.exists():
        seed_from_package(year_model=CalendarYear, day_model=CalendarDay, first=2004, last=2026)


@pytest.fixture(autouse=True)
def _celery_join_flag_reset():
    """Eager tasks (test settings) run inside Celery's ``denied_join_result()``, which saves and
    restores a process-wide flag; tests that submit from several threads at once interleave the
    save and the restore and leave it set, and every later ``.delay().get()`` in the process then
    fails with "Never call result.get() within a task!"."""
    yield
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits, sign-in slow-downs and cached counts live in the cache, and the working-day
    calendar in a process cache: each test starts with none of another test's, and leaves none
    (a rolled-back calendar edit must not linger)."""
    from django.core.cache import cache

    from approvals.models import working_calendar as calendar_cache

    cache.clear()
    calendar_cache.clear_cache()
    yield
    cache.clear()
    calendar_cache.clear_cache()


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


@pytest.fixture
def client_for():
    """``client_for(user, language="en")``: a browser signed in as ``user`` (each call is another
    device)."""

    def make(user, language: str = "en"):
        from django.test import Client

        client = Client(headers={"accept-language": language})
        client.force_login(user, backend="accounts.backends.EmailOrMobileBackend")
        return client

    return make


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def sms_outbox(settings):
    """The text messages sent during the test, as ``(mobile, text)`` pairs."""
    from tests.support import RecordingSMSBackend

    settings.SMS_BACKEND = "tests.support.RecordingSMSBackend"
    RecordingSMSBackend.sent.clear()
    yield RecordingSMSBackend.sent
    RecordingSMSBackend.sent.clear()
