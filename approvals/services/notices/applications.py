"""Notices of submission and withdrawal (``approvals/services/applications.py``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from approvals.domain.china_time import china_time
from approvals.models import Application
from approvals.selectors.withdrawals import LicenceRevoked
from approvals.services.notices.text import (
    NoticeText,
    application_params,
    detail_link,
    lazy_text,
)
from approvals.services.notifications import clause, message

# --- Submission and withdrawal (approvals/services/applications.py) ---------------------------


def _submitted_on(application: Application) -> dict:
    return {
        **application_params(application),
        "date": f"{china_time(application.submitted_at):%Y-%m-%d %H:%M}",
    }


def notice_application_submitted(application: Application) -> NoticeText:
    """To the applicant: the receipt (its query code goes as the notice's private line)."""
    params = _submitted_on(application)
    return NoticeText(
        kind="application.submitted",
        link=detail_link(application),
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


def _revocation_params(application: Application, revoked: LicenceRevoked, reason: str) -> dict:
    """Why the department withdrew: the revocation's sentence in the reader's language."""
    return {
        **application_params(application),
        "why": lazy_text(lambda: revoked.sentence(clause(reason))),
    }


def notice_application_withdrawn(
    application: Application, *, revoked: LicenceRevoked | None = None, reason: str = ""
) -> NoticeText:
    """To the applicant: the application is withdrawn (``revoked``: by the department, as the
    licence it changes or renews was revoked with ``reason``)."""
    title = _("Application withdrawn: %(number)s")
    if revoked is not None:
        params = _revocation_params(application, revoked, reason)
        body = _(
            "Your application %(number)s for %(service)s has been withdrawn by the issuing "
            "department. %(why)s. It will not be processed further."
        )
    else:
        params = application_params(application)
        body = _(
            "Your application %(number)s for %(service)s has been withdrawn. It will "
            "not be processed further."
        )
    return NoticeText(
        kind="application.withdrawn",
        link=detail_link(application),
        title=message(title, **params),
        body=message(body, **params),
    )


def notice_window_application_withdrawn(
    application: Application, *, revoked: LicenceRevoked | None = None, reason: str = ""
) -> NoticeText:
    """To the window's clerks: the applicant withdrew (``revoked``: the department did)."""
    if revoked is not None:
        params = _revocation_params(application, revoked, reason)
        body = _("%(number)s (%(service)s) was withdrawn by the issuing department. %(why)s.")
    else:
        params = application_params(application)
        body = _("The applicant withdrew %(number)s (%(service)s).")
    return NoticeText(
        kind="intake.application_withdrawn",
        title=message(_("Application withdrawn: %(number)s"), **params),
        body=message(body, **params),
    )
