"""Notices of a one-thing case (一件事) at the window and of its members' progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.domain.china_time import china_time
from approvals.services.notices.text import NoticeText, lazy_text
from approvals.services.notifications import message

# --- 一件事: a one-thing case at the window and its members' progress ---------------------------
# (approvals/services/theme_intake.py, theme_supplement.py, theme_progress.py). One notice for
# the whole case.


def _case_params(case) -> dict:
    version = case.version
    return {
        "theme": lazy_text(lambda: version.name),
        "number": case.tracking_number or "",
    }


def case_link(case) -> str:
    """The applicant's page of the case."""
    return reverse("approvals:theme_case_detail", args=[case.pk])


def _submitted_params(case, count: int) -> dict:
    return {
        **_case_params(case),
        "count": count,
        "date": f"{china_time(case.submitted_at):%Y-%m-%d %H:%M}",
    }


def notice_theme_case_submitted(case, *, count: int) -> NoticeText:
    """To the applicant: the case and its ``count`` services are received, as one."""
    params = _submitted_params(case, count)
    return NoticeText(
        kind="theme_case.submitted",
        link=case_link(case),
        title=message(_("Application received: %(number)s"), **params),
        body=message(
            _(
                "Your one-thing application %(theme)s (%(count)s services) was submitted on "
                "%(date)s. Its tracking number is %(number)s. One service window checks it "
                "as a whole and tells you the outcome."
            ),
            **params,
        ),
    )


def notice_window_theme_case_submitted(case, *, count: int) -> NoticeText:
    """To the window's clerks: a case waits for the completeness check, as one."""
    params = _submitted_params(case, count)
    return NoticeText(
        kind="intake.new_theme_case",
        title=message(_("New one-thing application to check: %(number)s"), **params),
        body=message(
            _(
                "%(theme)s (%(count)s services), submitted on %(date)s, waits at the service "
                "window for the completeness check."
            ),
            **params,
        ),
    )


def _service_names(applications) -> Callable[[], str]:
    versions = [application.service_version for application in applications]
    return lambda: "、".join(version.name for version in versions)


def notice_theme_case_accepted(case, *, accepted, waiting, deemed: bool = False) -> NoticeText:
    """To the applicant: the window accepted the whole case; the members in ``waiting`` start
    once the members they need are approved."""
    params = {
        **_case_params(case),
        "accepted": lazy_text(_service_names(accepted)),
        "waiting": lazy_text(_service_names(waiting)),
    }
    if deemed:
        body = _(
            "The service window did not decide on %(number)s (%(theme)s) within 5 working days, "
            "so by law it counts as accepted from the day it was received (Art. 32). Now under "
            "review: %(accepted)s."
        )
    else:
        body = _(
            "Your one-thing application %(number)s (%(theme)s) was accepted as a whole. Now "
            "under review, each by its own department: %(accepted)s."
        )
    if waiting:
        body = message(
            _("%(summary)s Starting once the services they need are approved: %(waiting)s."),
            summary=message(body, **params),
            waiting=params["waiting"],
        )
    else:
        body = message(body, **params)
    return NoticeText(
        kind="theme_case.accepted",
        link=case_link(case),
        title=message(_("One-thing application accepted: %(number)s"), **params),
        body=body,
    )


def notice_window_theme_case_deemed_accepted(case) -> NoticeText:
    """To the lead window's clerks: a case they left undecided is deemed accepted."""
    params = _case_params(case)
    return NoticeText(
        kind="theme_case.deemed_accepted",
        title=message(_("Deemed accepted without an intake decision: %(number)s"), **params),
        body=message(
            _(
                "The one-thing case %(number)s (%(theme)s) waited at the window past its 5 "
                "working days and is now deemed accepted as a whole (Art. 32)."
            ),
            **params,
        ),
    )


def notice_theme_case_supplement_requested(
    case, *, reply_by: dt.date, item_lines: Callable[[], str]
) -> NoticeText:
    """The one-time notice for the whole case, every department's items at once (Art. 32(4))."""
    params = {**_case_params(case), "date": reply_by.isoformat(), "items": lazy_text(item_lines)}
    return NoticeText(
        kind="theme_case.supplement_requested",
        link=reverse("approvals:theme_case_supplement", args=[case.pk]),
        title=message(_("Please complete your one-thing application: %(number)s"), **params),
        body=message(
            _(
                "The service window checked your one-thing application %(number)s (%(theme)s) "
                "for every department involved. This is everything that is missing or must be "
                "corrected, all at once:\n%(items)s\n"
                "Please answer once, on one page, by %(date)s. The time limits are paused until "
                "you do."
            ),
            **params,
        ),
    )


def notice_theme_case_supplement_received(case) -> NoticeText:
    """To the window: the applicant answered the case's supplement notice."""
    params = _case_params(case)
    return NoticeText(
        kind="theme_case.supplement_received",
        link=reverse("approvals:theme_case_intake", args=[case.pk]),
        title=message(_("Supplement received: %(number)s"), **params),
        body=message(
            _(
                "The applicant answered the supplement notice of the one-thing case %(number)s "
                "(%(theme)s). It is back at the window."
            ),
            **params,
        ),
    )


def notice_theme_case_refused(case, *, reasons: str, competent_agency: str = "") -> NoticeText:
    params = {**_case_params(case), "reasons": reasons, "agency": competent_agency}
    body = _(
        "The service window did not accept your one-thing application %(number)s (%(theme)s). "
        "Reasons: %(reasons)s"
    )
    if competent_agency:
        body = message(
            _("%(summary)s Please apply to: %(agency)s."),
            summary=message(body, **params),
            agency=competent_agency,
        )
    else:
        body = message(body, **params)
    return NoticeText(
        kind="theme_case.refused",
        link=case_link(case),
        title=message(_("One-thing application not accepted: %(number)s"), **params),
        body=body,
    )


def notice_theme_members_started(case, *, started) -> NoticeText:
    """To the applicant: the members that waited for a prerequisite have started (their own
    time limits run from today), citing the prerequisite's licence."""
    params = {**_case_params(case), "services": lazy_text(_service_names(started))}
    return NoticeText(
        kind="theme_case.members_started",
        link=case_link(case),
        title=message(_("Next step of your one-thing application: %(number)s"), **params),
        body=message(
            _(
                "The services these need were approved, so their review has started today, "
                "using the licences just issued: %(services)s (%(number)s, %(theme)s)."
            ),
            **params,
        ),
    )


def notice_theme_members_stopped(case, *, stopped, denied) -> NoticeText:
    """To the applicant: a member was denied; the members that depend on it are stopped, the
    others go on."""
    params = {
        **_case_params(case),
        "stopped": lazy_text(_service_names(stopped)),
        "denied": lazy_text(_service_names(denied)),
    }
    return NoticeText(
        kind="theme_case.members_stopped",
        link=case_link(case),
        title=message(_("Part of your one-thing application stopped: %(number)s"), **params),
        body=message(
            _(
                "%(denied)s was not approved, so these cannot go on and are stopped: "
                "%(stopped)s. The other services of %(number)s (%(theme)s) go on."
            ),
            **params,
        ),
    )
