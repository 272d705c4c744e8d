"""Issue 18, "Guides that answer everything", in a real Chromium, in each language, at desktop and
phone width: a citizen opens the food business licence guide (SPJY) of the demo catalogue, reads
where to go, downloads the sample form, opens a question, and sees the procedure drawing with its
text equivalent. axe finds no serious or critical violation."""

import pytest
from playwright.sync_api import expect

from demo.catalogue import seed_catalogue
from demo.management.commands.seed_demo import DemoSeeder
from tests.browser_support import DESKTOP, PHONE, SCREENSHOTS, axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WHERE = {"en": "Where to go", "zh-hans": "办理地点"}
ADDRESS = {"en": "318 Wushan West Road", "zh-hans": "乌山西路318号"}
TRIPS = {"en": "At most one trip to the window", "zh-hans": "最多跑一次"}
SAMPLE = {
    "en": "Food business licence application form (sample)",
    "zh-hans": "食品经营许可申请书（样表）",
}
QUESTION = {"en": "How long is the licence valid?", "zh-hans": "许可证有效期多久？"}
ANSWER = {"en": "Five years", "zh-hans": "有效期为5年"}
DRAWING = {"en": "Procedure of “Food business licence”", "zh-hans": "“食品经营许可”办理流程图"}
STEPS = {"en": "The steps in words", "zh-hans": "流程文字说明"}
FIRST_STAGE = {"en": "Window intake", "zh-hans": "窗口受理"}


@pytest.fixture
def catalogue(db):
    DemoSeeder(password="unused", reset_passwords=False).seed_departments()
    seed_catalogue()


@pytest.mark.parametrize("viewport_name", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_citizen_reads_the_food_licence_guide(open_page, catalogue, language, viewport_name):
    page = open_page(language, viewport={"desktop": DESKTOP, "phone": PHONE}[viewport_name])
    page.goto("/services/FOOD-LIC/")

    # where to go, and how many trips
    where = page.locator("section[aria-labelledby=where-title]")
    expect(where.get_by_role("heading", name=WHERE[language])).to_be_visible()
    expect(where).to_contain_text(ADDRESS[language])
    expect(where).to_contain_text(TRIPS[language])

    # the sample form downloads as a PDF with its name
    with page.expect_download() as download_info:
        page.get_by_role("link", name=SAMPLE[language]).click()
    download = download_info.value
    assert download.suggested_filename == f"{SAMPLE[language]}.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # a question opens to its answer
    question = page.locator("details.guide-faq", has_text=QUESTION[language])
    expect(question.locator("p")).to_be_hidden()
    question.locator("summary").click()
    expect(question.locator("p")).to_contain_text(ANSWER[language])

    # the procedure drawing, named for assistive technology, with the steps in words beside it
    drawing = page.get_by_role("img", name=DRAWING[language])
    expect(drawing).to_be_visible()
    expect(drawing.locator("text").first).to_be_visible()
    box = drawing.bounding_box()
    assert box["width"] <= page.viewport_size["width"]
    expect(page.get_by_role("heading", name=STEPS[language])).to_be_visible()
    expect(page.locator("ol.procedure-steps > li").nth(1)).to_contain_text(FIRST_STAGE[language])

    assert axe_violations(page) == []
    screenshot(page, f"guide-details-{language}-{viewport_name}")


# Every label of the drawing inside its own box, and no two labels overlapping (as rendered).
LABELS_COLLIDE = """() => {
  const svg = document.querySelector('svg.procedure-drawing');
  const texts = [...svg.querySelectorAll('tspan')].map(t => t.getBoundingClientRect());
  const boxes = [...svg.querySelectorAll('rect')].map(r => r.getBoundingClientRect());
  const inside = (t, b) => t.left >= b.left - 0.5 && t.right <= b.right + 0.5
    && t.top >= b.top - 0.5 && t.bottom <= b.bottom + 0.5;
  const overlap = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5
    && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const problems = [];
  texts.forEach((t, i) => {
    if (!boxes.some(b => inside(t, b))) problems.push(`label ${i} outside every box`);
    texts.slice(i + 1).forEach((u, j) => {
      if (overlap(t, u)) problems.push(`${i} overlaps ${i + j + 1}`);
    });
  });
  return {problems, labels: texts.length};
}"""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_parallel_departments_sit_side_by_side_without_colliding_on_a_phone(
    open_page, catalogue, language
):
    page = open_page(language, viewport=PHONE)
    page.goto("/services/PLAN-PERMIT/")

    drawing = page.locator("svg.procedure-drawing")
    lanes = drawing.locator("rect.procedure-lane")
    # intake, three departments in parallel, decision
    expect(lanes).to_have_count(5)
    tops = {round(lanes.nth(i).bounding_box()["y"]) for i in (1, 2, 3)}
    assert len(tops) == 1  # side by side
    result = page.evaluate(LABELS_COLLIDE)
    assert result["labels"] > 10
    assert result["problems"] == []
    assert drawing.bounding_box()["width"] <= PHONE["width"]
    assert axe_violations(page) == []
    screenshot(page, f"guide-procedure-parallel-{language}-phone")
    page.locator("figure.procedure-figure").screenshot(
        path=str(SCREENSHOTS / f"guide-procedure-drawing-{language}-phone.png")
    )
