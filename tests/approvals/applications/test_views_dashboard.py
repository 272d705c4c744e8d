"""The dashboard, one application's page, withdrawal, and notifications."""

import re

import pytest
from django.urls import reverse

from accounts.models import BusinessMembership
from approvals.models import Application, ApplicationStatus, Notification
from approvals.services.applications import application_start, application_submit
from approvals.services.notifications import notify
from tests.approvals.applications.helpers import filled_draft
from tests.approvals.applications.pages import body, main_part
from tests.factories import MembershipFactory, PersonFactory
from tests.support import events

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("approvals:dashboard")


def rows(response) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", main_part(response), re.S)[1:]  # without the header


def test_the_dashboard_lists_my_applications_and_my_businesses_but_no_one_elses(
    agent, business, version, stranger, client_for
):
    mine = application_submit(
        actor=agent,
        application=filled_draft(actor=agent, version=version),
        idempotency_key="k",
    )
    colleague = MembershipFactory(business=business, user=PersonFactory().user).user
    for_business = application_start(actor=colleague, version=version, business=business)
    someone_elses = application_start(actor=stranger, version=version)
    # the agent was allowed to see all of the business's applications
    BusinessMembership.objects.filter(user=agent, business=business).update(
        sees_all_applications=True
    )

    page = client_for(agent).get(DASHBOARD)

    html = main_part(page)
    assert mine.tracking_number in html
    assert reverse("approvals:application_detail", args=[for_business.pk]) in html
    assert f"for {business.name}" in html
    assert reverse("approvals:application_detail", args=[someone_elses.pk]) not in html
    assert len(rows(page)) == 2


def test_each_row_says_where_the_application_is_and_what_to_do_next(citizen, version, client_for):
    draft = application_start(actor=citizen, version=version)
    submitted = application_submit(
        actor=citizen,
        application=filled_draft(actor=citizen, version=version),
        idempotency_key="k",
    )

    page = client_for(citizen).get(DASHBOARD)

    draft_row, submitted_row = sorted(rows(page), key=lambda row: "Draft" not in row)
    assert "Step 1 of 4: About the business" in draft_row
    assert "Continue the application" in draft_row
    assert reverse("approvals:application_step", args=[draft.pk, "basic"]) in draft_row
    assert submitted.tracking_number in submitted_row
    assert "Service window" in submitted_row
    assert "the service window is checking" in submitted_row
    assert '<td data-label="Due date">—</td>' in submitted_row  # no due date before acceptance
    assert reverse("approvals:application_withdraw", args=[submitted.pk]) in submitted_row


def test_the_dashboard_can_show_one_business_only(agent, business, version, client_for):
    own = application_start(actor=agent, version=version)
    for_business = application_start(actor=agent, version=version, business=business)
    browser = client_for(agent)

    business_only = browser.get(DASHBOARD, {"acting": business.pk})
    person_only = browser.get(DASHBOARD, {"acting": "person"})

    assert reverse("approvals:application_detail", args=[for_business.pk]) in main_part(
        business_only
    )
    assert reverse("approvals:application_detail", args=[own.pk]) not in main_part(business_only)
    assert reverse("approvals:application_detail", args=[own.pk]) in main_part(person_only)
    assert reverse("approvals:application_detail", args=[for_business.pk]) not in main_part(
        person_only
    )


def test_a_business_one_has_left_is_no_longer_listed_nor_its_applications(
    agent, membership, business, version, client_for
):
    application_start(actor=PersonFactory().user, version=version)  # noise
    for_business = application_start(actor=agent, version=version, business=business)
    membership.status = "removed"
    membership.save()

    page = client_for(agent).get(DASHBOARD, {"acting": business.pk})

    # The business's matters are the business's: a former agent no longer sees even what they
    # filed for it, nor is the business offered to act for; its page is a 404 to them.
    assert reverse("approvals:application_detail", args=[for_business.pk]) not in main_part(page)
    assert f'<option value="{business.pk}"' not in body(page)
    detail = client_for(agent).get(reverse("approvals:application_detail", args=[for_business.pk]))
    assert detail.status_code == 404


def test_the_dashboard_query_count_does_not_grow_with_the_list(
    agent, business, version, client_for, django_assert_max_num_queries
):
    browser = client_for(agent)
    application_start(actor=agent, version=version, business=business)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        browser.get(DASHBOARD)
    for _ in range(6):
        application_start(actor=agent, version=version, business=business)
        application_start(actor=agent, version=version)

    with django_assert_max_num_queries(len(one.captured_queries)):
        page = browser.get(DASHBOARD)

    assert len(rows(page)) == 13


def test_withdrawing_asks_for_a_reason_then_withdraws(citizen, version, client_for):
    application = application_submit(
        actor=citizen,
        application=filled_draft(actor=citizen, version=version),
        idempotency_key="k",
    )
    browser = client_for(citizen)
    url = reverse("approvals:application_withdraw", args=[application.pk])

    confirm = browser.get(url)
    refused = browser.post(url, {"reason": ""})
    done = browser.post(url, {"reason": "The shop will not open"})

    assert "Why do you withdraw the application?" in body(confirm)
    assert refused.status_code == 200
    assert "Say why you withdraw the application." in body(refused)
    assert done.url == reverse("approvals:application_detail", args=[application.pk])
    assert Application.objects.get(pk=application.pk).status == ApplicationStatus.WITHDRAWN
    [event] = events("application.withdrawn", application)
    assert event.reason == "The shop will not open"
    detail = browser.get(done.url)
    assert "Withdrawn" in body(detail)
    assert reverse("approvals:application_withdraw", args=[application.pk]) not in main_part(detail)


def test_a_draft_can_be_deleted_after_confirmation(citizen, version, client_for):
    draft = application_start(actor=citizen, version=version)
    browser = client_for(citizen)
    url = reverse("approvals:application_discard", args=[draft.pk])

    assert "cannot be undone" in body(browser.get(url))
    response = browser.post(url)

    assert response.url == DASHBOARD
    assert not Application.objects.filter(pk=draft.pk).exists()


def test_the_nav_shows_the_unread_count_and_opening_a_notification_marks_it_read(
    citizen, client_for
):
    first = notify(user=citizen, kind="test", title="First", body="One", link=DASHBOARD)
    notify(user=citizen, kind="test", title="Second", body="Two")
    browser = client_for(citizen)

    page = browser.get(reverse("approvals:notifications"))
    badge = re.search(r'<span class="nav-badge">(.*?)</span></span>', body(page)).group(1)
    assert badge.startswith("2") and "unread notifications" in badge
    assert "First" in main_part(page) and "Second" in main_part(page)

    opened = browser.post(reverse("approvals:notification_open", args=[first.pk]))

    assert opened.url == DASHBOARD
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert '<span class="nav-badge">1<' in body(browser.get(DASHBOARD))
    browser.post(reverse("approvals:notifications_mark_all_read"))
    assert "nav-badge" not in body(browser.get(DASHBOARD))


def test_a_notification_link_to_another_site_is_not_followed(citizen, client_for):
    notification = notify(
        user=citizen, kind="test", title="T", body="B", link="https://evil.example/"
    )

    response = client_for(citizen).post(
        reverse("approvals:notification_open", args=[notification.pk])
    )

    assert response.url == reverse("approvals:notifications")


def test_no_one_opens_another_users_notification(citizen, stranger, client_for):
    notification = notify(user=citizen, kind="test", title="Secret notice", body="B")

    response = client_for(stranger).post(
        reverse("approvals:notification_open", args=[notification.pk])
    )

    assert response.status_code == 404
    assert Notification.objects.get(pk=notification.pk).read_at is None
    listing = client_for(stranger).get(reverse("approvals:notifications"))
    assert "Secret notice" not in main_part(listing)
