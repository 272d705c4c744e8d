"""In a real browser, in both languages: a business's administrator invites an agent, the agent
accepts on their account page and applies for the business, and the administrator sees the
application on the dashboard. axe-core checks the business page and both dashboards."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import BusinessMembership, MembershipStatus
from approvals.models import Application, ApplicationStatus
from tests.approvals.applications.conftest import (
    version,  # noqa: F401 (the food licence)
    window,  # noqa: F401
)
from tests.browser_support import (
    APPLICATION_TEXT,
    DESKTOP,
    PHONE,
    attach_floor_plan,
    axe_violations,
    citizen_signs_in,
    screenshot,
)
from tests.factories import MembershipFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_admin_invites_an_agent_who_applies_and_the_admin_sees_it(
    open_page,
    version,  # noqa: F811 (the fixture imported above)
    language,
):
    # given a business with its administrator, and a citizen with a verified account
    admin_membership = MembershipFactory(admin=True, user=PersonFactory(real_name="陈立").user)
    business, admin = admin_membership.business, admin_membership.user
    agent = PersonFactory(real_name="周敏").user

    # when the administrator invites the citizen by mobile number on the business page
    office = open_page(language)
    citizen_signs_in(office, admin)
    office.goto(f"/accounts/business/{business.pk}/")
    office.fill("#id_identifier", agent.mobile)
    office.locator("form[action$='/invite/'] button[type=submit]").click()
    # then the page shows the invitation waiting for the citizen's answer
    expect(office.locator("main")).to_contain_text("周敏")
    assert axe_violations(office) == [], office.url
    screenshot(office, f"business-page-{language}")
    invitation = BusinessMembership.objects.get(business=business, user=agent)
    assert invitation.status == MembershipStatus.INVITED

    # when the citizen, on a phone, accepts the invitation on their account page
    phone = open_page(language, viewport=PHONE)
    citizen_signs_in(phone, agent)
    phone.locator(
        f"form[action$='/invitations/{invitation.pk}/respond/'] button[value=accept]"
    ).click()
    invitation.refresh_from_db()
    assert invitation.status == MembershipStatus.ACTIVE

    # and applies for the business: first step, then the materials, then Submit
    phone.goto("/applications/new/SPJY/")
    phone.get_by_label(business.name).check()
    phone.locator("main form button.button").click()
    expect(phone.locator("main")).to_contain_text(business.name)
    phone.get_by_label(APPLICATION_TEXT[language]["retail"]).check()
    phone.locator("form.application-form .form-actions button[value=continue]").click()
    phone.fill("#id_floor_area", "60")
    phone.locator("form.application-form .form-actions button[value=continue]").click()
    expect(phone).to_have_url(re.compile(r"/step/materials/$"))
    attach_floor_plan(phone)
    phone.locator(".form-actions button[value=continue]").click()
    expect(phone).to_have_url(re.compile(r"/review/(#.*)?$"))
    phone.locator("#id_declaration").check()
    phone.locator("button[data-once]").click()
    expect(phone).to_have_url(re.compile(r"/receipt/$"))
    tracking_number = phone.locator(".tracking-number").inner_text().strip()

    application = Application.objects.get()
    assert application.business == business and application.created_by == agent
    assert application.status == ApplicationStatus.SUBMITTED

    # then the administrator sees it on the dashboard, with its tracking number
    office.set_viewport_size(DESKTOP)
    office.goto("/applications/")
    expect(office.locator("main table")).to_contain_text(tracking_number)
    assert axe_violations(office) == [], office.url
    screenshot(office, f"dashboard-business-admin-{language}")
    # and so does the agent, on the phone
    phone.goto("/applications/")
    expect(phone.locator("main table")).to_contain_text(tracking_number)
    assert axe_violations(phone) == [], phone.url
    screenshot(phone, f"dashboard-agent-phone-{language}")
