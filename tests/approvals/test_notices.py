"""Texts in one place: what the portal tells people is built by the constructors of
``approvals/services/notices.py`` (message ids with parameters, rendered in each reader's
language), not inline in the services that decide who hears it."""

import ast
import datetime as dt
import pathlib

import pytest
from django.urls import reverse
from django.utils import translation

from approvals.services.notices import (
    notice_cards_raised,
    notice_pledge_lapsed,
    notice_second_approval_needed,
    notice_task_new,
    notice_window_pledge_lapsed,
)
from tests.factories import ApplicationFactory

SERVICES = pathlib.Path(__file__).resolve().parents[2] / "approvals" / "services"


@pytest.mark.parametrize(
    "module", ["sweep.py", "workflow.py", "acceptance.py", "intake.py", "applications.py"]
)
def test_these_services_build_no_notice_text_of_their_own(module):
    tree = ast.parse((SERVICES / module).read_text(encoding="utf-8"))
    inline = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "message"
    ]
    assert inline == [], f"{module} builds notice texts inline at lines {inline}"


def _both(notice) -> dict:
    texts = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            texts[language] = (str(notice.title), str(notice.body))
    return texts


def test_a_card_notice_reads_in_both_languages():
    texts = _both(notice_cards_raised("red", count=2, numbers="A-1, A-2"))
    assert texts["en"] == (
        "Red card: 2 overdue",
        "2 matters of your department are past their time limit and got a red supervision "
        "card: A-1, A-2",
    )
    assert "红牌" in texts["zh-hans"][0] and "A-1, A-2" in texts["zh-hans"][1]
    yellow = notice_cards_raised("yellow", count=1, numbers="A-3")
    assert yellow.kind == "supervision.card_yellow"
    assert "黄牌" in _both(yellow)["zh-hans"][0]


@pytest.mark.django_db
def test_pledge_lapse_and_task_notices_carry_their_parameters_in_both_languages():
    application = ApplicationFactory(submitted=True)
    material = application.service_version.materials.first()

    class Pledge:
        material_key = material.key if material else "lease"
        due_on = dt.date(2026, 6, 1)

    class Task:
        pk = 7
        due_on = dt.date(2026, 6, 20)

    reopened = notice_pledge_lapsed(application, pledge=Pledge, reply_by=dt.date(2026, 6, 8))
    for title, body in _both(reopened).values():
        assert application.tracking_number in title
        assert "2026-06-01" in body and "2026-06-08" in body
    assert reopened.link == reverse("approvals:application_supplement", args=[application.pk])
    assert notice_pledge_lapsed(application, pledge=Pledge, reply_by=None).link == ""
    window = notice_window_pledge_lapsed(application, pledge=Pledge)
    assert window.kind == "intake.pledge_lapsed"
    new = notice_task_new(application, task=Task)
    assert (new.kind, new.link) == ("task.new", "/work/tasks/7/")
    assert all("2026-06-20" in body for _title, body in _both(new).values())
    second = notice_second_approval_needed(application, task=Task)
    assert second.kind == "task.second_approval"
    assert all(application.tracking_number in t for t, _b in _both(second).values())
