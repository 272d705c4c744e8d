"""Notices of the window's intake: acceptance (also deemed, also against a pledge), the
supplement notice, refusal, the applicant's answer, and the sweep's follow-up of a lapsed
pledge (``approvals/services/acceptance.py``, ``intake.py``, ``sweep.py``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.models import Application
from approvals.services.notices.text import (
    NoticeText,
    application_params,
    detail_link,
    lazy_text,
)
from approvals.services.notifications import clause, message

# --- Acceptance (approvals/services/acceptance.py) ----------------------------------------------


def notice_application_accepted(application: Application, *, accepted_on: dt.date) -> NoticeText:
    params = {**application_params(application), "date": accepted_on.isoformat()}
    return NoticeText(
        kind="intake.accepted",
        link=detail_link(application),
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
        **application_params(application),
        "material": lazy_text(lambda: material.name),
        "due": due_on.isoformat(),
    }
    return NoticeText(
        kind="intake.accepted_with_pledge",
        link=detail_link(application),
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
        link=detail_link(application),
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
        **application_params(application),
        "date": reply_by.isoformat(),
        "items": lazy_text(item_lines),
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
        **application_params(application),
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
        link=detail_link(application),
        title=message(_("Application not accepted: %(number)s"), **params),
        body=body,
    )


def notice_supplement_received(application: Application, *, during_review: bool) -> NoticeText:
    """To the clerk (or the reviewers) who asked: the applicant sent the supplement."""
    params = application_params(application)
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


# --- The deadline sweep: pledges (approvals/services/sweep.py) ----------------------------------


def _pledge_params(application: Application, pledge, reply_by: dt.date | None) -> dict:
    version = application.service_version
    return {
        "number": application.tracking_number or "",
        "material": lazy_text(
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
