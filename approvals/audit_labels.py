"""Readable labels for audit events on history pages: what happened and who did it.

Every action code the code base writes has a label here (``tests/approvals/test_audit_labels.py``
scans the sources, so a new code without a label fails); an unknown code shows as itself.
The actor is named by display name only, never by the e-mail address kept in ``actor_label``.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.audit import SYSTEM_ACTOR_LABEL
from approvals.domain.lifecycle import Action

# The lifecycle service writes ``application.<action>`` unless it is given an event name.
LIFECYCLE_LABELS = {
    Action.SUBMIT: _("Application submitted"),
    Action.REFUSE_ACCEPTANCE: _("Application not accepted"),
    Action.REQUEST_SUPPLEMENT: _("Supplement requested from the applicant"),
    Action.ANSWER_SUPPLEMENT: _("Applicant supplied the missing materials"),
    Action.ACCEPT: _("Application accepted"),
    Action.ACCEPT_WITH_PLEDGE: _("Application accepted with a pledge"),
    Action.DEEM_ACCEPTED: _("Application deemed accepted"),
    Action.START_REVIEW: _("Review started"),
    Action.APPROVE: _("Application approved"),
    Action.DENY: _("Application denied"),
    Action.ISSUE_LICENCE: _("Licence issued"),
    Action.CLOSE: _("Application closed"),
    Action.WITHDRAW: _("Application withdrawn"),
}

ACTION_LABELS = {
    **{f"application.{action}": label for action, label in LIFECYCLE_LABELS.items()},
    "application.started": _("Application started"),
    "application.step_saved": _("Application step saved"),
    "application.draft_discarded": _("Draft discarded"),
    "application.submitted": _("Application submitted"),
    "application.withdrawn": _("Application withdrawn"),
    "application.renewal_deemed_approved": _("Renewal deemed granted (Art. 50)"),
    "application.deem_renewed": _("Renewal deemed granted (Art. 50)"),
    "application.deemed_accepted": _("Application deemed accepted"),
    "intake.accepted": _("Application accepted"),
    "intake.accepted_with_pledge": _("Application accepted with a pledge"),
    "intake.supplement_requested": _("Supplement requested from the applicant"),
    "intake.supplement_answered": _("Applicant supplied the missing materials"),
    "intake.supplement_data_corrected": _("Applicant corrected answers on the form"),
    "commitment.recorded": _("Pledge (告知承诺) recorded in place of certificates"),
    "commitment.verification_opened": _("Pledge verification (事后核查) due"),
    "commitment.verified_true": _("Pledge verified as true"),
    "commitment.found_false": _("Pledge found false"),
    "intake.refused": _("Application not accepted"),
    "intake.counter_filed": _("Application filed at the counter"),
    "pledge.lapsed": _("Pledge lapsed"),
    "pledge.fulfilled": _("Pledge fulfilled"),
    "attachment.uploaded": _("File uploaded"),
    "attachment.deleted": _("File deleted"),
    "attachment.downloaded": _("File downloaded"),
    "workflow.started": _("Review started"),
    "workflow.fanout": _("Review started"),
    "workflow.advance": _("Moved to the next stage"),
    "workflow.returnto": _("Returned to an earlier stage"),
    "workflow.reject": _("Review ended with a denial"),
    "workflow.complete": _("Review completed"),
    "workflow.needssecondapproval": _("Second approval needed"),
    "workflow.proposedenial": _("Denial proposed for confirmation"),
    "workflow.denialoverruled": _("Proposed denial overruled"),
    "task.rejection_drafted": _("Rejection drafted"),
    "task.rejection_overruled": _("Rejection set aside"),
    "application.work_ended": _("Open work ended with the application"),
    "task.created": _("Task created"),
    "task.cancelled": _("Task cancelled"),
    "task.claimed": _("Task claimed"),
    "task.released": _("Task released"),
    "task.assigned": _("Task assigned"),
    "task.drafted": _("Task draft saved"),
    "task.approved": _("Task approved"),
    "task.rejected": _("Task rejected"),
    "task.returned_to_stage": _("Task returned to an earlier stage"),
    "task.returned_to_applicant": _("Task returned to the applicant"),
    "task.clock_paused": _("Clock paused"),
    "task.clock_resumed": _("Clock resumed"),
    "task.extension_requested": _("Deadline extension requested"),
    "clock.pause_started": _("Clock paused"),
    "clock.pause_ended": _("Clock resumed"),
    "extension.requested": _("Deadline extension requested"),
    "extension.approved": _("Deadline extension approved"),
    "extension.refused": _("Deadline extension refused"),
    "document.issued": _("Document issued"),
    "document.rendered": _("Document sealed as PDF"),
    "document.corrected": _("Corrected edition of a document issued"),
    "document.downloaded": _("Document downloaded"),
    "document.verified": _("Document checked on the verification page"),
    "licence.issued": _("Licence entered in the register"),
    "supervision.card_yellow": _("Yellow card issued"),
    "supervision.card_red": _("Red card issued"),
    "catalogue.drafted": _("Catalogue draft saved"),
    "catalogue.published": _("Catalogue version published"),
    "catalogue.retired": _("Catalogue version retired"),
    "catalogue.imported": _("Catalogue imported"),
    "catalogue.exported": _("Catalogue exported"),
    "catalogue.item_created": _("Catalogue item created"),
    "catalogue.item_changed": _("Catalogue item changed"),
    "calendar.day_added": _("Calendar day added"),
    "calendar.day_changed": _("Calendar day changed"),
    "calendar.days_changed": _("Calendar days changed"),
    "calendar.day_deleted": _("Calendar day deleted"),
    "calendar.year_deleted": _("Calendar year deleted"),
    "permission.granted": _("Permission granted"),
    "permission.revoked": _("Permission revoked"),
    "api.token_created": _("Personal API token created"),
    "api.token_revoked": _("Personal API token revoked"),
    "api.client_created": _("API client created"),
    "api.client_secret_rotated": _("API client given a new secret"),
    "api.licence_lookup": _("Licences looked up by an API client"),
    "api.licence_read": _("Licence read by an API client"),
    "api.application_read": _("Application read by an API client"),
    "api.application_list": _("Applications listed by an API client"),
    "admin.add": _("Added in administration"),
    "admin.change": _("Changed in administration"),
    "admin.delete": _("Deleted in administration"),
    "account.registered": _("Account registered"),
    "account.password_reset": _("Password reset"),
    "business.registered": _("Business registered"),
    "business.agent_invited": _("Agent invited"),
    "business.invitation_accepted": _("Invitation accepted"),
    "business.invitation_declined": _("Invitation declined"),
    "business.member_removed": _("Member removed"),
    "business.agent_permissions_changed": _("Agent permissions changed"),
    "auth.signed_in": _("Signed in"),
    "auth.signed_out": _("Signed out"),
    "auth.sign_in_failed": _("Sign-in failed"),
    "auth.locked_out": _("Sign-in paused after failed attempts"),
    "auth.official_locked_out": _("Official's sign-in paused after failed attempts"),
    "account.sign_up_repeated": _("Sign-up tried with details already registered"),
    "account.activated": _("Account confirmed by email"),
    "otp.device_confirmed": _("Second factor set up"),
    "account.language_changed": _("Language changed"),
    "otp.verified": _("Second factor verified"),
    "otp.failed": _("Second factor failed"),
    "demo.seeded": _("Demonstration data loaded"),
    "scale.seeded": _("Benchmark data loaded"),
    "attachment.licence_cited": _("Licence cited instead of a file"),
    "licence.revoked": _("Licence revoked"),
    "licence.cancelled": _("Licence cancelled"),
    "licence.superseded": _("Licence superseded by a change or renewal"),
    "licence.supersedes": _("Licence issued for a change or renewal"),
    "licence.follow_up_started": _("Change or renewal of a licence started"),
    "licence.expiry_reminder_sent": _("Licence expiry reminder sent"),
    "application.viewed": _("Case file opened"),
    "deadline.filled": _("Due date computed once the calendar reached it"),
    "deadline.recomputed": _("Provisional due date recomputed with the official holiday schedule"),
    "person.id_number_revealed": _("Full ID number shown"),
    "audit.checkpointed": _("Audit chain checkpoint signed"),
    "audit.verified": _("Audit chain verified"),
    "audit.exported": _("Audit events exported"),
    "supervision.exported": _("Supervision statistics exported"),
    "rating.submitted": _("Service rated"),
    "rectification.opened": _("Rectification task opened"),
    "rectification.completed": _("Rectification completed"),
}


def action_label(code: str) -> str:
    """The label of an audit action code; the code itself when it has none."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


# Reasons the portal itself once wrote in English (stored events never change): their labels.
SYSTEM_REASONS = {
    "bulk claim": _("claimed together with other tasks"),
}


def reason_display(event) -> str:
    """The event's reason as a person wrote it, or the label of a reason the portal wrote."""
    label = SYSTEM_REASONS.get(event.reason)
    return str(label) if label is not None else event.reason


def actor_display(event) -> str:
    """Who did it: the actor's display name, "System" when nobody did. Load the actor with
    ``select_related("actor")`` so a history costs one query."""
    if event.actor_id is None:
        # No actor and no label, or the system's label: the portal did it; a label of someone
        # else without the account: the account is gone.
        if event.actor_label in ("", SYSTEM_ACTOR_LABEL):
            return gettext("System")
        return gettext("Former user")
    try:
        actor = event.actor
    except ObjectDoesNotExist:
        actor = None
    if actor is None:
        return gettext("Former user")
    return actor.display_name or gettext("User %(number)s") % {"number": actor.pk}
