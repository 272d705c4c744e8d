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
NOTICES = SERVICES / "notices"
# The channel: it defines ``message`` and the tellers, and passes their texts through.
CHANNEL = SERVICES / "notifications.py"
TELLERS = {"notify", "notify_many", "tell_applicant", "licence_tell_holder"}


def _name(func) -> str:
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def inline_notice_texts(source: str, *, channel: bool = False) -> list[int]:
    """Where ``source`` builds a notice's wording itself: a ``message(...)``; a title or body
    written in place (a string, a translation, anything but a name handed on); a teller
    (``notify``…) given a title or body instead of a constructor's ``**notice.fields()``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _name(node.func)
        texts = [k for k in node.keywords if k.arg in ("title", "body")]
        if name == "message":
            lines.append(node.lineno)
        elif any(not isinstance(k.value, ast.Name) for k in texts):
            lines.append(node.lineno)
        elif name in TELLERS and texts and not channel:
            lines.append(node.lineno)
    return lines


def _service_modules() -> list[pathlib.Path]:
    return sorted(path for path in SERVICES.rglob("*.py") if NOTICES not in path.parents)


@pytest.mark.parametrize(
    "module", _service_modules(), ids=lambda path: str(path.relative_to(SERVICES))
)
def test_no_service_builds_notice_text_of_its_own(module):
    """Every module of ``approvals/services/`` but the notices package: a new service cannot
    slip prose in."""
    inline = inline_notice_texts(module.read_text(encoding="utf-8"), channel=module == CHANNEL)
    assert inline == [], f"{module.name} builds notice texts inline at lines {inline}"


@pytest.mark.parametrize(
    "source",
    [
        'notify(user=u, title=message(_("Hi %(n)s"), n=1), body=b)',
        'tell_applicant(a, kind="k", title=_("Hi"), body=_("There"))',
        'title = _("Hi")\nnotify_many(users=us, kind="k", title=title, body=body)',
        'licence_tell_holder(licence, kind="k", title=t, body=b)',
        '_tell(user, task, "k", message(_("Hi")), message(_("There")))',
        'revoke(title=gettext_lazy("Licence revoked"), body="Your licence")',
    ],
)
def test_the_guard_sees_inline_texts(source):
    assert inline_notice_texts(source) != []


def test_the_guard_lets_constructed_notices_pass():
    source = (
        "notice = notice_task_new(application, task=task)\n"
        "notify(user=user, application=application, **notice.fields())\n"
        'raise ValidationError(_("This task is closed."))\n'
    )
    assert inline_notice_texts(source) == []
    assert SERVICES / "sweep.py" in _service_modules()
    assert not any(NOTICES in path.parents for path in _service_modules())


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
