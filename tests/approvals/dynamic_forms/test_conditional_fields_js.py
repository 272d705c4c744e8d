"""conditional-fields.js in a real Chromium: fields hide and show as the answers they depend on
change. (Without the script every field shows; see test_show_if.py for the server's side.)"""

from pathlib import Path

import pytest
from django.conf import settings

from approvals.dynamic_forms import build_step_form
from tests.approvals.dynamic_forms.helpers import render_fields
from tests.approvals.dynamic_forms.schemas import food_licence_schema

pytestmark = pytest.mark.browser

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "conditional-fields.js"


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def show(page, form) -> None:
    """The step's fields in a form, with the script loaded from its file (the page has no server
    to fetch /static/ from)."""
    html = render_fields(form).replace('src="/static/js/conditional-fields.js"', 'data-x=""')
    page.set_content(f"<form novalidate>{html}</form>")
    page.add_script_tag(path=str(SCRIPT))


def test_a_field_shows_only_for_its_choice(page):
    show(page, build_step_form(food_licence_schema(), "basic"))

    assert not page.is_visible("#id_seats")
    page.check("#id_category_1")  # catering
    assert page.is_visible("#id_seats")
    page.check("#id_category_0")  # retail
    assert not page.is_visible("#id_seats")


def test_typed_answers_and_checkboxes_drive_conditions_and_chains(page):
    schema = food_licence_schema()
    schema["properties"]["floor_area"]["x-show-if"] = {"field": "agrees", "equals": True}
    schema["properties"]["notes"]["x-show-if"] = {"field": "floor_area", "in": [50, 100]}
    show(page, build_step_form(schema, "premises"))

    assert not page.is_visible("#id_floor_area")
    page.check("#id_agrees")
    assert page.is_visible("#id_floor_area")
    page.fill("#id_floor_area", "50")
    assert page.is_visible("#id_notes")
    page.uncheck("#id_agrees")  # hides floor area, and so the notes that depend on it
    assert not page.is_visible("#id_floor_area")
    assert not page.is_visible("#id_notes")
