"""告知承诺制 (notice-and-pledge system), for the services whose version allows it.

The applicant signs a pledge on the form that replaces named certificates (the materials in the
version's ``commitment_scheme``), so submission and the window do not ask for them. On acceptance
the pledge is recorded and its letter (告知承诺书) joins the application's documents; the review
runs as usual. When the licence is issued, a verification (事后核查) with its own working-day limit
goes to the issuing department. A pledge found false leads to the licence's revocation, with the
finding as the reason (``licence_revoke`` audits and tells the holder), and stays on the
applicant's record.

This is not 容缺受理 (``intake_accept_with_pledge``): there a minor material is handed in later;
here the certificate is never handed in, and the pledge is checked after the licence.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import OfficialPosition, User
from approvals.domain.china_time import china_today
from approvals.domain.commitments import commitment_chosen
from approvals.domain.working_days import CalendarNotCovered
from approvals.models import (
    Application,
    Commitment,
    CommitmentStatus,
    DocumentKind,
    Licence,
)
from approvals.models.working_calendar import working_calendar
from approvals.selectors import policy
from approvals.services.act_event import ActEvent
from approvals.services.documents import document_issue
from approvals.services.licences import licence_revoke
from approvals.services.notices import (
    notice_commitment_found_false,
    notice_commitment_verification_opened,
    notice_commitment_verified_true,
)
from approvals.services.notifications import notify, tell_applicant
from audit.chain import audit_record

MAX_FINDING_LENGTH = 2000


def _pledge_text(application: Application) -> tuple[str, str]:
    scheme = application.service_version.commitment_scheme
    prop = application.service_version.form_schema.get("properties", {}).get(
        scheme.get("pledge_field") or "", {}
    )
    return prop.get("x-title-zh") or prop.get("title", ""), prop.get("title", "")


def commitment_record(
    *, actor: User, application: Application, act: ActEvent | None = None
) -> Commitment | None:
    """Called by the window's acceptance, inside its transaction: record the applicant's pledge
    and issue its letter. Nothing when the applicant did not choose the pledge. ``act``: the
    acceptance's one event, which names the commitment."""
    version = application.service_version
    scheme = version.commitment_scheme or {}
    if not commitment_chosen(scheme, application.data):
        return None
    existing = Commitment.objects.filter(application=application).first()
    if existing is not None:
        return existing
    statement_zh, statement_en = _pledge_text(application)
    commitment = Commitment.objects.create(
        application=application,
        replaced_materials=list(scheme["replaces"]),
        statement_zh=statement_zh,
        statement_en=statement_en,
        department=version.item.department,
        verification_days=int(scheme.get("verification_days") or 60),
    )
    recorded = {
        "commitment": [None, commitment.pk],
        "replaced_materials": [None, commitment.replaced_materials],
    }
    if act is not None:
        act.add(recorded)
    else:
        audit_record(action="commitment.recorded", actor=actor, obj=application, changes=recorded)
    names = {m.key: m for m in version.materials.all()}
    document_issue(
        application=application,
        kind=DocumentKind.COMMITMENT_LETTER,
        actor=actor,
        extra={
            "statement_zh": statement_zh,
            "statement_en": statement_en,
            "signed_on": application.submitted_at.date() if application.submitted_at else "",
            "verification_days": commitment.verification_days,
            "replaced": [
                {"zh": names[key].name_zh, "en": names[key].name_en}
                for key in commitment.replaced_materials
                if key in names
            ],
        },
    )
    return commitment


def _verifiers(commitment: Commitment) -> list[User]:
    positions = OfficialPosition.objects.filter(
        department_id=commitment.department_id,
        role__in=policy.LICENCE_MANAGER_ROLES,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    return list({position.user_id: position.user for position in positions}.values())


def commitment_verification_open(
    *, actor: User | None, licence: Licence, act: ActEvent | None = None
) -> Commitment | None:
    """Called when the licence is issued, inside that transaction: the pledge's verification
    (事后核查) falls due ``verification_days`` working days from today, for the department.
    ``act``: the licence issue's one event, which then names the verification."""
    commitment = (
        Commitment.objects.select_for_update()
        .filter(application_id=licence.application_id, status=CommitmentStatus.PLEDGED)
        .first()
    )
    if commitment is None:
        return None
    today = china_today()
    try:
        due_on = working_calendar().add_working_days(today, commitment.verification_days)
    except CalendarNotCovered:
        due_on = None  # shown as unknown until the calendar covers it; never guessed
    commitment.status = CommitmentStatus.VERIFYING
    commitment.licence = licence
    commitment.verification_due_on = due_on
    commitment.save(update_fields=["status", "licence", "verification_due_on"])
    if act is not None:
        act.add(
            {
                "commitment": [None, commitment.pk],
                "commitment_status": [CommitmentStatus.PLEDGED, CommitmentStatus.VERIFYING],
                "verification_due_on": [None, due_on],
            }
        )
    else:
        audit_record(
            action="commitment.verification_opened",
            actor=actor,
            obj=licence.application,
            changes={
                "commitment": [None, commitment.pk],
                "status": [CommitmentStatus.PLEDGED, CommitmentStatus.VERIFYING],
                "verification_due_on": [None, due_on],
            },
        )
    notice = notice_commitment_verification_opened(commitment, licence=licence, due_on=due_on)
    for user in _verifiers(commitment):
        notify(user=user, application=licence.application, **notice.fields())
    return commitment


@transaction.atomic
def commitment_verify(
    *, actor: User, commitment: Commitment, pledge_true: bool, finding: str
) -> Commitment:
    """Record the verification's finding. A false pledge revokes the licence with the finding
    as its reason (the commitment, now false, is what says the reason is a false pledge's) and
    stays on the applicant's record."""
    policy.require_commitment_verifier(actor, commitment)
    locked = (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("licence", "application__service_version")
        .get(pk=commitment.pk)
    )
    if locked.status != CommitmentStatus.VERIFYING:
        raise ValidationError(_("This pledge is not awaiting verification."))
    finding = (finding or "").strip()[:MAX_FINDING_LENGTH]
    if not finding:
        raise ValidationError({"finding": [_("Say what the verification found.")]})
    status = CommitmentStatus.KEPT if pledge_true else CommitmentStatus.FALSE
    locked.status = status
    locked.finding = finding
    locked.verified_by = actor
    locked.verified_at = timezone.now()
    locked.save(update_fields=["status", "finding", "verified_by", "verified_at"])
    # One act, one event: a pledge found false carries the licence's revocation too.
    act = ActEvent(
        action="commitment.verified_true" if pledge_true else "commitment.found_false",
        actor=actor,
        obj=locked.application,
        reason=finding,
        changes={
            "commitment": [None, locked.pk],
            "status": [CommitmentStatus.VERIFYING, status],
            "licence": [None, locked.licence.number],
        },
    )
    application = locked.application
    if pledge_true:
        act.record()
        tell_applicant(
            application,
            **notice_commitment_verified_true(application, licence=locked.licence).fields(),
        )
        return locked
    # The finding is the stored reason; its readers see it called a false pledge in their own
    # language (``licence_status_reason``), the commitment row saying so.
    licence_revoke(actor=actor, licence=locked.licence, reason=finding, act=act, false_pledge=True)
    act.record()
    notice = notice_commitment_found_false(application, licence=locked.licence, finding=finding)
    tell_applicant(application, **notice.fields())
    return locked
