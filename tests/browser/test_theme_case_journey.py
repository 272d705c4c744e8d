"""一件事 in a real Chromium, in each language, on a desktop and on a phone: a citizen applies to
open a restaurant as one — the guiding question picks the members, each shared field is typed
once and each material uploaded once, one submission — and follows the case on one page; once
the departments have decided (their decisions given here: the window's and the departments'
pages are another journey's), downloads every decision as one set and rates once.

Every page passes axe with no serious violation and fits the phone's width.
"""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from approvals.models import Application, ServiceRating, ThemeCase
from tests.approvals.themes.conftest import citizen, lead_window, restaurant  # noqa: F401
from tests.approvals.themes.helpers import decide_member
from tests.browser_support import DESKTOP, PHONE, no_serious_axe_violations, png_bytes, screenshots

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "zh-hans": {"yes": "是", "together": "一窗出件", "grade": "5"},
    "en": {"yes": "Yes", "together": "together", "grade": "5"},
}


def _continue(page) -> None:
    page.locator(".form-actions button[value=continue]").click()


def _upload(page, slot: str, name: str) -> None:
    section = page.locator(f"#material-{slot}")
    page.set_input_files(
        f"#file-{slot}", files=[{"name": name, "mimeType": "image/png", "buffer": png_bytes()}]
    )
    section.locator("form.upload-form button").click()
    expect(page.locator(f"#material-{slot}")).to_contain_text(name)


@pytest.mark.parametrize(("language", "viewport"), [("zh-hans", DESKTOP), ("en", PHONE)])
def test_a_citizen_opens_a_restaurant_as_one_application(
    language,
    viewport,
    restaurant,  # noqa: F811 (the imported fixture)
    citizen,  # noqa: F811
    signed_in_page,
    tmp_path,
):
    page = signed_in_page(citizen, language, viewport)
    shot = f"theme-case-{language}"

    # Who applies, then the guiding question: a sign on the street adds the sign permit.
    page.goto("/themes/RESTAURANT/apply/")
    no_serious_axe_violations(page)
    page.locator("main form button.button").click()
    expect(page).to_have_url(re.compile(r"/theme-cases/\d+/questions/$"))
    page.locator("input[name=q_sign][value=yes]").check()
    no_serious_axe_violations(page)
    screenshots(page, f"{shot}-questions")
    _continue(page)

    # The shared fields once: the operator comes from the registry, the name is typed once.
    expect(page).to_have_url(re.compile(r"/shared/$"))
    expect(page.locator("#id_operator")).to_have_count(0)
    page.fill("#id_name", "老王餐馆")
    no_serious_axe_violations(page)
    screenshots(page, f"{shot}-shared")
    _continue(page)

    # Each member's own fields only, the members in their start order (the food licence after
    # the registration it waits for).
    expect(page).to_have_url(re.compile(r"/members/registration/main/$"))
    expect(page.locator("#id_trade_name")).to_have_count(0)
    page.fill("#id_capital", "100000")
    _continue(page)
    expect(page).to_have_url(re.compile(r"/members/sign/main/$"))
    page.fill("#id_sign_size", "3x1")
    _continue(page)
    expect(page).to_have_url(re.compile(r"/members/food/main/$"))
    page.fill("#id_seats", "40")
    no_serious_axe_violations(page)
    _continue(page)

    # The materials once: the lease serves all three (the sign's site proof too); the food
    # licence's business licence is not asked (it is cited from the registration once issued).
    expect(page).to_have_url(re.compile(r"/materials/$"))
    expect(page.locator("input[type=file]")).to_have_count(3)
    expect(page.locator("[data-testid=cited-later]")).to_have_count(1)
    _upload(page, "shared-lease", "租赁合同.png")
    _upload(page, "registration-identity", "身份证明.png")
    _upload(page, "food-kitchen_layout", "厨房布局.png")
    no_serious_axe_violations(page)
    screenshots(page, f"{shot}-materials")
    _continue(page)

    # Review and submit once (the button is disabled after the first click).
    expect(page).to_have_url(re.compile(r"/review/$"))
    expect(page.locator("#error-summary")).to_have_count(0)
    no_serious_axe_violations(page)
    screenshots(page, f"{shot}-review")
    page.locator("#id_declaration").check()
    page.locator("button[data-once]").click()

    # One case, one tracking number and query code, three members on one page.
    expect(page).to_have_url(re.compile(r"/theme-cases/\d+/$"))
    case = ThemeCase.objects.get(created_by=citizen)
    expect(page.locator("h1")).to_have_text(case.tracking_number)
    expect(page.locator("[data-testid=query-code]")).to_be_visible()
    expect(page.locator(".case-member")).to_have_count(3)
    no_serious_axe_violations(page)
    screenshots(page, f"{shot}-submitted")
    members = list(Application.objects.filter(theme_case=case))
    assert len(members) == 3
    lease_files = {
        a.file.name
        for m in members
        for a in m.attachments.all()
        if a.material_key in ("premises_proof", "lease", "site_use_proof")
    }
    assert len(lease_files) == 1

    # My applications: the case is one row with its members inside.
    page.goto("/applications/")
    expect(page.locator("[data-case]")).to_have_count(1)
    expect(page.locator("[data-case] .case-member-list li")).to_have_count(3)
    no_serious_axe_violations(page)

    # Given the departments' decisions, the applicant takes them as one set and rates once.
    for member in members:
        decide_member(member)
    page.goto(f"/theme-cases/{case.pk}/")
    with page.expect_download() as download:
        page.locator("[data-testid=download-set]").click()
    path = tmp_path / "set.zip"
    download.value.save_as(path)
    assert len(zipfile.ZipFile(path).namelist()) == 3
    page.locator(f"a[href='/theme-cases/{case.pk}/rate/']").click()
    no_serious_axe_violations(page)
    page.locator(f"input[name=grade][value='{TEXT[language]['grade']}']").check()
    page.locator("main form button.button").click()
    expect(page.locator("[data-testid=rated]")).to_be_visible()
    assert ServiceRating.objects.filter(application__theme_case=case).count() == 3
    screenshots(page, f"{shot}-rated")
