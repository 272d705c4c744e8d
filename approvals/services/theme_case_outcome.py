"""A submitted 一件事 case afterwards, as the applicant acts on it: withdrawn (each member not yet
decided through its own withdrawal), rated once every member is decided (一键评价: one rating
reaching each department), and its certificates handed over as one set (一窗出件).
"""

from __future__ import annotations

import io
import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from approvals.models import OPEN_STATUSES, Application, ServiceRating, ThemeCase, ThemeCaseStatus
from approvals.selectors import policy
from approvals.selectors.theme_cases import case_certificates, case_delivery_ready, case_members
from approvals.services.applications import application_withdraw
from approvals.services.documents import document_record_download
from approvals.services.lifecycle import on_behalf_of
from approvals.services.ratings import may_be_rated, rating_submit
from audit.chain import audit_record

# --- Withdraw ----------------------------------------------------------------------------------


def theme_case_withdraw(*, actor: User, case: ThemeCase, reason: str) -> ThemeCase:
    """Withdraw a submitted case with a reason: every member not yet decided is withdrawn
    (each through its own withdrawal, which its window is told of); decided ones stay."""
    policy.require_theme_case_edit(actor, case)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you withdraw the application.")]})
    with transaction.atomic():
        locked = ThemeCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != ThemeCaseStatus.SUBMITTED:
            raise ValidationError(_("Only a submitted application can be withdrawn."))
        open_members = list(
            Application.objects.filter(theme_case=locked, status__in=OPEN_STATUSES).order_by("pk")
        )
        if not open_members:
            raise ValidationError(
                _("Only a submitted application that is not yet decided can be withdrawn.")
            )
        for member in open_members:
            application_withdraw(actor=actor, application=member, reason=reason)
        ThemeCase.objects.filter(pk=locked.pk).update(
            status=ThemeCaseStatus.WITHDRAWN,
            revision=F("revision") + 1,
            updated_at=timezone.now(),
        )
        audit_record(
            action="theme_case.withdrawn",
            actor=actor,
            obj=locked,
            on_behalf_of=on_behalf_of(locked),
            reason=reason,
            changes={
                "status": [ThemeCaseStatus.SUBMITTED, ThemeCaseStatus.WITHDRAWN],
                "members": [None, [m.theme_member_key for m in open_members]],
            },
        )
    locked.refresh_from_db()
    return locked


# --- One rating (一键评价) ------------------------------------------------------------------------


def theme_case_rate(
    *, actor: User, case: ThemeCase, grade: int, comment: str = ""
) -> list[ServiceRating]:
    """One rating for the case: a rating of each decided member, reaching each department
    (a bad grade opens each one's rectification, as a single rating does). Once."""
    policy.require_theme_case_edit(actor, case)
    if grade not in range(1, 6):
        raise ValidationError({"grade": _("Choose a grade from 1 to 5.")})
    with transaction.atomic():
        locked = ThemeCase.objects.select_for_update().get(pk=case.pk)
        if locked.rated_at is not None:
            raise ValidationError(_("You have already rated this application."))
        members = list(Application.objects.filter(theme_case=locked).order_by("pk"))
        ratable = [m for m in members if may_be_rated(m)]
        if not ratable or any(m.status in OPEN_STATUSES for m in members):
            raise ValidationError(
                {"grade": _("You can rate the services once every one of them has been decided.")}
            )
        ratings = [
            rating_submit(actor=actor, application=m, grade=grade, comment=comment) for m in ratable
        ]
        now = timezone.now()
        ThemeCase.objects.filter(pk=locked.pk).update(rated_at=now)
        audit_record(
            action="theme_case.rated",
            actor=actor,
            obj=locked,
            on_behalf_of=on_behalf_of(locked),
            changes={
                "grade": [None, grade],
                "ratings": [None, [r.pk for r in ratings]],
                "rated_at": [None, now],
            },
        )
    return ratings


# --- 一窗出件: the certificates as one set ------------------------------------------------------


def theme_case_deliver(*, actor: User, case: ThemeCase) -> list:
    """The case's issued certificates and decisions handed over as one set: with delivery
    "together" only once no member is open any more, otherwise as each is ready. Each document
    handed over is recorded as downloaded, and the set once for the case."""
    policy.require_theme_case_view(actor, case)
    members = case_members(case)
    documents = [d for d in case_certificates(case) if d.sha256]
    if not case_delivery_ready(case, members) or not documents:
        raise ValidationError(_("The certificates are not ready yet."))
    with transaction.atomic():
        for document in documents:
            document_record_download(actor=actor, document=document)
        audit_record(
            action="theme_case.certificates_delivered",
            actor=actor,
            obj=case,
            on_behalf_of=on_behalf_of(case),
            changes={"documents": [None, [d.number for d in documents]]},
        )
    return documents


def theme_case_certificates_zip(*, actor: User, case: ThemeCase) -> bytes:
    """一窗出件 as one file: the documents ``theme_case_deliver`` hands over, in one ZIP (one
    PDF each, named by its document number), for the page and the API alike."""
    documents = theme_case_deliver(actor=actor, case=case)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in documents:
            with document.file.open("rb") as handle:
                archive.writestr(f"{document.number}.pdf", handle.read())
    return buffer.getvalue()
