"""Art. 50: a renewal (延续) applied for in time that the department has not decided before the
old licence ends is deemed approved (视为准予延续).

A daily sweep (with the expiry reminders) finds such renewals, set-based: open renewal
applications whose licence is still valid in the register but whose ``valid_to`` has passed.
Each is approved on the day after the old licence ended, with a written decision that says it was
deemed, its renewed licence and certificate (continuing the old term without a gap), an audit
event, its open review tasks cancelled, and a notice to the applicant.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.db import transaction

from approvals.domain.china_time import china_today
from approvals.domain.lifecycle import Action
from approvals.models import (
    Application,
    ApplicationStatus,
    DocumentKind,
    LicenceAction,
    LicenceStatus,
    ReviewTask,
)
from approvals.services.documents import document_issue
from approvals.services.licence_issue import licence_issue
from approvals.services.licences import RENEWAL_STATUTORY_DAYS_BEFORE
from approvals.services.lifecycle import application_transition
from approvals.services.notices import notice_renewal_deemed_granted
from approvals.services.notifications import tell_applicant
from approvals.services.workflow import _cancel

# Before a decision, after acceptance: what the department has left undecided.
UNDECIDED = (
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.ACCEPTED_WITH_PLEDGE,
    ApplicationStatus.UNDER_REVIEW,
)
# How far back the sweep looks for licences that ended (a sweep missed for a while still
# catches up; older ones are not looked at again every day).
LOOKBACK_DAYS = 366


@dataclasses.dataclass
class DeemedRenewalReport:
    renewed: list[int] = dataclasses.field(default_factory=list)  # application ids


def applied_in_time(application: Application) -> bool:
    """Art. 50: received at least 30 days before the old licence ends."""
    old = application.licence_to_supersede
    if application.received_on is None or old is None or old.valid_to is None:
        return False
    latest = old.valid_to - datetime.timedelta(days=RENEWAL_STATUTORY_DAYS_BEFORE)
    return application.received_on <= latest


def _candidates(today: datetime.date):
    return Application.objects.filter(
        licence_action=LicenceAction.RENEWAL,
        status__in=UNDECIDED,
        licence_to_supersede__status=LicenceStatus.VALID,
        licence_to_supersede__valid_to__lt=today,
        licence_to_supersede__valid_to__gte=today - datetime.timedelta(days=LOOKBACK_DAYS),
    ).values_list("pk", flat=True)


def deemed_renewals_sweep(*, today: datetime.date | None = None) -> DeemedRenewalReport:
    """Deem approved every renewal the department left undecided past the old licence's end.
    Idempotent: a deemed renewal is approved, so the next run does not find it again."""
    today = today or china_today()
    report = DeemedRenewalReport()
    for pk in list(_candidates(today)):
        if renewal_deem_approved(application_id=pk, today=today):
            report.renewed.append(pk)
    return report


def _cancel_open_tasks(application: Application) -> list[int]:

    open_ids = ReviewTask.objects.filter(application=application, status="open").values_list(
        "pk", flat=True
    )
    return [task.pk for task in _cancel(None, open_ids)]


@transaction.atomic
def renewal_deem_approved(*, application_id: int, today: datetime.date | None = None) -> bool:
    """Deem one renewal approved (the sweep's step); ``False`` when it no longer qualifies (it
    was decided or withdrawn meanwhile, the licence ended otherwise, or it came late)."""
    today = today or china_today()
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("licence_to_supersede", "service_version")
        .get(pk=application_id)
    )
    old = application.licence_to_supersede
    if (
        application.status not in UNDECIDED
        or application.licence_action != LicenceAction.RENEWAL
        or old is None
        or old.status != LicenceStatus.VALID
        or old.valid_to is None
        or old.valid_to >= today
        or not applied_in_time(application)
    ):
        return False
    deemed_on = old.valid_to + datetime.timedelta(days=1)
    cancelled = _cancel_open_tasks(application)
    application = application_transition(
        actor=None,
        application=application,
        action=Action.DEEM_RENEWED,
        event="application.renewal_deemed_approved",
        reason="Administrative Licensing Law, Art. 50",
        fields={"decided_on": deemed_on},
        changes={
            "licence": [None, old.number],
            "licence_valid_to": [None, old.valid_to],
            "received_on": [None, application.received_on],
            "tasks_cancelled": [None, cancelled],
        },
    )
    decision = document_issue(
        application=application,
        kind=DocumentKind.APPROVAL_DECISION,
        actor=None,
        extra={
            "title_zh": "准予延续行政许可决定书",
            "title_en": "Decision to renew the licence (deemed granted, Art. 50)",
            "deemed_renewal": True,
            "old_licence_number": old.number,
            "old_valid_to": old.valid_to,
        },
    )
    licence = licence_issue(application=application, actor=None, decision=decision)
    notice = notice_renewal_deemed_granted(application, old=old, licence=licence)
    tell_applicant(application, **notice.fields())
    return True
