"""Due dates past the published calendar, as an applicant and the calendar's administrator see
them: in December, before the State Council has published next year's schedule, a 20-working-day
decision limit reaches into January; the applicant's page shows the date marked provisional. The
administrator enters the official schedule (a make-up Saturday) in the admin; the applicant's
page then shows the recomputed date, no longer provisional. In each language, checked with
axe-core and photographed."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from approvals.services.intake import intake_accept
from audit.models import AuditEvent
from tests.approvals.deadlines import conftest as deadlines
from tests.browser_support import axe_violations, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

department = deadlines.department
window = deadlines.window
clerk = deadlines.clerk
make_application = deadlines.make_application

# Monday 2026-12-21: the official calendar ends on 2026-12-31.
DECEMBER = dt.datetime(2026, 12, 21, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NOTES = {
    "zh-hans": "暂按法定节假日计算，待国务院公布调休安排后确定",
    "en": "provisional: counted from the statutory holidays only",
}
OFFICIAL_2027 = "2027-01-01 holiday New Year's Day\n2027-01-09 makeup New Year's Day"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_provisional_due_date_is_shown_and_recomputed_once_the_schedule_is_entered(
    make_application, clerk, signed_in_page, language
):
    with time_machine.travel(DECEMBER, tick=True):
        # given an application accepted at the window on Monday 2026-12-21
        application = make_application(received_on=DECEMBER.date())
        intake_accept(actor=clerk, application=application, revision=application.revision)
        applicant = signed_in_page(application.created_by, language)

        # when the applicant opens it: the decision is due 2027-01-19, marked provisional
        applicant.goto(f"/applications/{application.pk}/")
        main = applicant.locator("main")
        expect(main).to_contain_text("2027-01-19")
        expect(applicant.get_by_test_id("provisional").first).to_contain_text(NOTES[language])
        assert axe_violations(applicant) == []
        screenshot(applicant, f"provisional-due-date-{language}")

        # when the administrator enters 2027 as published, with its make-up Saturday
        admin_user = UserFactory(is_staff=True, is_superuser=True)
        admin = signed_in_page(admin_user, language)
        admin.goto("/admin/approvals/calendaryear/add/")
        admin.fill("#id_year", "2027")
        admin.fill("#id_source", "国办发明电〔2026〕号")
        admin.fill("#id_days", OFFICIAL_2027)
        admin.locator("input[name=_save]").click()
        expect(admin.locator(".messagelist, .errornote").first).to_be_visible()
        assert AuditEvent.objects.filter(action="calendar.days_changed").exists()

        # then the applicant's date is counted again, the Saturday counting: 2027-01-18, final
        applicant.reload()
        expect(main).to_contain_text("2027-01-18")
        expect(applicant.get_by_test_id("provisional")).to_have_count(0)
        assert AuditEvent.objects.filter(action="deadline.recomputed").exists()
        screenshot(applicant, f"recomputed-due-date-{language}")
