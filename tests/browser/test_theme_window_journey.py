"""Issue 15 (一件事) at the window, in a real Chromium, in both languages, on a desktop and on a
phone: a restaurant case is one row in the window's queue; the clerk sends ONE supplement notice
covering two departments (the shared lease, and the fire check's shop name); the applicant
answers it once on one page, uploading the lease once; the clerk accepts the whole; the food
licence waits for the registration, starts once it is approved and cites its licence. The pages
pass axe with no serious violation."""

import re

import pytest
from playwright.sync_api import expect

from approvals.models import Attachment, ReviewTask
from approvals.services.tasks import task_approve
from tests.approvals.theme_window import conftest as theme_window
from tests.approvals.theme_window.conftest import members_of
from tests.browser_support import (
    DESKTOP,
    PHONE,
    THEME_CASE_ACCEPTED,
    THEME_SUPPLEMENT_SENT,
    axe_violations,
    screenshot,
)
from tests.support import in_days, png_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

window, bureaus, clerk, reviewers = (
    theme_window.window,
    theme_window.bureaus,
    theme_window.clerk,
    theme_window.reviewers,
)
services, theme, citizen = theme_window.services, theme_window.theme, theme_window.citizen
make_case, case = theme_window.make_case, theme_window.case


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_one_window_one_notice_one_answer(
    signed_in_page, case, clerk, citizen, reviewers, language, viewport, tmp_path
):
    size = "phone" if viewport is PHONE else "desktop"
    desk = signed_in_page(clerk, language, viewport)

    # given the case in the window's queue, once, without its members as loose rows
    desk.goto("/work/intake/")
    cases = desk.get_by_test_id("theme-intake-queue")
    expect(cases).to_contain_text(case.tracking_number)
    assert desk.get_by_test_id("intake-queue").count() == 0
    screenshot(desk, f"theme-intake-queue-{language}-{size}")
    cases.get_by_role("link", name=case.tracking_number).click()
    expect(desk).to_have_url(re.compile(rf"/work/intake/cases/{case.pk}/$"))
    assert axe_violations(desk) == []
    screenshot(desk, f"theme-intake-case-{language}-{size}")

    # when the clerk lists the shared lease and the fire check's shop name in ONE notice
    desk.locator('[id="supplement-m-shared:lease"]').check()
    desk.locator('[id="supplement-p-shared:lease"]').fill("租赁合同未签字")
    desk.locator("details.supplement-fields > summary").click()  # the answers, folded
    desk.locator('[id="supplement-f-fire:shop_name"]').check()
    desk.locator('[id="supplement-fp-fire:shop_name"]').fill("与招牌名称不一致")
    desk.fill("#supplement-reply_by", in_days(10).isoformat())
    # (three sealed notices, one per member, are rendered in the request under eager Celery)
    desk.locator("#supplement button[type=submit]").click(no_wait_after=True)
    expect(desk).to_have_url(re.compile(r"/work/intake/$"), timeout=90_000)
    expect(desk.get_by_role("status")).to_contain_text(THEME_SUPPLEMENT_SENT[language])

    # then the applicant answers once, on one page: one upload, one correction
    home = signed_in_page(citizen, language, viewport)
    home.goto(f"/theme-cases/{case.pk}/supplement/")
    expect(home.locator(".supplement-items")).to_contain_text("租赁合同未签字")
    assert axe_violations(home) == []
    screenshot(home, f"theme-supplement-{language}-{size}")
    lease = tmp_path / "lease.png"
    lease.write_bytes(png_upload("lease.png").read())
    home.locator(".supplement-items input[type=file]").set_input_files(str(lease))
    home.locator(".supplement-items button[type=submit]").click()
    expect(home.locator(".supplement-items")).to_contain_text("lease.png")
    home.locator('[id="id_data-fire-shop_name"]').fill("老福州小吃店")
    home.locator("main form:not([enctype]) button[type=submit]").click()
    expect(home).not_to_have_url(re.compile(r"/supplement/$"))
    members = members_of(case)
    assert {m.status for m in members.values()} == {"submitted"}
    lease_files = Attachment.objects.filter(application__theme_case=case, material_key="lease")
    assert lease_files.count() == 3 and len(set(lease_files.values_list("file", flat=True))) == 1

    # when the clerk accepts the whole case
    desk.goto(f"/work/intake/cases/{case.pk}/")
    desk.locator("#accept button[type=submit]").click(no_wait_after=True)
    expect(desk.get_by_role("status")).to_contain_text(
        THEME_CASE_ACCEPTED[language], timeout=90_000
    )
    statuses = {k: m.status for k, m in members_of(case).items()}
    assert statuses == {"registration": "under_review", "fire": "under_review", "food": "waiting"}

    # and the market bureau approves the registration (the progress runs after commit)
    registration = members_of(case)["registration"]
    task = ReviewTask.objects.get(application=registration, status="open")
    task_approve(actor=reviewers["city-market"], task=task, revision=task.revision)

    # then the food licence has started, citing the registration's licence
    food = members_of(case)["food"]
    assert food.status == "under_review"
    cited = Attachment.objects.get(application=food, material_key="business-licence")
    assert cited.cited_licence.application_id == registration.pk
    desk.goto(f"/work/intake/cases/{case.pk}/")
    expect(desk.get_by_test_id("member-food")).to_contain_text(cited.cited_licence.number)
    screenshot(desk, f"theme-intake-case-accepted-{language}-{size}")
