"""Texts in one place: what the portal tells people is built by the constructors of the
``approvals/services/notices/`` package (message ids with parameters, rendered in each
reader's language), not inline in the services that decide who hears it."""

import ast
import datetime as dt
import pathlib

import pytest
from django.urls import reverse
from django.utils import translation

from approvals.services.notices import (
    notice_access_granted,
    notice_cards_raised,
    notice_commitment_found_false,
    notice_commitment_verification_opened,
    notice_licence_cancelled,
    notice_licence_expiry_reminder,
    notice_licence_issued,
    notice_licence_revoked,
    notice_pledge_lapsed,
    notice_rectification_opened,
    notice_renewal_deemed_granted,
    notice_second_approval_needed,
    notice_task_assigned,
    notice_task_new,
    notice_window_pledge_lapsed,
)
from tests.factories import ApplicationFactory, LicenceFactory, ReviewTaskFactory

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
        built_here = name == "message" or any(not isinstance(k.value, ast.Name) for k in texts)
        handed_to_a_teller = name in TELLERS and texts and not channel
        if built_here or handed_to_a_teller:
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


@pytest.mark.django_db
def test_licence_notices_read_in_both_languages_with_their_links():
    licence = LicenceFactory(valid_to=dt.date(2031, 1, 9))
    version = licence.application.service_version
    detail = reverse("approvals:application_detail", args=[licence.application.pk])

    revoked = _both(notice_licence_revoked(licence, reason="Obtained by deceit"))
    assert revoked["en"][0] == f"Licence revoked: {licence.number}"
    assert revoked["zh-hans"][0] == f"证照已撤销：{licence.number}"
    assert version.name_en in revoked["en"][1] and version.name_zh in revoked["zh-hans"][1]
    assert all("Obtained by deceit" in body for _title, body in revoked.values())
    cancelled = notice_licence_cancelled(licence, reason="Given up")
    assert (cancelled.kind, cancelled.link) == ("licence.cancelled", detail)
    assert _both(cancelled)["zh-hans"][0] == f"证照已注销：{licence.number}"

    reminder = notice_licence_expiry_reminder(licence, days_left=30)
    assert reminder.link == reverse("approvals:my_licences") + f"#licence-{licence.pk}"
    texts = _both(reminder)
    assert texts["en"][0] == f"Licence {licence.number} expires on 2031-01-09"
    assert texts["zh-hans"][0] == f"证照 {licence.number} 将于 2031-01-09 到期"
    assert "30" in texts["en"][1] and "30" in texts["zh-hans"][1]

    issued = notice_licence_issued(licence.application, licence=licence)
    assert (issued.kind, issued.link) == ("licence.issued", detail)
    assert "2031-01-09" in _both(issued)["en"][1]
    licence.valid_to = None
    without_end = _both(notice_licence_issued(licence.application, licence=licence))
    assert "without end date" in without_end["en"][1]
    assert without_end["zh-hans"][0] == f"许可证已颁发：{licence.number}"


@pytest.mark.django_db
def test_a_deemed_renewal_names_both_licences_in_both_languages():
    old = LicenceFactory()
    renewal = ApplicationFactory(decided=True, service_version=old.application.service_version)
    new = LicenceFactory(application=renewal)
    notice = notice_renewal_deemed_granted(renewal, old=old, licence=new)
    assert notice.kind == "application.renewal_deemed_approved"
    texts = _both(notice)
    assert texts["zh-hans"][0] == f"准予延续：{renewal.tracking_number}"
    for _title, body in texts.values():
        assert old.number in body and new.number in body
    assert "Art. 50" in texts["en"][1]


@pytest.mark.django_db
def test_pledge_verification_notices_read_in_both_languages():
    licence = LicenceFactory()
    number = licence.application.tracking_number

    class Commitment:
        pk = 12

    opened = notice_commitment_verification_opened(Commitment, licence=licence, due_on=None)
    assert opened.link == reverse("approvals:commitment_verify", args=[12])
    texts = _both(opened)
    assert texts["zh-hans"][0] == f"待核查的告知承诺：{number}"
    # A due date the calendar does not cover yet is never guessed.
    assert all(licence.number in body and "—" in body for _title, body in texts.values())
    dated = notice_commitment_verification_opened(
        Commitment, licence=licence, due_on=dt.date(2026, 8, 3)
    )
    assert "2026-08-03" in _both(dated)["en"][1]

    false = notice_commitment_found_false(licence.application, licence=licence, finding="No lease")
    assert false.kind == "commitment.found_false"
    texts = _both(false)
    assert texts["en"][0] == f"False pledge found: {number}"
    assert texts["zh-hans"][0] == f"告知承诺核查不实：{number}"
    assert all("No lease" in body and licence.number in body for _t, body in texts.values())


@pytest.mark.django_db
def test_task_access_and_rectification_notices_read_in_both_languages():
    task = ReviewTaskFactory()
    number = task.application.tracking_number
    assigned = notice_task_assigned(task)
    assert (assigned.kind, assigned.link) == ("task.assigned", f"/work/tasks/{task.pk}/")
    assert _both(assigned)["zh-hans"][0] == f"指派给您的任务：{number}"

    access = notice_access_granted(task.application, reason="Second opinion")
    assert (access.kind, access.link) == ("permission.granted", reverse("approvals:work_queue"))
    texts = _both(access)
    assert texts["en"] == (
        f"Access granted: {number}",
        f"You may now see application {number}. Reason: Second opinion",
    )
    assert texts["zh-hans"][0] == f"已授予查看权限：{number}"

    class Rating:
        application = task.application
        grade = 2

    class Rectification:
        due_on = None

    rectification = notice_rectification_opened(Rating, task=Rectification)
    assert rectification.link == reverse("approvals:rectifications")
    texts = _both(rectification)
    assert texts["zh-hans"][0] == "差评需要整改"
    assert all(number in body and "—" in body for _title, body in texts.values())
