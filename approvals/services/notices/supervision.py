"""Notices of supervision (电子监察): the sweep's cards, the verification of pledges after
the licence (事后核查, 告知承诺制), the rectification a bad rating opens (好差评)
(``approvals/services/sweep.py``, ``commitments.py``, ``ratings.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.models import Application
from approvals.services.notices.text import NoticeText, application_params, detail_link
from approvals.services.notifications import message

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


# --- Pledges verified after the licence (approvals/services/commitments.py) ---------------------


def notice_commitment_verification_opened(commitment, *, licence, due_on) -> NoticeText:
    """To the issuing department's verifiers: a licence was granted on a pledge (告知承诺), to be
    verified by ``due_on`` (``None``: the calendar does not cover it yet)."""
    params = {
        "number": licence.application.tracking_number or "",
        "licence": licence.number,
        "due": due_on.isoformat() if due_on else "—",
    }
    return NoticeText(
        kind="commitment.verification_opened",
        link=reverse("approvals:commitment_verify", args=[commitment.pk]),
        title=message(_("Pledge to verify: %(number)s"), **params),
        body=message(
            _(
                "Licence %(licence)s was granted on the applicant's pledge (告知承诺). "
                "Verify the pledge by %(due)s."
            ),
            **params,
        ),
    )


def _commitment_params(application: Application, licence, finding: str = "") -> dict:
    return {
        **application_params(application),
        "licence": licence.number,
        "finding": finding,
    }


def notice_commitment_verified_true(application: Application, *, licence) -> NoticeText:
    """To the applicant: the pledge was checked and found true."""
    params = _commitment_params(application, licence)
    return NoticeText(
        kind="commitment.verified_true",
        link=detail_link(application),
        title=message(_("Pledge verified: %(number)s"), **params),
        body=message(
            _(
                "The department verified the pledge you signed for %(service)s (licence "
                "%(licence)s) and found it true. Nothing more is needed."
            ),
            **params,
        ),
    )


def notice_commitment_found_false(application: Application, *, licence, finding: str) -> NoticeText:
    """To the applicant: the pledge was found untrue; the licence is revoked and the false
    pledge stays on the applicant's record."""
    params = _commitment_params(application, licence, finding)
    return NoticeText(
        kind="commitment.found_false",
        link=detail_link(application),
        title=message(_("False pledge found: %(number)s"), **params),
        body=message(
            _(
                "The verification of the pledge you signed for %(service)s found it untrue: "
                "%(finding)s. Licence %(licence)s is revoked, and the false pledge is recorded "
                "on your record."
            ),
            **params,
        ),
    )


# --- 好差评: a bad rating's rectification (approvals/services/ratings.py) -----------------------


def notice_rectification_opened(rating, *, task) -> NoticeText:
    """To the rated department's heads: say what was done about a rating of 1 or 2."""
    return NoticeText(
        kind="rectification_opened",
        link=reverse("approvals:rectifications"),
        title=message(_("A bad rating needs rectification")),
        body=message(
            _(
                "Application %(number)s was rated %(grade)s of 5. Say what was done by "
                "%(due)s (15 working days)."
            ),
            number=rating.application.tracking_number,
            grade=rating.grade,
            # An unknown date (calendar not yet entered) is said as 15 working days.
            due=task.due_on.isoformat() if task.due_on else "—",
        ),
    )
