"""The licence register's lifecycle after issue: revocation (撤销) and cancellation (注销) by the
issuing department, change (变更) and renewal (延续) as applications of their own, the new
licence superseding the old one, and the expiry reminders.

Issuing a licence on approval is ``approvals.services.licence_issue`` (the documents work); it
calls ``licence_supersede_on_issue`` for a licence whose application changes or renews another.
"""

import dataclasses
import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import BusinessMembership, MembershipRole, MembershipStatus, User
from approvals.domain.china_time import china_today
from approvals.models import (
    CERTIFICATE_KINDS,
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Document,
    DocumentKind,
    DocumentStatus,
    Licence,
    LicenceAction,
    LicenceStatus,
    ServiceVersion,
    VersionStatus,
)
from approvals.selectors import policy
from approvals.selectors.licences import status_reason_text
from approvals.selectors.withdrawals import LicenceRevoked
from approvals.services.act_event import ActEvent
from approvals.services.applications import application_start, application_withdraw
from approvals.services.documents import document_issue
from approvals.services.notices import (
    NoticeText,
    notice_licence_cancelled,
    notice_licence_expiry_reminder,
    notice_licence_revoked,
)
from approvals.services.notices.text import lazy_text
from approvals.services.notifications import notify
from audit.chain import audit_record

# Expiry reminders, in days before ``valid_to`` (issue 5).
REMINDER_DAYS = (60, 30)
# Art. 50: the holder applies for a renewal at least 30 days before the licence expires (unless a
# law, regulation or rule says otherwise), and the agency decides before it expires. The portal
# opens renewals with the first reminder and takes them until the last day of validity: a late
# renewal is the department's to judge, an expired licence needs a new application.
RENEWAL_OPENS_DAYS_BEFORE = 60
RENEWAL_STATUTORY_DAYS_BEFORE = 30


def licence_valid_to(valid_from: datetime.date, years: int | None) -> datetime.date | None:
    """The last day of a licence valid ``years`` from ``valid_from``: the day before the
    anniversary (a five-year licence from 2026-06-15 runs to 2031-06-14). From 29 February the
    anniversary in a common year is 1 March, so the licence runs to 28 February. ``None`` for a
    licence without end."""
    if not years:
        return None
    try:
        anniversary = valid_from.replace(year=valid_from.year + years)
    except ValueError:  # 29 February, in a common year
        anniversary = datetime.date(valid_from.year + years, 3, 1)
    return anniversary - datetime.timedelta(days=1)


def holder_users(licence: Licence) -> list[User]:
    """Who hears about a licence as its holder: the person; for a business its administrators,
    the agents who see all its matters, and whoever filed the application (if still a member)."""
    if licence.person_id is not None:
        return [licence.person.user]
    memberships = (
        BusinessMembership.objects.filter(business_id=licence.business_id)
        .filter(status=MembershipStatus.ACTIVE)
        .filter(
            Q(role=MembershipRole.ADMIN)
            | Q(sees_all_applications=True)
            | Q(user_id=licence.application.created_by_id)
        )
        .select_related("user")
        .order_by("user_id")
    )
    return list({m.user_id: m.user for m in memberships}.values())


def licence_tell_holder(
    licence: Licence, notice: NoticeText, *, application: Application | None = None
) -> None:
    """Tell the licence's holder (``holder_users``) ``notice`` — its issue, end or coming expiry
    (the constructors in ``services/notices/licences.py`` link to the application's page, where
    the certificate is, or to the licence in "My licences"). With ``application`` the notice
    belongs to it."""
    for user in holder_users(licence):
        notify(user=user, application=application, **notice.fields())


def _on_behalf_of(licence: Licence) -> str:
    return f"business:{licence.business_id}" if licence.business_id else ""


def _lock(licence: Licence) -> Licence:
    return (
        Licence.objects.select_for_update(of=("self",))
        .select_related("application__service_version", "person__user")
        .get(pk=licence.pk)
    )


def _certificates(licence: Licence):
    return Document.objects.filter(
        licence=licence, kind__in=CERTIFICATE_KINDS, status=DocumentStatus.VALID
    )


def _end_licence(
    *,
    actor: User,
    licence: Licence,
    reason: str,
    status: str,
    event: str,
    now=None,
    withdrawn=None,
    act: ActEvent | None = None,
) -> tuple[Licence, list[int]]:
    """Set the licence's new status with its reason, and its valid certificates' status to
    match; the certificates' ids. Recorded as ``event`` about the licence, or, when the end is
    a step of a larger act (a pledge found false), in that act's one event (``act``)."""
    now = now or timezone.now()
    before, before_reason = licence.status, licence.status_reason
    licence.status = status
    licence.status_reason = reason
    licence.status_changed_at = now
    licence.status_changed_by = actor
    licence.save(
        update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"]
    )
    document_status = (
        DocumentStatus.SUPERSEDED if status == LicenceStatus.SUPERSEDED else DocumentStatus.REVOKED
    )
    certificates = list(_certificates(licence).values_list("pk", flat=True))
    Document.objects.filter(pk__in=certificates).update(
        status=document_status, status_reason=reason, status_changed_at=now
    )
    changes = {
        "status": [before, status],
        "status_reason": [before_reason, reason],
        "certificates": [None, certificates],
        "certificate_status": [DocumentStatus.VALID, document_status]
        if certificates
        else [None, None],
        **({"withdrawn": [None, withdrawn]} if withdrawn else {}),
    }
    if act is not None:
        # In the act's event, the licence's own fields say whose they are.
        act.add(
            {
                "licence": [None, licence.number],
                "licence_status": changes.pop("status"),
                "licence_status_reason": changes.pop("status_reason"),
                **changes,
            },
            on_behalf_of=_on_behalf_of(licence),
        )
        return licence, certificates
    audit_record(
        action=event,
        actor=actor,
        obj=licence,
        on_behalf_of=_on_behalf_of(licence),
        reason=reason,
        changes=changes,
    )
    return licence, certificates


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason; the holder will read it.")]})
    return reason


def _require_valid(licence: Licence) -> None:
    if licence.status != LicenceStatus.VALID:
        raise ValidationError(
            _("This licence is %(status)s already; its status cannot change again.")
            % {"status": licence.get_status_display().lower()}
        )


def _withdraw_follow_ups(
    *, actor: User, licence: Licence, reason: str, false_pledge: bool = False
) -> list[str]:
    """Withdraw the open change and renewal applications of a revoked licence: there is nothing
    left to change or renew. Their tracking numbers, for the decision. Each withdrawal keeps the
    revocation's reason and the licence; its readers read why in their own language."""

    withdrawn = []
    follow_ups = Application.objects.filter(
        licence_to_supersede=licence, status__in=OPEN_STATUSES
    ).order_by("pk")
    revoked = LicenceRevoked(licence.number, false_pledge=false_pledge)
    for application in follow_ups:
        application_withdraw(
            actor=actor,
            application=application,
            reason=reason,
            authorised=True,
            revoked=revoked,
        )
        withdrawn.append(application.tracking_number or str(application.pk))
    return withdrawn


def _end_by_department(
    *,
    actor: User,
    licence: Licence,
    reason: str,
    status: str,
    event: str,
    decision_kind: str,
    notice: Callable[..., NoticeText],
    act: ActEvent | None = None,
    false_pledge: bool = False,
) -> Licence:
    """Revocation and cancellation alike: the issuing department ends a valid licence with a
    reason (its certificates follow), audited, with a sealed written decision stating the reason
    and the remedies (Art. 38 by analogy: reconsideration 60 days, lawsuit 6 months) issued to
    the holder, who is told. A revocation also withdraws the licence's open change and renewal
    applications."""

    policy.require_licence_manager(actor, licence)
    reason = _require_reason(reason)
    locked = _lock(licence)
    _require_valid(locked)
    withdrawn = []
    if status == LicenceStatus.REVOKED:
        # Each follow-up's withdrawal is its own application's status change; the licence's
        # one event names them.
        withdrawn = _withdraw_follow_ups(
            actor=actor, licence=locked, reason=reason, false_pledge=false_pledge
        )
    locked, _documents = _end_licence(
        actor=actor,
        licence=locked,
        reason=reason,
        status=status,
        event=event,
        withdrawn=withdrawn,
        act=act,
    )
    version = locked.application.service_version
    # A pledge found false revokes with the finding as the reason; each reader reads what it
    # is in their own language (the decision prints it in both).
    document_issue(
        application=locked.application,
        kind=decision_kind,
        source_key=str(locked.pk),
        actor=actor,
        extra={
            "reasons": reason,
            "false_pledge": false_pledge,
            "holder_name": locked.holder_name,
            "licence_number": locked.number,
            "certificate_zh": version.certificate_name_zh or "许可证",
            "certificate_en": version.certificate_name_en or "licence",
            "licence_issued_on": locked.valid_from,
            "valid_from": locked.valid_from,
            "valid_to": locked.valid_to,
            "withdrawn_applications": withdrawn,
        },
    )
    reason_read = lazy_text(lambda: status_reason_text(reason, false_pledge=false_pledge))
    licence_tell_holder(locked, notice(locked, reason=reason_read), application=locked.application)
    return locked


@transaction.atomic
def licence_revoke(
    *,
    actor: User,
    licence: Licence,
    reason: str,
    act: ActEvent | None = None,
    false_pledge: bool = False,
) -> Licence:
    """撤销 (Art. 69): the issuing department withdraws a licence that should not have been
    granted (or was obtained by deceit). The holder is told why, and of the remedies. ``act``:
    the revocation is a step of a larger act (a pledge found false, ``false_pledge``: ``reason``
    is the finding, which readers see called a false pledge in their language), recorded in its
    event."""
    return _end_by_department(
        actor=actor,
        licence=licence,
        reason=reason,
        act=act,
        false_pledge=false_pledge,
        status=LicenceStatus.REVOKED,
        event="licence.revoked",
        decision_kind=DocumentKind.REVOCATION_DECISION,
        notice=notice_licence_revoked,
    )


@transaction.atomic
def licence_cancel(*, actor: User, licence: Licence, reason: str) -> Licence:
    """注销 (Art. 70): the issuing department closes the register entry of a licence that has
    ended for another reason (the holder gave it up or ceased to exist, the licence lapsed, …).
    A holder who wants to give a licence up asks the department, which records it here."""
    return _end_by_department(
        actor=actor,
        licence=licence,
        reason=reason,
        status=LicenceStatus.CANCELLED,
        event="licence.cancelled",
        decision_kind=DocumentKind.CANCELLATION_DECISION,
        notice=notice_licence_cancelled,
    )


# --- Change and renewal -------------------------------------------------------------------------


def renewal_window(licence: Licence) -> tuple[datetime.date, datetime.date] | None:
    """The first and last day a renewal can be started, or ``None`` for a licence without end."""
    if licence.valid_to is None:
        return None
    opens = licence.valid_to - datetime.timedelta(days=RENEWAL_OPENS_DAYS_BEFORE)
    return opens, licence.valid_to


def follow_up_problem(licence: Licence, action: str, *, today=None) -> str:
    """Why ``action`` (change or renewal) cannot be started for ``licence`` today, or ``""``."""
    today = today or china_today()
    if not licence.in_force(today):
        return _("Only a valid licence can be changed or renewed.")
    if action == LicenceAction.RENEWAL:
        window = renewal_window(licence)
        if window is None:
            return _("This licence has no end date and needs no renewal.")
        if today < window[0]:
            return _(
                "A renewal can be applied for from %(date)s (%(days)s days before the licence "
                "expires)."
            ) % {"date": f"{window[0]:%Y-%m-%d}", "days": RENEWAL_OPENS_DAYS_BEFORE}
    return ""


def _published_version(licence: Licence) -> ServiceVersion | None:
    return (
        ServiceVersion.objects.filter(item_id=licence.item_id, status=VersionStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


@transaction.atomic
def licence_follow_up_start(*, actor: User, licence: Licence, action: str) -> Application:
    """A change (变更) or renewal (延续) application for ``licence``: a new draft of the service
    item's current published version, naming the licence, prefilled from the licence's own
    application (and the registries, which win: 一数一源). A draft already started for the same
    licence and action by the same person is returned instead of a second one."""

    policy.require_licence_follow_up(actor, licence)
    if action not in LicenceAction.values:
        raise ValidationError(_("Choose a change or a renewal."))
    locked = _lock(licence)
    problem = follow_up_problem(locked, action)
    if problem:
        raise ValidationError(problem)
    running = Application.objects.filter(
        licence_to_supersede=locked,
        status__in=[ApplicationStatus.DRAFT, *OPEN_STATUSES, ApplicationStatus.APPROVED],
    ).first()
    if running is not None:
        if running.status == ApplicationStatus.DRAFT and running.created_by_id == actor.pk:
            return running
        raise ValidationError(
            _("An application to change or renew this licence is already in progress.")
        )
    version = _published_version(locked)
    if version is None:
        raise ValidationError(_("This service is not open for applications at the moment."))
    # One act, one event, about the new draft: its start and the licence it changes or renews.
    act = ActEvent(action="licence.follow_up_started", obj=locked, actor=actor)
    application = application_start(actor=actor, version=version, business=locked.business, act=act)
    known = set((version.form_schema or {}).get("properties", {}))
    earlier = {k: v for k, v in locked.application.data.items() if k in known}
    application.data = earlier | application.data
    application.licence_to_supersede = locked
    application.licence_action = action
    application.save(update_fields=["data", "licence_to_supersede", "licence_action"])
    act.add(
        {
            "licence": [None, locked.number],
            "licence_action": [None, action],
            "prefilled_from_licence": [None, sorted(earlier)],
        }
    )
    act.record()
    return application


@transaction.atomic
def licence_supersede_on_issue(
    *, new_licence: Licence, actor: User | None, act: ActEvent | None = None
) -> Licence:
    """Link a newly issued licence to the one its application changes or renews, and retire the
    old one (status superseded, its certificates superseded). A renewal continues the old
    validity: it starts the day after the old licence ends when that is later than the decision;
    a change keeps the old end date (变更 alters the content, not the term). Called by
    ``licence_issue`` inside its transaction; calling it again changes nothing. ``act``: the new
    licence's ``licence.issued`` fact, which then says what it supersedes (else recorded as
    ``licence.supersedes``)."""
    application = new_licence.application
    old = application.licence_to_supersede
    if old is None or new_licence.supersedes_id == old.pk:
        return new_licence
    old = _lock(old)
    if old.status != LicenceStatus.VALID:
        raise ValidationError(
            _("Licence %(number)s is no longer valid and cannot be changed or renewed.")
            % {"number": old.number}
        )
    before = {"valid_from": new_licence.valid_from, "valid_to": new_licence.valid_to}
    if application.licence_action == LicenceAction.RENEWAL and old.valid_to is not None:
        continued = old.valid_to + datetime.timedelta(days=1)
        if continued > new_licence.valid_from:
            # The full term from the new start, by the same rule as on issue (not shifted by a
            # number of days, which drifts across month ends and leap days).
            new_licence.valid_from = continued
            new_licence.valid_to = licence_valid_to(
                continued, application.service_version.licence_valid_years
            )
    elif application.licence_action == LicenceAction.CHANGE:
        new_licence.valid_to = old.valid_to
    new_licence.supersedes = old
    new_licence.save(update_fields=["supersedes", "valid_from", "valid_to"])
    reason = (
        _("Renewed by licence %(number)s")
        if application.licence_action == LicenceAction.RENEWAL
        else _("Changed by licence %(number)s")
    ) % {"number": new_licence.number}
    _end_licence(
        actor=actor,
        licence=old,
        reason=reason,
        status=LicenceStatus.SUPERSEDED,
        event="licence.superseded",
    )
    changes = {
        "supersedes": [None, old.number],
        "licence_action": [None, application.licence_action],
        "valid_from": [before["valid_from"], new_licence.valid_from],
        "valid_to": [before["valid_to"], new_licence.valid_to],
    }
    if act is not None:
        act.add(changes, on_behalf_of=_on_behalf_of(new_licence))
        return new_licence
    audit_record(
        action="licence.supersedes",
        actor=actor,
        obj=new_licence,
        on_behalf_of=_on_behalf_of(new_licence),
        changes=changes,
    )
    return new_licence


# --- Expiry reminders ---------------------------------------------------------------------------


@dataclasses.dataclass
class ReminderReport:
    reminded: dict[int, list[int]] = dataclasses.field(default_factory=dict)  # days → licence ids


def licence_expiry_reminders_send(*, today: datetime.date | None = None) -> ReminderReport:
    """Remind holders of valid licences that expire within 60 and within 30 days, once per
    threshold (``Licence.reminders_sent``). A licence first found with 25 days left gets the
    30-day reminder only, and both thresholds are recorded. Set-based (the partial index
    ``licence_expiry``) and idempotent: a second run the same day sends nothing."""
    today = today or china_today()
    horizon = today + datetime.timedelta(days=max(REMINDER_DAYS))
    candidates = (
        Licence.objects.filter(status=LicenceStatus.VALID, valid_to__gte=today)
        .filter(valid_to__lte=horizon)
        .values_list("pk", "valid_to", "reminders_sent")
    )
    report = ReminderReport()
    for pk, valid_to, sent in candidates:
        due = _due_thresholds(valid_to, today, sent)
        if due:
            with transaction.atomic():
                threshold = _remind_one(pk, today=today)
            if threshold is not None:
                report.reminded.setdefault(threshold, []).append(pk)
    return report


def _due_thresholds(valid_to: datetime.date, today: datetime.date, sent) -> list[int]:
    days_left = (valid_to - today).days
    return [days for days in REMINDER_DAYS if days_left <= days and days not in (sent or [])]


def _remind_one(pk: int, *, today: datetime.date) -> int | None:
    licence = (
        Licence.objects.select_for_update(of=("self",))
        .select_related("application__service_version", "person__user")
        .get(pk=pk)
    )
    if licence.status != LicenceStatus.VALID or licence.valid_to is None:
        return None
    due = _due_thresholds(licence.valid_to, today, licence.reminders_sent)
    if not due:
        return None  # another sweep got here first
    threshold = min(due)
    before = list(licence.reminders_sent or [])
    licence.reminders_sent = sorted(set(before) | set(due), reverse=True)
    licence.save(update_fields=["reminders_sent"])
    days_left = (licence.valid_to - today).days
    audit_record(
        action="licence.expiry_reminder_sent",
        obj=licence,
        on_behalf_of=_on_behalf_of(licence),
        changes={
            "reminders_sent": [before, licence.reminders_sent],
            "days_left": [None, days_left],
        },
    )
    licence_tell_holder(licence, notice_licence_expiry_reminder(licence, days_left=days_left))
    return threshold
