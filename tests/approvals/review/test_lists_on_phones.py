"""The officials' lists on a phone: each row of the queue becomes a card whose every cell says
which column it is (``data-label``), so that no column is squeezed and the actions stay in
reach. (The browser journey ``tests/browser/test_phone_lists.py`` looks at it at 390 px.)"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _table(page: str, testid: str) -> str:
    match = re.search(
        rf'<table class="[^"]*table-stack[^"]*" data-testid="{testid}">.*?</table>', page, re.S
    )
    assert match, f"the {testid} table is not stacked on phones"
    return match.group(0)


def _cells_without_label(table: str) -> list[str]:
    body = table.split("<tbody>", 1)[1]
    return [cell for cell in re.findall(r"<td[^>]*>", body) if "data-label=" not in cell]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_department_queue_is_cards_with_labelled_cells(
    demo, started, verified_client_factory, language
):
    reviewer = verified_client_factory(demo.reviewers["planning"])
    page = reviewer.get(
        reverse("approvals:work_queue"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()

    table = _table(page, "queue")
    assert started.tracking_number in table
    assert _cells_without_label(table) == []
    assert 'class="table-actions"' in table
    assert ('data-label="操作"' if language == "zh-hans" else 'data-label="Actions"') in table


def test_the_task_pages_tables_scroll_by_keyboard_on_a_phone(
    demo, started, verified_client_factory
):
    """A table wider than a phone scrolls inside its wrapper; axe's scrollable-region-focusable
    asks that the wrapper be reachable by keyboard and named (the restaurant journey found the
    task history's table failing it at 390 px)."""
    from .conftest import task_of

    task = task_of(started, "planning")
    reviewer = verified_client_factory(demo.reviewers["planning"])
    page = reviewer.get(reverse("approvals:work_task", args=[task.pk])).content.decode()

    wrappers = re.findall(r'<div class="table-wrap"[^>]*>', page)
    assert wrappers
    for wrapper in wrappers:
        assert 'tabindex="0"' in wrapper and 'role="region"' in wrapper, wrapper
        assert "aria-label" in wrapper, wrapper


def test_every_scrolling_table_in_every_template_can_be_reached_and_named():
    # Given every template: a table wrapper scrolls sideways on a narrow screen, so a keyboard
    # user must be able to focus it and a screen reader must hear what it holds (axe's
    # scrollable-region-focusable).
    templates = Path(settings.BASE_DIR, "templates").rglob("*.html")
    wrappers = [
        (path.name, wrapper)
        for path in templates
        for wrapper in re.findall(r'<div class="table-wrap"[^>]*>', path.read_text())
    ]

    # Then each is a focusable, named region.
    assert len(wrappers) > 20
    for name, wrapper in wrappers:
        assert 'tabindex="0"' in wrapper and 'role="region"' in wrapper, (name, wrapper)
        assert "aria-label" in wrapper, (name, wrapper)
