"""The supervisor's journey in the browser (电子监察): an application of the planning permit
goes through the window and the planning department; the housing reviewer opens its task and asks
for the applicant's full ID number; the housing task runs late and the deadline sweep gives it a
red card. The supervisor then signs in with password and two-factor code, finds the application's
timeline in the admin by its tracking number, filters the audit trail by "Full ID number shown" to
see who looked, verifies the audit chain and opens the supervision dashboard. Every page kind is
checked with axe-core, and the supervision pages are photographed at phone and desktop widths.
A supervisor without an authenticator app sets one up at the first sign-in."""

import base64
import datetime as dt
import re

import pytest
from django.utils import translation
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.models import OfficialRole
from approvals.models import RectificationTask, ReviewTask, ServiceRating
from approvals.selectors.audit_labels import action_label
from approvals.services.intake import intake_accept
from approvals.services.ratings import rating_submit
from approvals.services.sweep import sweep_deadlines
from approvals.services.tasks import task_approve
from audit.models import AuditEvent
from tests.accounts.views.auth_helpers import confirmed_device, totp_code
from tests.approvals.review import conftest as review
from tests.approvals.supervision import conftest as supervision
from tests.browser_support import DESKTOP, PHONE, axe_violations, screenshot
from tests.factories import DEFAULT_PASSWORD, ApplicationFactory, OfficialFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The review tests' planning permit on its own departments and officials; the supervision tests'
# signing key per test and fresh caches.
demo = review.demo
_signing_key = supervision._signing_key

LANGUAGES = ["zh-hans", "en"]
# A raw action code such as "person.id_number_revealed" instead of its label.
ACTION_CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def supervisor(demo):
    """A supervisor of the city who may read the admin, with an authenticator app enrolled."""
    user = OfficialFactory(
        department=demo.other, role=OfficialRole.SUPERVISOR, user__is_staff=True
    ).user
    supervision.grant_supervisor_view(user)
    confirmed_device(user)
    return user


@pytest.fixture
def late_application(demo):
    """Accepted at the window, approved by planning, still open at housing and fire; the sweep
    run on the day after the tasks' due date lights them red and issues red cards."""
    application = ApplicationFactory(service_version=demo.version, submitted=True)
    application = intake_accept(
        actor=demo.clerk, application=application, revision=application.revision
    )
    planning = ReviewTask.objects.get(application=application, branch_key="planning")
    task_approve(
        actor=demo.reviewers["planning"],
        task=planning,
        revision=planning.revision,
        comment="Conforms to the plan",
    )
    return application


def sweep_after(task: ReviewTask) -> None:
    sweep_deadlines(today=task.due_on + dt.timedelta(days=1))


def sign_in_with_two_factor(page, user, device) -> None:
    """Password on the sign-in page, then the authenticator's current code."""
    page.fill("#id_username", user.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/verify/"))
    page.fill("#id_token", totp_code(device))
    page.locator("main form button[type=submit]").click()


def label(action: str, language: str) -> str:
    with translation.override(language):
        return str(action_label(action))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_supervisor_finds_the_timeline_and_who_saw_the_id_number(
    demo, late_application, supervisor, official_page, open_page, language
):
    application = late_application
    housing = ReviewTask.objects.get(application=application, branch_key="housing")
    reviewer = demo.reviewers["housing"]
    # given the housing reviewer asked for the applicant's full ID number on the task page
    official = official_page(reviewer, language)
    official.goto(f"/work/tasks/{housing.pk}/")
    official.get_by_test_id("reveal-id").click()
    expect(official.locator("main")).to_contain_text(application.person.id_number)
    # and the housing task ran late: the sweep gave it a red card
    sweep_after(housing)
    assert AuditEvent.objects.filter(action="person.id_number_revealed").count() == 1

    # when the supervisor opens the admin, signing in with password and two-factor code
    page = open_page(language)
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in_with_two_factor(page, supervisor, supervisor.totpdevice_set.get())
    expect(page).to_have_url(re.compile(r"/admin/$"))
    assert axe_violations(page) == []

    # then the chain status is on the admin index, and "verify now" says it is intact
    status = page.locator("#audit-chain-status")
    expect(status).to_be_visible()
    status.get_by_test_id("verify-now").click()
    expect(page.locator("ul.messagelist .success")).to_be_visible()
    expect(page.locator("#audit-chain-status strong")).to_have_text(
        "Intact" if language == "en" else "完整"
    )

    # and the audit list names the portal, not a "former user", for the sweep's red cards
    page.goto("/admin/audit/auditevent/")
    sweep_row = page.locator(
        "#result_list tbody tr", has_text=label("supervision.card_red", language)
    )
    expect(sweep_row).to_contain_text("System" if language == "en" else "系统")
    assert axe_violations(page) == []
    # and finds the application's timeline by its tracking number
    page.fill("#timeline-number", application.tracking_number)
    page.locator("form.timeline-find button").click()
    expect(page).to_have_url(re.compile(rf"/timeline/{application.pk}/$"))
    rows = page.locator("#timeline tbody tr")
    expect(rows.first).to_be_visible()
    actions = [row.get_attribute("data-action") for row in rows.all()]
    for expected in ("intake.accepted", "task.approved", "person.id_number_revealed"):
        assert expected in actions, (expected, actions)
    for row in rows.all():  # every event has a label in the page's language, no raw code
        what = row.locator("td").nth(2).inner_text()
        assert not ACTION_CODE.search(what), what
        assert what.startswith(label(row.get_attribute("data-action"), language)), what
        assert language == "en" or CHINESE.search(what), what
    reveal = page.locator("#timeline tbody tr[data-action='person.id_number_revealed']")
    expect(reveal).to_contain_text(reviewer.display_name)
    assert application.person.id_number not in page.content()
    assert axe_violations(page) == []

    # and filtering the audit trail by "Full ID number shown" names the reviewer who looked
    page.goto("/admin/audit/auditevent/")
    page.select_option("#filter-action", label=label("person.id_number_revealed", language))
    page.locator("#filter-action + button").click()
    expect(page).to_have_url(re.compile(r"action=person.id_number_revealed"))
    results = page.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results).to_contain_text(reviewer.display_name)

    # and the supervision dashboard shows the red cards and the statistics charts
    page.goto("/supervision/")
    cards = page.get_by_test_id("cards")
    expect(cards).to_contain_text(application.tracking_number)
    expect(cards.locator(".sla-red").first).to_be_visible()
    expect(page.locator("#lights-department-title")).to_be_visible()
    expect(page.locator("svg.chart-svg").first).to_be_visible()
    expect(page.locator("#on-time-department-title")).to_be_visible()
    expect(page.locator("#days-department-title")).to_be_visible()
    assert axe_violations(page) == []


@pytest.fixture
def new_supervisor(demo):
    """A supervisor who has never set up an authenticator app."""
    user = OfficialFactory(
        department=demo.other, role=OfficialRole.SUPERVISOR, user__is_staff=True
    ).user
    supervision.grant_supervisor_view(user)
    return user


def authenticator_code(secret: str) -> str:
    """What an authenticator app shows for the key typed from the set-up page."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{TOTP(key).token():06d}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_supervisor_sets_up_two_factor_at_the_first_sign_in(
    new_supervisor, open_page, language
):
    page = open_page(language, PHONE)
    # given a supervisor without an authenticator, sent to sign in from the dashboard
    page.goto("/supervision/")
    page.fill("#id_username", new_supervisor.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    # when the set-up page shows the key, they add it to the app and type its code
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/setup/"))
    assert axe_violations(page) == []
    assert page_fits(page)
    page.fill("#id_token", authenticator_code(page.locator("code.secret").inner_text()))
    page.locator("main form button[type=submit]").click()
    # then they get backup codes once, and continue to the dashboard they asked for
    expect(page.locator("ul.backup-codes li")).not_to_have_count(0)
    assert axe_violations(page) == []
    page.locator("main a.button").click()
    expect(page).to_have_url(re.compile(r"/supervision/$"))
    expect(page.get_by_test_id("export")).to_be_visible()
    assert new_supervisor.totpdevice_set.get().confirmed


@pytest.fixture
def rectification(demo):
    """A bad rating of a decided application, and the rectification it opened at planning."""
    application = ApplicationFactory(
        service_version=demo.version, submitted=True, status="approved"
    )
    application.decided_on = dt.date(2026, 6, 12)
    application.save(update_fields=["decided_on"])
    rating_submit(
        actor=application.created_by,
        application=application,
        grade=1,
        comment="Nobody answered the phone",
    )
    return RectificationTask.objects.get(rating=ServiceRating.objects.get(application=application))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_supervision_page_is_accessible_and_fits_a_phone(
    demo, late_application, rectification, supervisor, official_page, language
):
    # given an overdue task with its red card, a bad rating and its rectification
    housing = ReviewTask.objects.get(application=late_application, branch_key="housing")
    sweep_after(housing)
    for viewport, width in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = official_page(supervisor, language, viewport)
        for name, url in (
            ("supervision-dashboard", "/supervision/"),
            ("audit-list", "/admin/audit/auditevent/"),
            ("timeline", f"/admin/audit/auditevent/timeline/{late_application.pk}/"),
            ("admin-index", "/admin/"),
        ):
            # when each page is opened at this width
            page.goto(url)
            screenshot(page, f"{name}-{language}-{width}")
            # then nothing serious is found, and the page is no wider than the screen
            assert axe_violations(page) == [], (name, width)
            assert page_fits(page), (name, width)
    # the supervisor sees the open rectification, and no form to record it done (the head does)
    page.goto("/supervision/")
    rectifications = page.get_by_test_id("rectifications")
    expect(rectifications).to_contain_text(rectification.rating.application.tracking_number)
    expect(rectifications.locator("form")).to_have_count(0)
    head = official_page(demo.head, language, PHONE)
    head.goto("/work/rectifications/")
    expect(head.get_by_test_id("rectifications")).to_contain_text(
        rectification.rating.application.tracking_number
    )
    screenshot(head, f"rectifications-{language}-phone")
    assert axe_violations(head) == []
    assert page_fits(head)


def page_fits(page) -> bool:
    """No horizontal scroll of the whole page: wide tables scroll inside their own box."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
