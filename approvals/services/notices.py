"""What the portal tells people, one small constructor per notice (saleor's ``order/events.py``
shape): each names its kind and holds its texts as message ids with their parameters, so that
``notify`` renders them in every language and shows each reader theirs (``Notification.texts``).
The services decide who hears what and when; the wording lives here only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from approvals.domain.china_time import china_time
from approvals.models import Application, PauseKind
from approvals.services.notifications import clause, message


@dataclass(frozen=True)
class NoticeText:
    """A notice ready for ``notify``/``tell_applicant``/``notify_many``: the texts are lazy
    (rendered in the recipient's language when the notification is written)."""

    kind: str
    title: object
    body: object
    link: str = ""

    def fields(self) -> dict:
        return {"kind": self.kind, "title": self.title, "body": self.body, "link": self.link}


def _lazy_text(compute: Callable[[], str]):
    """A parameter computed in the language active when the text is rendered."""
    return lazy(compute, str)()


def _params(application: Application) -> dict:
    version = application.service_version
    return {
        "service": _lazy_text(lambda: version.name),
        "number": application.tracking_number or "",
    }


def _detail_link(application: Application) -> str:
    return reverse("approvals:application_detail", args=[application.pk])


# --- Submission and withdrawal (approvals/services/applications.py) ---------------------------


def _submitted_on(application: Application) -> dict:
    return {
        **_params(application),
        "date": f"{china_time(application.submitted_at):%Y-%m-%d %H:%M}",
    }


def notice_application_submitted(application: Application) -> NoticeText:
    """To the applicant: the receipt (its query code goes as the notice's private line)."""
    params = _submitted_on(application)
    return NoticeText(
        kind="application.submitted",
        link=_detail_link(application),
        title=message(_("Application received: %(number)s"), **params),
        body=message(
            _(
                "Your application for %(service)s was submitted on %(date)s. Its tracking "
                "number is %(number)s. The service window will now check that it is "
                "complete and tell you the outcome."
            ),
            **params,
        ),
    )


def query_code_text(query_code: str):
    """The receipt notice's private line (e-mail and SMS only, never stored)."""
    return message(
        _(
            "Your query code is %(code)s. With the tracking number it lets you look up "
            "the progress without signing in. Keep it to yourself."
        ),
        code=query_code,
    )


def notice_window_new_application(application: Application) -> NoticeText:
    """To the window's clerks: a submission waits for the completeness check."""
    params = _submitted_on(application)
    return NoticeText(
        kind="intake.new_application",
        title=message(_("New application to check: %(number)s"), **params),
        body=message(
            _(
                "%(service)s, submitted on %(date)s, waits at the service window for the "
                "completeness check."
            ),
            **params,
        ),
    )


def notice_application_withdrawn(application: Application) -> NoticeText:
    """To the applicant: the application is withdrawn."""
    params = _params(application)
    return NoticeText(
        kind="application.withdrawn",
        link=_detail_link(application),
        title=message(_("Application withdrawn: %(number)s"), **params),
        body=message(
            _(
                "Your application %(number)s for %(service)s has been withdrawn. It will "
                "not be processed further."
            ),
            **params,
        ),
    )


def notice_window_application_withdrawn(application: Application) -> NoticeText:
    """To the window's clerks: the applicant withdrew."""
    params = _params(application)
    return NoticeText(
        kind="intake.application_withdrawn",
        title=message(_("Application withdrawn: %(number)s"), **params),
        body=message(_("The applicant withdrew %(number)s (%(service)s)."), **params),
    )


# --- Acceptance (approvals/services/acceptance.py) ----------------------------------------------


def notice_application_accepted(application: Application, *, accepted_on: dt.date) -> NoticeText:
    params = {**_params(application), "date": accepted_on.isoformat()}
    return NoticeText(
        kind="intake.accepted",
        link=_detail_link(application),
        title=message(_("Application accepted: %(number)s"), **params),
        body=message(
            _(
                "Your application %(number)s for %(service)s was accepted on %(date)s and is now "
                "being reviewed. The written notice of acceptance, sealed as a PDF, is on the "
                "application's page."
            ),
            **params,
        ),
    )


def notice_application_accepted_with_pledge(
    application: Application, *, material, due_on: dt.date
) -> NoticeText:
    params = {
        **_params(application),
        "material": _lazy_text(lambda: material.name),
        "due": due_on.isoformat(),
    }
    return NoticeText(
        kind="intake.accepted_with_pledge",
        link=_detail_link(application),
        title=message(_("Application accepted with a pledge: %(number)s"), **params),
        body=message(
            _(
                "Your application %(number)s for %(service)s was accepted and is being reviewed, "
                "on your pledge to hand in “%(material)s” by %(due)s. If it is not handed in by "
                "then, the window will follow it up."
            ),
            **params,
        ),
    )


def _deemed_params(application: Application) -> dict:
    received = application.received_on.isoformat() if application.received_on else ""
    return {"number": application.tracking_number or "", "received": received}


def notice_application_deemed_accepted(application: Application) -> NoticeText:
    """To the applicant: the window let the 5 working days pass (Art. 32)."""
    params = _deemed_params(application)
    return NoticeText(
        kind="application.deemed_accepted",
        link=_detail_link(application),
        title=message(_("Application accepted: %(number)s"), **params),
        body=message(
            _(
                "The service window did not decide on %(number)s within 5 working days, so "
                "by law it counts as accepted from the day it was received, %(received)s "
                "(Art. 32). The review has started."
            ),
            **params,
        ),
    )


def notice_window_deemed_accepted(application: Application) -> NoticeText:
    """To the window's clerks: an application they left undecided is deemed accepted."""
    params = _deemed_params(application)
    return NoticeText(
        kind="intake.deemed_accepted",
        title=message(_("Deemed accepted without an intake decision: %(number)s"), **params),
        body=message(
            _(
                "%(number)s waited at the window past its 5 working days and is now deemed "
                "accepted from %(received)s (Art. 32)."
            ),
            **params,
        ),
    )


# --- Intake: supplement notice, refusal, the applicant's answer ----------------------------------


def notice_supplement_requested(
    application: Application,
    *,
    reply_by: dt.date,
    item_lines: Callable[[], str],
    during_review: bool = False,
) -> NoticeText:
    """The one-time notice, from the window (Art. 32(4)) or from a reviewer during review;
    ``item_lines`` lists the items in the reader's language."""
    params = {
        **_params(application),
        "date": reply_by.isoformat(),
        "items": _lazy_text(item_lines),
    }
    if during_review:
        body = message(
            _(
                "The department reviewing your application %(number)s for %(service)s needs "
                "more from you. This is everything that is missing or must be corrected, all at "
                "once:\n%(items)s\n"
                "Please send your supplement by %(date)s. The time limit is paused until you do."
            ),
            **params,
        )
    else:
        body = message(
            _(
                "The service window checked your application %(number)s for %(service)s. "
                "This is everything that is missing or must be corrected, all at once:\n"
                "%(items)s\n"
                "Please send your supplement by %(date)s. The time limit is paused until you do."
            ),
            **params,
        )
    return NoticeText(
        kind="supplement.requested" if during_review else "intake.supplement_requested",
        link=reverse("approvals:application_supplement", args=[application.pk]),
        title=message(_("Please complete your application: %(number)s"), **params),
        body=body,
    )


def notice_application_refused(
    application: Application, *, reasons: str, competent_agency: str = ""
) -> NoticeText:
    """Art. 32(1): the reasons, and the competent agency when the matter is not ours."""
    params = {
        **_params(application),
        "reasons": clause(reasons),
        "agency": clause(competent_agency),
    }
    if competent_agency:
        body = message(
            _(
                "Your application %(number)s for %(service)s was not accepted. Reasons: "
                "%(reasons)s. Please apply to: %(agency)s."
            ),
            **params,
        )
    else:
        body = message(
            _(
                "Your application %(number)s for %(service)s was not accepted. Reasons: "
                "%(reasons)s."
            ),
            **params,
        )
    return NoticeText(
        kind="intake.refused",
        link=_detail_link(application),
        title=message(_("Application not accepted: %(number)s"), **params),
        body=body,
    )


def notice_supplement_received(application: Application, *, during_review: bool) -> NoticeText:
    """To the clerk (or the reviewers) who asked: the applicant sent the supplement."""
    params = _params(application)
    return NoticeText(
        kind="intake.supplement_answered",
        link=""
        if during_review
        else reverse("approvals:intake_application", args=[application.pk]),
        title=message(_("Supplement received: %(number)s"), **params),
        body=message(
            _("The applicant sent the supplement for %(number)s (%(service)s)."), **params
        ),
    )


# --- The clock: pauses and extensions (approvals/services/deadlines.py) --------------------------


def notice_clock_paused(application: Application, *, pause) -> NoticeText:
    """Art. 45: the applicant is told why the clock stops, and for how long if known."""
    pause_kind = pause.kind
    params = {
        **_params(application),
        "kind": _lazy_text(lambda: str(PauseKind(pause_kind).label)),
        "date": pause.started_on.isoformat(),
        "reason": pause.reason,
    }
    if pause.expected_working_days:
        body = message(
            _(
                "The time limit for %(number)s (%(service)s) is paused from %(date)s for: "
                "%(kind)s. Reason: %(reason)s. This is expected to take %(days)s working days, "
                "which do not count toward the time limit (Art. 45)."
            ),
            days=pause.expected_working_days,
            **params,
        )
    else:
        body = message(
            _(
                "The time limit for %(number)s (%(service)s) is paused from %(date)s for: "
                "%(kind)s. Reason: %(reason)s. This time does not count toward the time limit "
                "(Art. 45)."
            ),
            **params,
        )
    return NoticeText(
        kind="deadline.paused",
        title=message(_("Time limit paused: %(number)s"), **params),
        body=body,
    )


def notice_clock_resumed(application: Application, *, pause, due) -> NoticeText:
    """``due``: the running due date as the applicant reads it (``deadlines.due_text``)."""
    params = {**_params(application), "date": pause.ended_on.isoformat(), "due": due}
    return NoticeText(
        kind="deadline.resumed",
        title=message(_("Time limit running again: %(number)s"), **params),
        body=message(
            _(
                "The pause of the time limit for %(number)s (%(service)s) ended on %(date)s. "
                "The time limit now runs out on %(due)s."
            ),
            **params,
        ),
    )


def notice_extension_requested(application: Application, *, extension) -> NoticeText:
    """To the department heads on the case (Art. 42)."""
    params = {
        "number": application.tracking_number or "",
        "days": extension.working_days,
        "reason": extension.reason,
    }
    return NoticeText(
        kind="extension.requested",
        title=message(_("Extension to approve: %(number)s"), **params),
        body=message(
            _("An extension of %(days)s working days is requested for %(number)s: %(reason)s"),
            **params,
        ),
    )


def _extension_params(application: Application, extension, due) -> dict:
    return {
        **_params(application),
        "days": extension.working_days,
        "reason": extension.reason,
        "due": due,
    }


def notice_time_limit_extended(application: Application, *, extension, due) -> NoticeText:
    """To the applicant, when the head approved the extension (Art. 42)."""
    params = _extension_params(application, extension, due)
    return NoticeText(
        kind="deadline.extended",
        title=message(_("Time limit extended: %(number)s"), **params),
        body=message(
            _(
                "The time limit for deciding %(number)s (%(service)s) has been extended by "
                "%(days)s working days, with the approval of the department head (Art. 42). "
                "Reason: %(reason)s. The decision is now due by %(due)s."
            ),
            **params,
        ),
    )


def notice_extension_decided(
    application: Application, *, extension, approved: bool, due
) -> NoticeText:
    """To the official who asked for the extension."""
    params = _extension_params(application, extension, due)
    return NoticeText(
        kind="extension.decided",
        title=message(
            _("Extension approved: %(number)s") if approved else _("Extension refused: %(number)s"),
            **params,
        ),
        body=message(
            _("The extension of %(days)s working days for %(number)s was approved.")
            if approved
            else _("The extension of %(days)s working days for %(number)s was refused."),
            **params,
        ),
    )


# --- The decision (approvals/services/workflow.py) ----------------------------------------------


def notice_application_approved(application: Application) -> NoticeText:
    params = {"number": application.tracking_number or ""}
    return NoticeText(
        kind="application.approved",
        link=_detail_link(application),
        title=message(_("Application approved: %(number)s"), **params),
        body=message(_("Your application %(number)s has been approved."), **params),
    )


def notice_application_denied(application: Application, *, reasons: str) -> NoticeText:
    """Art. 38: a denial states its reasons and the applicant's remedies."""
    params = {"number": application.tracking_number or "", "reasons": clause(reasons)}
    return NoticeText(
        kind="application.denied",
        link=_detail_link(application),
        title=message(_("Application denied: %(number)s"), **params),
        body=message(
            _(
                "Your application %(number)s has been denied. Reasons: %(reasons)s. If you "
                "disagree, you may apply for administrative reconsideration within 60 days "
                "or bring an administrative lawsuit within 6 months of receiving the decision."
            ),
            **params,
        ),
    )


# --- Review tasks (approvals/services/workflow.py) ----------------------------------------------


def notice_task_new(application: Application, *, task) -> NoticeText:
    """To everyone holding the task's department and role: there is work."""
    params = {"number": application.tracking_number or "", "due": str(task.due_on or "")}
    return NoticeText(
        kind="task.new",
        link=reverse("approvals:work_task", args=[task.pk]),
        title=message(_("New task: %(number)s"), **params),
        body=message(
            _("Application %(number)s waits for your department (due %(due)s)."), **params
        ),
    )


def notice_second_approval_needed(application: Application, *, task) -> NoticeText:
    """To the others holding a drafted task's role: a second approver is needed."""
    params = {"number": application.tracking_number or ""}
    return NoticeText(
        kind="task.second_approval",
        link=reverse("approvals:work_task", args=[task.pk]),
        title=message(_("Second approval needed: %(number)s"), **params),
        body=message(
            _("An approval of %(number)s was drafted and needs a second approver."), **params
        ),
    )


# --- The deadline sweep: pledges (approvals/services/sweep.py) ----------------------------------


def _pledge_params(application: Application, pledge, reply_by: dt.date | None) -> dict:
    version = application.service_version
    return {
        "number": application.tracking_number or "",
        "material": _lazy_text(
            lambda: next(
                (m.name for m in version.materials.all() if m.key == pledge.material_key),
                pledge.material_key,
            )
        ),
        "date": pledge.due_on.isoformat(),
        "reply_by": reply_by.isoformat() if reply_by else "",
    }


def notice_pledge_lapsed(application: Application, *, pledge, reply_by) -> NoticeText:
    """To the applicant: a pledged material (容缺受理) was not handed in by its date; with
    ``reply_by`` the matter is reopened as a supplement notice with the clock paused."""
    params = _pledge_params(application, pledge, reply_by)
    if reply_by is not None:
        link = reverse("approvals:application_supplement", args=[application.pk])
        body = message(
            _(
                "You pledged to provide %(material)s for %(number)s by %(date)s and have not. "
                "The matter is reopened: upload %(material)s and send it by %(reply_by)s. The "
                "time limit is paused until you do."
            ),
            **params,
        )
    else:
        link = ""
        body = message(
            _(
                "You pledged to provide %(material)s for %(number)s by %(date)s and have "
                "not. The service window will follow up; provide it as soon as you can."
            ),
            **params,
        )
    return NoticeText(
        kind="pledge.lapsed",
        link=link,
        title=message(_("Pledged material overdue: %(number)s"), **params),
        body=body,
    )


def notice_window_pledge_lapsed(application: Application, *, pledge) -> NoticeText:
    """To the window's clerks: a pledge they took lapsed; the matter is open again."""
    params = _pledge_params(application, pledge, None)
    return NoticeText(
        kind="intake.pledge_lapsed",
        title=message(_("Pledge lapsed, follow up: %(number)s"), **params),
        body=message(
            _(
                "The applicant of %(number)s did not provide %(material)s by %(date)s as "
                "pledged. The matter is open again at the window for follow-up."
            ),
            **params,
        ),
    )


# --- Supervision cards (approvals/services/sweep.py) --------------------------------------------

# (title, body) by colour: for late review work (or intake at the window), and for late
# verifications of pledges after the licence (事后核查, 告知承诺制).
_CARD_TEXTS = {
    "red": (
        _("Red card: %(count)s overdue"),
        _(
            "%(count)s matters of your department are past their time limit and got a red "
            "supervision card: %(numbers)s"
        ),
    ),
    "yellow": (
        _("Yellow card: %(count)s due soon"),
        _(
            "%(count)s matters of your department are close to their time limit and got a "
            "yellow supervision card: %(numbers)s"
        ),
    ),
}
_COMMITMENT_CARD_TEXTS = {
    "red": (
        _("Red card: %(count)s pledge verifications overdue"),
        _(
            "The verification after the licence (事后核查) of %(count)s pledges is past its "
            "time limit and got a red supervision card: %(numbers)s"
        ),
    ),
    "yellow": (
        _("Yellow card: %(count)s pledge verifications due soon"),
        _(
            "The verification after the licence (事后核查) of %(count)s pledges is close to "
            "its time limit and got a yellow supervision card: %(numbers)s"
        ),
    ),
}


def notice_cards_raised(colour: str, *, count: int, numbers: str) -> NoticeText:
    """To a department's heads and the officials who work the late review tasks (or the window's
    clerks): ``count`` matters got a card of ``colour`` (电子监察)."""
    title, body = _CARD_TEXTS[colour]
    params = {"count": count, "numbers": numbers}
    return NoticeText(
        kind=f"supervision.card_{colour}",
        title=message(title, **params),
        body=message(body, **params),
    )


def notice_commitment_cards_raised(colour: str, *, count: int, numbers: str) -> NoticeText:
    """To a department's heads and approvers, who verify: ``count`` verifications of pledges
    after the licence got a card of ``colour``; the link opens the department's list."""
    title, body = _COMMITMENT_CARD_TEXTS[colour]
    params = {"count": count, "numbers": numbers}
    return NoticeText(
        kind=f"supervision.card_{colour}",
        link=reverse("approvals:commitment_queue"),
        title=message(title, **params),
        body=message(body, **params),
    )


# --- 一件事: a one-thing case at the window and its members' progress ---------------------------
# (approvals/services/theme_intake.py, theme_supplement.py, theme_progress.py). One notice for
# the whole case.


def _case_params(case) -> dict:
    version = case.version
    return {
        "theme": _lazy_text(lambda: version.name),
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
        "accepted": _lazy_text(_service_names(accepted)),
        "waiting": _lazy_text(_service_names(waiting)),
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
    params = {**_case_params(case), "date": reply_by.isoformat(), "items": _lazy_text(item_lines)}
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
    params = {**_case_params(case), "services": _lazy_text(_service_names(started))}
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
        "stopped": _lazy_text(_service_names(stopped)),
        "denied": _lazy_text(_service_names(denied)),
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
