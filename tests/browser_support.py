"""The browser harness: Debian's Chromium driven by Playwright against a live test server.

Its fixtures are registered once, in tests/conftest.py, so that one Playwright instance serves
every browser test of a worker process (a second one in the same thread fails).

Playwright's own browser download cannot work here (no network); the project installs Debian's
``chromium`` (scripts/install-system-packages.sh --browser) and launches it by path, with the flags
that keep it from reaching for the network. axe-core comes from npm (package.json) and is injected
into each page checked.
"""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from tests.accounts.views.auth_helpers import totp_code
from tests.factories import DEFAULT_PASSWORD

# Playwright's sync API runs an event loop in this thread; the live server's database work happens
# in its own thread, and the test's own ORM calls are synchronous by design.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
LOCALES = {"en": "en-US", "zh-hans": "zh-CN"}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-packages.sh --browser")
    from playwright.sync_api import expect, sync_playwright

    # A shared two-core CI machine runs the suites two at a time: a page that renders and seals
    # PDFs in the request (eager Celery) can take longer than the assertions' default 5 s. The
    # same 15 s as the contexts' actions and navigations (``open_page``).
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django"


def _require_compiled_catalogue() -> None:
    """A Chinese journey on an uncompiled (or stale) catalogue would quietly run in English."""
    po, mo = CATALOGUE.with_suffix(".po"), CATALOGUE.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        pytest.fail(f"{mo} is missing or older than the .po: run scripts/compile-messages.sh")


@pytest.fixture
def open_page(browser, live_server):
    """``open_page(language, viewport=DESKTOP)`` → a page in a fresh browser context whose
    Accept-Language asks for ``language``. CSP is bypassed only so that axe-core can be injected."""
    contexts = []

    def _open(language: str = "zh-hans", viewport: dict | None = None):
        if language != "en":
            _require_compiled_catalogue()
        context = browser.new_context(
            locale=LOCALES[language],
            viewport=viewport or DESKTOP,
            base_url=live_server.url,
            bypass_csp=True,
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def signed_in_page(open_page, live_server, verified_client_factory):
    """``signed_in_page(user, language, viewport=None)`` → a page whose browser carries a session
    of ``user`` made by the test client (an official's has passed the second factor)."""

    def _open(user, language: str = "zh-hans", viewport: dict | None = None):
        if user.requires_second_factor:
            session_client = verified_client_factory(user)
        else:
            from django.test import Client

            session_client = Client()
            session_client.force_login(user, backend="accounts.backends.EmailOrMobileBackend")
        page = open_page(language, viewport)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        return page

    return _open


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page; the violations of the given impacts, with their targets."""
    if not AXE_SCRIPT.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    # A page that a click is still loading has no <head> yet to take the script.
    page.wait_for_load_state()
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]],
        }
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def screenshots(page, name: str) -> None:
    """The page at phone and desktop widths, for a person to look at; nothing wider than the
    screen."""
    for width_name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        screenshot(page, f"{name}-{width_name}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} overflows at {viewport['width']} px"


def no_serious_axe_violations(page) -> None:
    assert axe_violations(page) == [], page.url


# --- What the journeys do on the pages, and the texts they look for -----------------------------

# The demo food-retail service's texts the journeys choose and read.
APPLICATION_TEXT = {
    "en": {"retail": "Food retail", "submitted": "Submitted, awaiting intake"},
    "zh-hans": {"retail": "食品销售", "submitted": None},
}
# What the one window's desk says once a 一件事 case is sent a supplement notice, or accepted.
THEME_SUPPLEMENT_SENT = {
    "en": "One supplement notice covering every service is sent",
    "zh-hans": "涵盖全部事项的一次性补正告知已发出",
}
THEME_CASE_ACCEPTED = {"en": "The case is accepted as a whole", "zh-hans": "一件事已整体受理"}
SIGN_UP_PASSWORD = "a long demo passphrase 2026"


def png_bytes() -> bytes:
    """A small real PNG, as a page's file input is given it."""
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _sign_in_with_password(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()


def citizen_signs_in(page, user) -> None:
    """Password only, landing on the account's home page."""
    _sign_in_with_password(page, user)
    expect(page).to_have_url(re.compile(r"/accounts/$"))


def official_signs_in(page, user) -> None:
    """Password, then the six-digit code the official's authenticator app shows."""
    _sign_in_with_password(page, user)
    expect(page).to_have_url(re.compile(r"/two-factor/verify/"))
    page.fill("#id_token", totp_code(user.totpdevice_set.get()))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/$"))


def sign_up(page, record, *, mobile: str, email: str) -> None:
    """On the sign-up page: the registry's name and ID number (typed in lower case), a mobile
    number, an e-mail address and a passphrase; then the link in the e-mail, which opens the
    account's home page."""
    page.fill("#id_real_name", record.name)
    page.fill("#id_id_number", record.id_number.lower())
    page.fill("#id_mobile", mobile)
    page.fill("#id_email", email)
    page.fill("#id_password1", SIGN_UP_PASSWORD)
    page.fill("#id_password2", SIGN_UP_PASSWORD)
    page.locator("form[novalidate] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/sent/$"))
    message = next(m for m in reversed(mail.outbox) if m.to == [email])
    link = re.search(r"https?://\S+(/accounts/signup/confirm/\S+/)", message.body).group(1)
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/accounts/$"))


def attach_floor_plan(page, name: str = "plan.png") -> None:
    """On the materials step: upload the floor plan and see it listed."""
    page.set_input_files(
        "#file-floor-plan", files=[{"name": name, "mimeType": "image/png", "buffer": png_bytes()}]
    )
    page.locator("#material-floor-plan form.upload-form button").click()
    expect(page.locator("#material-floor-plan")).to_contain_text(name)


def open_task_from_queue(page, application) -> None:
    page.goto("/work/queue/")
    page.get_by_role("link", name=application.tracking_number).click()
    expect(page).to_have_url(re.compile(r"/work/tasks/\d+/$"))


def act(page, action: str, **fields) -> None:
    """On a task's page: open the action, fill its fields, send it."""
    page.locator(f"#action-{action} summary").click()
    for name, value in fields.items():
        page.fill(f"#id_{action}-{name}", value)
    page.locator(f"#action-{action} button[type=submit]").click()
