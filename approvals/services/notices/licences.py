"""Notices to a licence's holder: its issue, its end by the department (revocation 撤销,
cancellation 注销), its coming expiry, and a renewal deemed granted (Art. 50)
(``approvals/services/licence_issue.py``, ``licences.py``, ``deemed_renewal.py``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from approvals.models import Application, Licence
from approvals.services.notices.text import (
    NoticeText,
    application_params,
    detail_link,
    lazy_text,
)
from approvals.services.notifications import message


def _licence_params(licence: Licence) -> dict:
    version = licence.application.service_version
    return {
        "number": licence.number,
        "service": lazy_text(lambda: version.name),
        "valid_to": f"{licence.valid_to:%Y-%m-%d}" if licence.valid_to else "",
    }


def notice_licence_issued(application: Application, *, licence: Licence) -> NoticeText:
    """The licence is in the register; its certificate is on the application's page."""
    version = application.service_version
    params = {
        "licence": licence.number,
        "service": lazy_text(lambda: version.name),
        "valid_to": licence.valid_to.isoformat() if licence.valid_to else "",
    }
    if licence.valid_to:
        body = _(
            "Licence %(licence)s for %(service)s has been issued, valid until %(valid_to)s. "
            "The certificate, sealed as a PDF, is on the application's page."
        )
    else:
        body = _(
            "Licence %(licence)s for %(service)s has been issued, without end date. The "
            "certificate, sealed as a PDF, is on the application's page."
        )
    return NoticeText(
        kind="licence.issued",
        link=detail_link(application),
        title=message(_("Licence issued: %(licence)s"), **params),
        body=message(body, **params),
    )


def _licence_ended(licence: Licence, *, kind: str, reason: str, title, body) -> NoticeText:
    """Revocation and cancellation alike: the reason and the remedies, linked to the page of the
    licence's application, where the written decision is."""
    params = _licence_params(licence) | {"reason": reason}
    return NoticeText(
        kind=kind,
        link=detail_link(licence.application),
        title=message(title, **params),
        body=message(body, **params),
    )


def notice_licence_revoked(licence: Licence, *, reason: str) -> NoticeText:
    """撤销 (Art. 69)."""
    return _licence_ended(
        licence,
        kind="licence.revoked",
        reason=reason,
        title=_("Licence revoked: %(number)s"),
        body=_(
            "Your licence %(number)s for %(service)s has been revoked by the issuing "
            "department. Reason: %(reason)s. The written decision is on the page of the "
            "licence's application. You may apply for administrative reconsideration within "
            "60 days or bring a lawsuit within 6 months of receiving it."
        ),
    )


def notice_licence_cancelled(licence: Licence, *, reason: str) -> NoticeText:
    """注销 (Art. 70)."""
    return _licence_ended(
        licence,
        kind="licence.cancelled",
        reason=reason,
        title=_("Licence cancelled: %(number)s"),
        body=_(
            "Your licence %(number)s for %(service)s has been cancelled in the licence "
            "register by the issuing department. Reason: %(reason)s. The written decision is "
            "on the page of the licence's application. You may apply for administrative "
            "reconsideration within 60 days or bring a lawsuit within 6 months of receiving it."
        ),
    )


def notice_licence_expiry_reminder(licence: Licence, *, days_left: int) -> NoticeText:
    """Art. 50: renew in time; the link opens the licence in "My licences"."""
    params = _licence_params(licence) | {"days": days_left}
    return NoticeText(
        kind="licence.expiry_reminder",
        link=reverse("approvals:my_licences") + f"#licence-{licence.pk}",
        title=message(_("Licence %(number)s expires on %(valid_to)s"), **params),
        body=message(
            _(
                "Your licence %(number)s for %(service)s expires in %(days)s days, on "
                "%(valid_to)s. To keep it, apply for its renewal from My licences; the law asks "
                "for the application at least 30 days before expiry (Administrative Licensing "
                "Law, Art. 50)."
            ),
            **params,
        ),
    )


def notice_renewal_deemed_granted(
    application: Application, *, old: Licence, licence: Licence | None
) -> NoticeText:
    """To the applicant: a renewal not decided before the old licence ended (Art. 50)."""
    params = {
        **application_params(application),
        "licence": licence.number if licence else "",
        "old": old.number,
    }
    return NoticeText(
        kind="application.renewal_deemed_approved",
        link=detail_link(application),
        title=message(_("Renewal granted: %(number)s"), **params),
        body=message(
            _(
                "Your renewal %(number)s of licence %(old)s for %(service)s was not decided "
                "before the licence ended, so by law it is deemed granted (Administrative "
                "Licensing Law, Art. 50). The renewed licence is %(licence)s; the decision and "
                "the certificate are on the application's page."
            ),
            **params,
        ),
    )
