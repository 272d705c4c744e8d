"""The supervision dashboard, the rating page and the public satisfaction page in the browser:
no serious accessibility violations, usable on a phone, in both languages."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from approvals.models import CardColour, SupervisionCard
from tests.browser_support import PHONE, axe_violations, screenshot
from tests.factories import ApplicationFactory
from tests.support import due_for_light

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_dashboard_is_accessible_on_a_phone(city, under_review, signed_in_page, language):
    under_review.due_on = due_for_light("red")
    under_review.save(update_fields=["due_on"])
    SupervisionCard.objects.create(
        application=under_review.application,
        task=under_review,
        department=city.bureau,
        colour=CardColour.RED,
        reason="overdue",
        issued_on=dt.date(2026, 6, 1),
    )
    page = signed_in_page(city.supervisor, language, PHONE)

    page.goto("/supervision/")

    assert page.locator("svg.chart-svg").count() >= 1
    assert page.get_by_text(under_review.application.tracking_number).count() >= 1
    assert axe_violations(page) == []
    screenshot(page, f"supervision-dashboard-{language}-phone")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rating_and_satisfaction_pages_are_accessible(city, signed_in_page, language):
    application = ApplicationFactory(
        service_version=city.version,
        person=city.citizen.person,
        created_by=city.citizen,
        submitted=True,
        status="approved",
    )
    page = signed_in_page(city.citizen, language, PHONE)

    page.goto(f"/applications/{application.pk}/rate/")
    page.locator(
        "form.panel button[type=submit]"
    ).click()  # no grade: the error is shown beside the field
    expect(page.locator(".error-summary")).to_have_count(1)
    assert axe_violations(page) == []
    page.locator("input[name=grade][value='5']").check()
    page.locator("form.panel button[type=submit]").click()
    expect(page.get_by_test_id("rating")).to_have_count(1)

    page.goto("/satisfaction/")
    assert axe_violations(page) == []
    screenshot(page, f"satisfaction-{language}-phone")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_supervisor_finds_the_timeline_by_tracking_number(
    city, under_review, signed_in_page, language
):
    from approvals.services.case_files import case_file_open, id_number_reveal

    application = under_review.application
    case_file_open(actor=city.reviewer, application=application, page="task")
    id_number_reveal(actor=city.reviewer, application=application)
    page = signed_in_page(city.supervisor, language)

    page.goto("/admin/audit/auditevent/")
    page.fill("#timeline-number", application.tracking_number)
    page.locator("form.timeline-find button").click()

    # (expect waits for the timeline page; a bare count could read the list page still loaded)
    expect(
        page.locator("#timeline tbody tr[data-action='person.id_number_revealed']")
    ).to_have_count(1)
    assert axe_violations(page) == []
    screenshot(page, f"supervision-timeline-{language}")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_long_timeline_pages_on_with_the_keyboard(city, under_review, signed_in_page, viewport):
    from audit.chain import audit_record

    application = under_review.application
    for number in range(120):
        audit_record(
            action="task.approved", actor=city.reviewer, obj=under_review, reason=f"step {number}"
        )
    page = signed_in_page(city.supervisor, "zh-hans", viewport)
    page.goto(f"/admin/audit/auditevent/timeline/{application.pk}/")
    expect(page.locator("#timeline tbody tr")).to_have_count(100)
    later = page.get_by_role("link", name="较晚的事件")
    later.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?page=2$"))
    expect(page.locator("#timeline tbody tr").last).to_have_attribute(
        "data-action", "application.viewed"
    )
    expect(page.get_by_role("navigation", name="时间线分页")).to_contain_text("第 2 页，共 2 页")
    assert axe_violations(page) == []
    screenshot(page, f"supervision-timeline-page-2-{'phone' if viewport else 'desktop'}")
