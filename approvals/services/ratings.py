"""好差评 (DESIGN.md §2): once a matter is decided its applicant rates the service 1–5 with a
comment; a rating of 1 or 2 opens a rectification task for the department, due in 15 working
days, which the department's head completes with what was done."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OfficialPosition, OfficialRole, User
from approvals.domain.china_time import china_today
from approvals.models import (
    Application,
    ApplicationStatus,
    RectificationStatus,
    RectificationTask,
    ServiceRating,
)
from approvals.selectors import policy
from approvals.services.deadlines import rectification_due_on
from approvals.services.notices import notice_rectification_opened
from approvals.services.notifications import notify
from audit.chain import audit_record

# A matter can be rated once it is decided (approved or denied, and what follows an approval).
RATABLE_STATUSES = frozenset(
    {
        ApplicationStatus.APPROVED,
        ApplicationStatus.DENIED,
        ApplicationStatus.LICENCE_ISSUED,
        ApplicationStatus.CLOSED,
    }
)
BAD_GRADES = frozenset({1, 2})


def may_be_rated(application: Application) -> bool:
    return application.status in RATABLE_STATUSES


@transaction.atomic
def rating_submit(
    *, actor: User, application: Application, grade: int, comment: str = ""
) -> ServiceRating:
    """The applicant side rates a decided application, once."""
    policy.require_rating(actor, application)
    locked = (
        Application.objects.select_for_update()
        .select_related("service_version__item")
        .get(pk=application.pk)
    )
    if not may_be_rated(locked):
        raise ValidationError(
            {"grade": _("You can rate the service once your application has been decided.")}
        )
    if grade not in range(1, 6):
        raise ValidationError({"grade": _("Choose a grade from 1 to 5.")})
    if ServiceRating.objects.filter(application=locked).exists():
        raise ValidationError(_("You have already rated this application."))
    department = locked.service_version.item.department
    rating = ServiceRating.objects.create(
        application=locked,
        department=department,
        grade=grade,
        comment=comment.strip(),
        rater=actor,
    )
    changes = {"application": [None, locked.pk], "grade": [None, grade]}
    if grade in BAD_GRADES:
        # One act, one event: the rating names the rectification it opens.
        task = _open_rectification(rating)
        changes |= {"rectification": [None, task.pk], "rectification_due_on": [None, task.due_on]}
    audit_record(action="rating.submitted", actor=actor, obj=rating, changes=changes)
    return rating


def _open_rectification(rating: ServiceRating) -> RectificationTask:
    today = china_today()
    task = RectificationTask.objects.create(
        rating=rating,
        department=rating.department,
        due_on=rectification_due_on(today),
    )
    heads = OfficialPosition.objects.filter(
        department=rating.department, role=OfficialRole.DEPARTMENT_HEAD, is_active=True
    ).select_related("user")
    notice = notice_rectification_opened(rating, task=task)
    for position in heads:
        notify(user=position.user, application=rating.application, **notice.fields())
    return task


@transaction.atomic
def rectification_complete(
    *, actor: User, task: RectificationTask, response: str
) -> RectificationTask:
    """The head of the rated department says what was done; the task is closed."""
    policy.require_department_head(actor, task.department)
    locked = RectificationTask.objects.select_for_update().get(pk=task.pk)
    if locked.status != RectificationStatus.OPEN:
        raise ValidationError(_("This rectification is already done."))
    response = response.strip()
    if not response:
        raise ValidationError({"response": _("Say what was done.")})
    locked.status = RectificationStatus.DONE
    locked.response = response
    locked.done_at = timezone.now()
    locked.done_by = actor
    locked.save(update_fields=["status", "response", "done_at", "done_by"])
    audit_record(
        action="rectification.completed",
        actor=actor,
        obj=locked,
        changes={"status": [RectificationStatus.OPEN, RectificationStatus.DONE]},
        reason=response,
        actor_role=OfficialRole.DEPARTMENT_HEAD,
        actor_department=locked.department,
    )
    return locked
