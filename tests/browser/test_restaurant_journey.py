"""Issue 15 (一件事), the whole restaurant in one journey, with the demo's restaurant theme and
the demo's departments and officials, in each language, on a desktop and on a phone.

In the browser: a citizen answers the guiding questions (a company, a small place, a sign on the
street: the registration, the food licence and the sign permit, which wait for the registration,
and the drainage permit apply), types the shared fields once, then each member's own fields on
its own steps (the demo's answers, ``demo.theme_cases.MEMBER_ANSWERS``, typed into the real
fields: radios, check boxes, dates, and repeating groups with "Add another"), uploads each
material once and submits once (one tracking number). The window's clerk, a verified official in
a second browser context, sends ONE supplement notice naming the premises proof, a material of
the registration (market bureau) and of the sign permit (housing bureau); the applicant answers
it once on one page (one upload); the clerk accepts the whole and the food licence shows as
waiting. The applicant then sees every member on one timeline, downloads the certificates as one
ZIP and rates once.

The departments decide in the browser, from their officials' queues, each decision confirmed by
its status message. The market bureau's approver registers the company first, which starts the
waiting members, and the food licence cites the registration's licence (the applicant sees its
number on the food licence's page, reached from the case page); then its reviewer and approver
approve the food licence. The housing bureau's reviewer, then its approver, approve the sign and
the drainage permits.

Nothing is done by service calls but the set-up (the demo's users, catalogue and themes).
Every page passes axe with no serious violation, and no page scrolls sideways on the phone.
"""

import re
import zipfile

import pytest
from django.utils import translation
from playwright.sync_api import expect

from approvals.models import Application, Attachment, ServiceRating, ThemeCase
from approvals.selectors.theme_cases import member_data
from approvals.selectors.themes import theme_plan
from approvals.views.theme_cases import case_steps
from demo.applications import _user
from demo.catalogue import seed_catalogue, seed_themes
from demo.management.commands.seed_demo import DemoSeeder
from demo.theme_cases import MEMBER_ANSWERS, RESTAURANT_SHARED
from tests.browser_support import (
    DESKTOP,
    PHONE,
    THEME_CASE_ACCEPTED,
    THEME_SUPPLEMENT_SENT,
    act,
    axe_violations,
    open_task_from_queue,
    png_bytes,
    screenshot,
)
from tests.support import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

APPROVED = {"en": "Approval recorded.", "zh-hans": "同意意见已记录。"}


@pytest.fixture
def demo(db):
    DemoSeeder(password="unused-Demo-2026", reset_passwords=False).seed()
    seed_catalogue()
    seed_themes()


def _continue(page) -> None:
    page.locator(".form-actions button[value=continue]").click()


def _members(case) -> dict[str, Application]:
    return {m.theme_member_key: m for m in Application.objects.filter(theme_case=case)}


def _answer(page, values: dict) -> None:
    """Type a step's answers into its fields as a person does: a radio or a check box for a
    choice, one check box per item ticked, a row of a repeating group per entry ("Add another"
    for each row after the first), text typed otherwise."""
    for name, value in values.items():
        if isinstance(value, bool):
            page.locator(f"input[name={name}]").set_checked(value)
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, row in enumerate(value):
                first = page.locator(f"[name='{name}-{i}-{next(iter(row))}']")
                if i and not first.count():
                    page.locator(f"#add-{name}").click()
                expect(first).to_be_visible()
                for sub, sub_value in row.items():
                    page.fill(f"[name='{name}-{i}-{sub}']", str(sub_value))
        elif isinstance(value, list):
            for item in value:
                page.locator(f"input[name={name}][value={item}]").check()
        else:
            field = page.locator(f"[name={name}]").first
            kind = field.evaluate("element => element.type")  # waits for the field to be there
            if kind == "radio":
                page.locator(f"input[name={name}][value={value}]").check()
            elif kind.startswith("select"):
                field.select_option(str(value))
            else:
                field.fill(str(value))


def _saved(stored: dict, values: dict) -> bool:
    """Whether every typed answer is stored (a group's rows: the keys that were typed)."""
    for name, value in values.items():
        kept = stored.get(name)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            if not isinstance(kept, list) or len(kept) != len(value):
                return False
            pairs = zip(kept, value, strict=True)
            if any({k: row.get(k) for k in typed} != typed for row, typed in pairs):
                return False
        elif kept != value:
            return False
    return True


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

    # Each member's own fields, on its own steps: the demo's answers typed in, each step saved
    # and the next one shown (the last leads to the materials).
    plan = theme_plan(case.version, case.answers)
    members = {m.key: m for m in plan.members}
    with translation.override(language):
        steps = [s for s in case_steps(plan) if "member" in s]
    assert len(steps) == sum(len(m.own_fields) for m in plan.members) >= 4
    for step in steps:
        member = members[step["member"]]
        expect(home).to_have_url(
            re.compile(rf"/theme-cases/{case.pk}/members/{member.key}/{step['step']}/$")
        )
        expect(home.locator("main h1")).to_have_text(step["title"])
        demo_answers = {
            k: v
            for _s, answers in MEMBER_ANSWERS[member.version.item.code]
            for k, v in answers.items()
        }
        values = {n: demo_answers[n] for n in member.own_fields[step["step"]] if n in demo_answers}
        assert values, step["key"]
        _answer(home, values)
        _check(home, step["key"])
        screenshot(home, f"{shot}-member-{member.key}-{step['step']}")
        _continue(home)
        expect(home.locator("main h1")).not_to_have_text(step["title"])
        expect(home.locator("#error-summary")).to_have_count(0)
        case.refresh_from_db()
        assert _saved(member_data(case, member), values), step["key"]
    expect(home).to_have_url(re.compile(rf"/theme-cases/{case.pk}/materials/$"))

    # Each material once: one file input per material, whoever needs it.
    home.goto(f"/theme-cases/{case.pk}/materials/")
    inputs = home.locator("main input[type=file]")
    slots = [inputs.nth(i).get_attribute("id") for i in range(inputs.count())]
    assert slots
    for slot in slots:
        section = home.locator(f"#material-{slot.removeprefix('file-')}")
        home.set_input_files(
            f"#{slot}",
            files=[{"name": f"{slot}.png", "mimeType": "image/png", "buffer": png_bytes()}],
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
    expect(desk.get_by_role("status")).to_contain_text(THEME_SUPPLEMENT_SENT[language])

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
        path.write_bytes(png_bytes())
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
    expect(desk.get_by_role("status")).to_contain_text(
        THEME_CASE_ACCEPTED[language], timeout=90_000
    )
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
    expect(market["approver"].get_by_role("status")).to_contain_text(APPROVED[language])
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
        expect(market[role].get_by_role("status")).to_contain_text(APPROVED[language])
    assert _members(case)["food"].status == "licence_issued"

    # The housing bureau decides in the browser too, from its queues: its reviewer, then its
    # approver, on the sign permit (started by the registration) and on the drainage permit.
    housing = {
        role: signed_in_page(_user(f"housing.{role}@demo.gov.cn"), language, viewport)
        for role in ("reviewer", "approver")
    }
    for key in ("sign", "drainage"):
        for role in ("reviewer", "approver"):
            open_task_from_queue(housing[role], _members(case)[key])
            _check(housing[role], f"housing {role} task {key}")
            if key == "sign":
                screenshot(housing[role], f"{shot}-housing-{role}")
            act(housing[role], "approve", comment="符合条件 / Meets the conditions")
            expect(housing[role].get_by_role("status")).to_contain_text(APPROVED[language])
        assert _members(case)[key].status == "licence_issued"

    # One timeline with every member, the certificates as one set, one rating.
    home.goto(f"/theme-cases/{case.pk}/")
    members = home.locator(".case-member")
    expect(members).to_have_count(4)
    for i in range(4):
        expect(members.nth(i)).to_have_attribute("data-status", re.compile("approved|licence_"))
    with translation.override(language):
        for key, member in _members(case).items():
            shown = home.locator(f".case-member[data-member={key}]")
            expect(shown.locator(".status")).to_have_text(str(member.get_status_display()))
            expect(shown).to_contain_text(member.decided_on.isoformat())  # "Decided on <date>"
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
    expect(home).to_have_url(re.compile(r"/rate/$"))
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
