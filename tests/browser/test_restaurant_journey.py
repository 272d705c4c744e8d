"""Issue 15 (一件事), the whole restaurant in one journey, with the demo's restaurant theme and
the demo's departments and officials, in each language, on a desktop and on a phone.

In the browser: a citizen answers the guiding questions (a company, a small place, a sign on the
street: the registration, the food licence and the sign permit, which wait for the registration,
and the drainage permit apply), types the shared fields once, uploads each material once and
submits once (one tracking number). The window's clerk, a verified official in a second browser
context, sends ONE supplement notice naming the premises proof, a material of the registration
(market bureau) and of the sign permit (housing bureau); the applicant answers it once on one
page (one upload); the clerk accepts the whole and the food licence shows as waiting. The
applicant then sees every member on one timeline, downloads the certificates as one ZIP and
rates once.

The market bureau decides in the browser, from its officials' queues: its approver registers the
company first, which starts the waiting members, and the food licence cites the registration's
licence (the applicant sees its number on the food licence's page, reached from the case page);
then its reviewer and approver approve the food licence.

By service calls, for the time (the pages are other journeys'): each member's own fields (the
demo's answers, as ``seed_demo`` gives them), and the housing bureau's decisions on the sign and
drainage permits (reviewer then approver).

Every page passes axe with no serious violation.
"""

import re
import zipfile

import pytest
from playwright.sync_api import expect

from approvals.models import Application, Attachment, ServiceRating, ThemeCase
from approvals.selectors.themes import theme_plan
from demo.applications import _approve_to_the_end, _user
from demo.catalogue import seed_catalogue, seed_themes
from demo.management.commands.seed_demo import DemoSeeder
from demo.theme_cases import RESTAURANT_SHARED, fill_member_steps
from tests.approvals.applications.test_browser_journey import _png
from tests.browser.test_parallel_permit_journey import act, open_task_from_queue
from tests.browser.test_theme_window_journey import ACCEPTED, SENT
from tests.browser_support import DESKTOP, PHONE, axe_violations, screenshot
from tests.support import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    DemoSeeder(password="unused-Demo-2026", reset_passwords=False).seed()
    seed_catalogue()
    seed_themes()


def _continue(page) -> None:
    page.locator(".form-actions button[value=continue]").click()


def _members(case) -> dict[str, Application]:
    return {m.theme_member_key: m for m in Application.objects.filter(theme_case=case)}


def _check(page, name: str) -> None:
    assert axe_violations(page) == [], name
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, name


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_restaurant_opens_as_one(demo, signed_in_page, language, viewport, tmp_path):
    size = "phone" if viewport is PHONE else "desktop"
    shot = f"restaurant-{language}-{size}"
    citizen = _user("citizen3@demo.cn")
    home = signed_in_page(citizen, language, viewport)

    # The guiding questions: a company, a small place, a sign on the street.
    home.goto("/themes/RESTAURANT/apply/")
    _check(home, "start")
    home.locator("input[type=radio][value=person]").check()  # in person: the company is new
    home.locator("main form button.button").click()
    expect(home).to_have_url(re.compile(r"/theme-cases/\d+/questions/$"))
    home.locator("input[name=q_entity][value=company]").check()
    home.locator("input[name=q_large_premises][value=no]").check()
    home.locator("input[name=q_sign][value=yes]").check()
    _check(home, "questions")
    screenshot(home, f"{shot}-questions")
    _continue(home)

    # The shared fields, typed once (the operator and the mobile come from the account).
    expect(home).to_have_url(re.compile(r"/shared/$"))
    case = ThemeCase.objects.get(created_by=citizen)
    for key, value in RESTAURANT_SHARED.items():
        if key == "floor_area":
            value = 120
        home.fill(f"#id_{key}", str(value))
    home.locator("#id_declaration").check()
    _check(home, "shared")
    screenshot(home, f"{shot}-shared")
    _continue(home)
    expect(home).not_to_have_url(re.compile(r"/shared/$"))
    case.refresh_from_db()
    assert set(_members_planned(case)) == {"company", "food", "sign", "drainage"}

    case.refresh_from_db()
    fill_member_steps(
        actor=citizen, case=case, plan=theme_plan(case.version, case.answers)
    )  # each member's own fields, by service calls

    # Each material once: one file input per material, whoever needs it.
    home.goto(f"/theme-cases/{case.pk}/materials/")
    inputs = home.locator("main input[type=file]")
    slots = [inputs.nth(i).get_attribute("id") for i in range(inputs.count())]
    assert slots
    for slot in slots:
        section = home.locator(f"#material-{slot.removeprefix('file-')}")
        home.set_input_files(
            f"#{slot}", files=[{"name": f"{slot}.png", "mimeType": "image/png", "buffer": _png()}]
        )
        section.locator("form.upload-form button").click()
        expect(section).to_contain_text(f"{slot}.png")
    _check(home, "materials")
    screenshot(home, f"{shot}-materials")
    _continue(home)

    # Submit once: one tracking number.
    expect(home).to_have_url(re.compile(r"/review/$"))
    expect(home.locator("#error-summary")).to_have_count(0)
    _check(home, "review")
    home.locator("#id_declaration").check()
    home.locator("button[data-once]").click()
    expect(home).to_have_url(re.compile(rf"/theme-cases/{case.pk}/$"))
    case.refresh_from_db()
    expect(home.locator("h1")).to_have_text(case.tracking_number)
    expect(home.locator(".case-member")).to_have_count(4)
    _check(home, "submitted")
    screenshot(home, f"{shot}-submitted")

    # The window's clerk: ONE notice naming the premises proof, the registration's address
    # proof (market bureau) and the sign permit's site proof (housing bureau).
    desk = signed_in_page(_user("clerk@demo.gov.cn"), language, viewport)
    desk.goto("/work/intake/")
    desk.get_by_test_id("theme-intake-queue").get_by_role("link", name=case.tracking_number).click()
    expect(desk).to_have_url(re.compile(rf"/work/intake/cases/{case.pk}/$"))
    _check(desk, "intake case")
    desk.locator('[id="supplement-m-shared:premises_proof"]').check()
    desk.locator('[id="supplement-p-shared:premises_proof"]').fill("租赁合同未签字")
    desk.fill("#supplement-reply_by", in_days(10).isoformat())
    screenshot(desk, f"{shot}-notice")
    desk.locator("#supplement button[type=submit]").click(no_wait_after=True)
    expect(desk).to_have_url(re.compile(r"/work/intake/$"), timeout=90_000)
    expect(desk.get_by_role("status")).to_contain_text(SENT[language])

    # The applicant answers once, on one page.
    home.goto(f"/theme-cases/{case.pk}/")
    home.get_by_test_id("supplement").get_by_role("link").click()
    expect(home).to_have_url(re.compile(r"/supplement/$"))
    items = home.locator(".supplement-items")
    expect(items).to_contain_text("租赁合同未签字")
    _check(home, "supplement")
    screenshot(home, f"{shot}-supplement")
    forms = items.locator("form:has(input[type=file])")
    assert forms.count() == 1
    for i in range(forms.count()):
        name = f"answer-{i}.png"
        path = tmp_path / name
        path.write_bytes(_png())
        forms.nth(i).locator("input[type=file]").set_input_files(str(path))
        forms.nth(i).locator("button[type=submit]").click()
        expect(items).to_contain_text(name)
    home.locator("main form:not([enctype]) button[type=submit]").click()
    expect(home).not_to_have_url(re.compile(r"/supplement/$"))
    assert {m.status for m in _members(case).values()} == {"submitted"}
    answered = Attachment.objects.filter(
        application__theme_case=case, display_name="answer-0.png"
    ).values_list("application__theme_member_key", "file")
    assert {key for key, _file in answered} == {"company", "sign"}  # two departments
    assert len({file for _key, file in answered}) == 1  # one upload

    # The clerk accepts the whole: the members that wait for the registration show as waiting.
    desk.goto(f"/work/intake/cases/{case.pk}/")
    desk.locator("#accept button[type=submit]").click(no_wait_after=True)
    expect(desk.get_by_role("status")).to_contain_text(ACCEPTED[language], timeout=90_000)
    statuses = {k: m.status for k, m in _members(case).items()}
    assert statuses["company"] == "under_review" and statuses["food"] == "waiting"
    home.goto(f"/theme-cases/{case.pk}/")
    expect(home.locator(".case-member[data-member=food]")).to_have_attribute(
        "data-status", "waiting"
    )
    screenshot(home, f"{shot}-accepted")

    # The market bureau decides in the browser, the registration first: its approval starts the
    # food licence, which cites the registration's licence; the applicant sees it.
    market = {
        role: signed_in_page(_user(f"market.{role}@demo.gov.cn"), language, viewport)
        for role in ("approver", "reviewer")
    }
    open_task_from_queue(market["approver"], _members(case)["company"])
    _check(market["approver"], "registration task")
    screenshot(market["approver"], f"{shot}-registration-task")
    act(market["approver"], "approve", comment="准予登记 / Registered")
    expect(market["approver"].get_by_role("status")).to_be_visible()
    food = _members(case)["food"]
    assert food.status == "under_review"
    cited = Attachment.objects.get(application=food, cited_licence__isnull=False)
    assert cited.cited_licence.application_id == _members(case)["company"].pk
    home.goto(f"/theme-cases/{case.pk}/")
    home.locator(".case-member[data-member=food] h3 a").click()
    expect(home).to_have_url(re.compile(rf"/applications/{food.pk}/$"))
    expect(home.locator("main")).to_contain_text(cited.cited_licence.number)
    _check(home, "food member")
    for role in ("reviewer", "approver"):
        open_task_from_queue(market[role], food)
        act(market[role], "approve", comment="符合条件 / Meets the conditions")
        expect(market[role].get_by_role("status")).to_be_visible()
    assert _members(case)["food"].status == "licence_issued"

    # The housing bureau's decisions by service calls, for the time.
    for key in ("sign", "drainage"):
        _approve_to_the_end(_members(case)[key], "housing")

    # One timeline with every member, the certificates as one set, one rating.
    home.goto(f"/theme-cases/{case.pk}/")
    members = home.locator(".case-member")
    expect(members).to_have_count(4)
    for i in range(4):
        expect(members.nth(i)).to_have_attribute("data-status", re.compile("approved|licence_"))
    _check(home, "decided")
    screenshot(home, f"{shot}-decided")
    with home.expect_download() as download:
        home.get_by_test_id("download-set").click()
    path = tmp_path / "set.zip"
    download.value.save_as(path)
    pdfs = [n for n in zipfile.ZipFile(path).namelist() if n.endswith(".pdf")]
    # every member's decision, and its licence (the registration's business licence too)
    listed = home.get_by_test_id("delivery").locator("ul li a")
    assert len(pdfs) == listed.count() == 8
    home.locator(f"a[href='/theme-cases/{case.pk}/rate/']").click()
    _check(home, "rate")
    home.locator("input[name=grade][value='5']").check()
    home.locator("main form button.button").click()
    expect(home.get_by_test_id("rated")).to_be_visible()
    assert ServiceRating.objects.filter(application__theme_case=case).count() == 4
    departments = set(
        ServiceRating.objects.filter(application__theme_case=case).values_list(
            "application__service_version__item__department__code", flat=True
        )
    )
    assert departments == {"fz-market", "fz-housing"}
    screenshot(home, f"{shot}-rated")


def _members_planned(case) -> list[str]:
    return [m.key for m in theme_plan(case.version, case.answers).members]
