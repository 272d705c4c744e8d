"""Readable labels for audit events on history pages: what happened and who did it.

Every action code the code base writes has a label here (``tests/approvals/test_audit_labels.py``
scans the sources, so a new code without a label fails); an unknown code shows as itself. The
fields an event changed read as sentences (``change_sentences``), not as field names.
The actor is named by display name only, never by the e-mail address kept in ``actor_label``.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.domain.lifecycle import Action
from approvals.selectors.withdrawals import withdrawal_reason_text
from audit.chain import SYSTEM_ACTOR_LABEL
from audit.models import object_model_label

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
    Action.WAIT_FOR_PREREQUISITE: _("Waiting for another service of the one-thing case"),
    Action.STOP: _("Stopped: a service it needs was not approved"),
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
    # 一件事: the window's acts on a one-thing case, and what happens inside it.
    "theme_case.accepted": _("One-thing case accepted as a whole"),
    "theme_case.accepted_with_pledge": _("One-thing case accepted with a pledge"),
    "theme_case.deemed_accepted": _("One-thing case deemed accepted"),
    "theme_case.supplement_requested": _("One supplement notice for the whole case"),
    "theme_case.supplement_answered": _("Applicant answered the case's supplement notice"),
    "theme_case.refused": _("One-thing case not accepted"),
    "theme_case.member_waiting": _("Accepted with the case; waiting for another service"),
    "theme_case.member_started": _("Started after the service it needs was approved"),
    "theme_case.member_stopped": _("Stopped: a service it needs was not approved"),
    "theme_case.progressed": _("One-thing case moved on after a decision"),
    "theme_case.viewed": _("One-thing case opened at the window"),
    "attachment.shared": _("File shared with another service of the case"),
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
    "workflow.wait": _("Waiting for the stage's other tasks"),
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
    "theme.drafted": _("One-thing theme draft saved"),
    "theme.published": _("One-thing theme version published"),
    "theme.retired": _("One-thing theme version retired"),
    "theme.imported": _("One-thing theme imported"),
    "theme.exported": _("One-thing theme exported"),
    "theme.item_created": _("One-thing theme created"),
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
    "auth.pause_passed_second_factor": _("Signed in with the second factor during a pause"),
    "auth.unlock_link_sent": _("Link to open sign-in again sent"),
    "auth.sign_in_unlocked": _("Sign-in opened again by link"),
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
    "supervision.themes_exported": _("One-thing theme statistics exported"),
    "rating.submitted": _("Service rated"),
    "rectification.opened": _("Rectification task opened"),
    "rectification.completed": _("Rectification completed"),
    # 一件事: the applicant's case
    "theme_case.started": _("One-thing application started"),
    "theme_case.step_saved": _("One-thing application step saved"),
    "theme_case.material_uploaded": _("Material uploaded once for the one-thing application"),
    "theme_case.licence_cited": _("Licence cited for the one-thing application"),
    "theme_case.material_removed": _("Material removed from the one-thing application"),
    "theme_case.submitted": _("One-thing application submitted"),
    "theme_case.withdrawn": _("One-thing application withdrawn"),
    "theme_case.draft_discarded": _("One-thing draft discarded"),
    "theme_case.rated": _("One-thing application rated"),
    "theme_case.certificates_delivered": _("Certificates handed over as one set"),
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
    """The event's reason as a person wrote it, or the label of a reason the portal wrote, or
    the sentence of a withdrawal by a licence's revocation in the reader's language."""
    label = SYSTEM_REASONS.get(event.reason)
    if label is not None:
        return str(label)
    withdrawal = withdrawal_reason_text(event)
    return withdrawal if withdrawal is not None else event.reason


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


# --- Changed fields as sentences ----------------------------------------------------------------

# The fields the code base records in events' ``changes`` (``tests/approvals/test_audit_changes.py``
# scans the sources, so a new field without a label fails). Fields the admin records are the
# model's own and are named by their verbose name.
FIELD_LABELS = {
    "accepted_on": _("Accepted on"),
    "added": _("Days added"),
    "admin_membership": _("Administrator membership"),
    "answered_at": _("Answered at"),
    "applicant": _("Applicant"),
    "application": _("Application"),
    "applications": _("Applications"),
    "approved_by": _("Approved by"),
    "assignee": _("Assigned to"),
    "attachment": _("File"),
    "branch": _("Branch of the stage"),
    "bulk": _("Claimed together with other tasks"),
    "business": _("Business"),
    "cancelled": _("Tasks cancelled"),
    "cards": _("Supervision cards"),
    "certificate_status": _("Certificate status"),
    "certificates": _("Certificates"),
    "changed": _("Days changed"),
    "checkpoint": _("Checkpoint"),
    "cited_licence": _("Licence cited instead of a file"),
    "client_ip": _("Client address"),
    "code": _("Code"),
    "commitment": _("Pledge (告知承诺)"),
    "competent_agency": _("Competent agency"),
    "confirms_denial": _("Confirms the denial proposed by task"),
    "content_type": _("File type"),
    "corrected": _("Corrected document"),
    "created": _("Created"),
    "current_step": _("Form step"),
    "day": _("Day"),
    "days": _("Days"),
    "days_left": _("Days left"),
    "decided_by": _("Decided by"),
    "decision_due_on": _("Statutory decision due on"),
    "deemed_accepted": _("Deemed accepted (Art. 32)"),
    "denial_proposed_to": _("Denial proposed to stage"),
    "department": _("Department"),
    "device": _("Second-factor device"),
    "display_name": _("File name"),
    "draft_versions": _("Draft versions"),
    "drafted_by": _("Drafted by"),
    "due_on": _("Due on"),
    "edition": _("Edition"),
    "ended_on": _("Ended on"),
    "events": _("Events"),
    "expected_working_days": _("Expected working days"),
    "extension": _("Deadline extension"),
    "fields": _("Form answers to correct"),
    "filters": _("Filters"),
    "found": _("Found"),
    "fulfilled_at": _("Fulfilled at"),
    "grade": _("Grade"),
    "head_hash": _("Hash of the chain's head"),
    "holder": _("Holder"),
    "identifier": _("Sign-in name"),
    "item": _("Service item"),
    "item_created": _("Service item created"),
    "items": _("Items to supplement"),
    "kind": _("Kind"),
    "licence": _("Licence"),
    "licence_action": _("Licence action"),
    "licence_valid_to": _("Licence valid to"),
    "material": _("Material"),
    "material_key": _("Material"),
    "materials": _("Materials"),
    "name": _("Name"),
    "not_our_matter": _("Not this agency's matter"),
    "number": _("Number"),
    "outcome": _("Outcome"),
    "page": _("Page opened"),
    "pause": _("Clock pause"),
    "period": _("Period"),
    "permission": _("Permission"),
    "person_profile": _("Personal profile"),
    "pledge": _("Pledge (容缺受理)"),
    "pledges": _("Pledges (容缺受理)"),
    "preferred_language": _("Preferred language"),
    "prefilled": _("Answers filled in from the registries"),
    "prefilled_from_licence": _("Answers filled in from the licence"),
    "published_version": _("Published version"),
    "rating": _("Rating"),
    "received_on": _("Received on"),
    "rejected_by": _("Rejected by"),
    "reminders_sent": _("Reminders sent"),
    "removed": _("Days removed"),
    "replaced_materials": _("Materials replaced by the pledge"),
    "reply_by": _("Reply by"),
    "return_to": _("Returned to stage"),
    "revoked_at": _("Revoked at"),
    "role": _("Role"),
    "round": _("Round"),
    "rows": _("Rows"),
    "scan_result": _("Virus scan"),
    "scopes": _("Scopes"),
    "secret_prefix": _("Start of the secret"),
    "sequence": _("Sequence number"),
    "service_version": _("Service version"),
    "sha256": _("SHA-256 fingerprint"),
    "sign_in_pause_lifted": _("Sign-in pause lifted"),
    "signed": _("Sealed"),
    "size": _("Size in bytes"),
    "source": _("Source"),
    "stage": _("Stage"),
    "started_on": _("Started on"),
    "status": _("Status"),
    "status_reason": _("Reason for the status"),
    "step": _("Form step"),
    "supersedes": _("Supersedes licence"),
    "supplement_request": _("Supplement notice"),
    "task": _("Task"),
    "tasks": _("Tasks"),
    "tasks_cancelled": _("Tasks cancelled"),
    "token_prefix": _("Start of the token"),
    "topic": _("Topic"),
    "tracking_number": _("Tracking number"),
    "updated": _("Updated"),
    "user": _("User"),
    "valid_from": _("Valid from"),
    "valid_to": _("Valid to"),
    "verification_due_on": _("Verification due on"),
    "via": _("Through"),
    "window_stage_passed": _("Window stage passed by the acceptance"),
    "working_days": _("Working days"),
    # One act, one event: what an act's steps add to its event.
    "commitment_status": _("Pledge status"),
    "licence_status": _("Licence status"),
    "licence_status_reason": _("Reason for the licence's status"),
    "rectification": _("Rectification task"),
    "rectification_due_on": _("Rectification due on"),
    "withdrawn": _("Applications withdrawn"),
    "workflow_step": _("Review step"),
    # 一件事
    "theme_version": _("One-thing theme version"),
    "theme_case": _("One-thing application"),
    "member": _("Service of the one-thing application"),
    "members": _("Services of the one-thing application"),
    "ratings": _("Ratings for each department"),
    "rated_at": _("Rated at"),
    "documents": _("Documents"),
    "waits_for": _("Waits for the services"),
    "pledged": _("Materials pledged, by service"),
    "after": _("Started after the approval of"),
    "cited_licences": _("Licences cited"),
    "because_of": _("Because of the services"),
    "started": _("Services started"),
    "stopped": _("Services stopped"),
    "supplement_requests": _("Supplement notices"),
    "departments": _("Departments"),
    "revoked_licence": _("Withdrawn as the licence was revoked"),
    "revoked_for_false_pledge": _("Revoked for a false pledge (告知承诺)"),
}
# Bookkeeping of optimistic concurrency: no meaning to a reader (the event's own page keeps it).
HIDDEN_FIELDS = frozenset({"revision"})

_STATUS_CHOICES = {
    "approvals.application": "ApplicationStatus",
    "approvals.reviewtask": "TaskStatus",
    "approvals.deadlineextension": "ExtensionStatus",
}


def field_label(key: str, object_type: str = "") -> str:
    """A changed field's name for people: its label here, else the verbose name of the model's
    field, else the key in words."""
    label = FIELD_LABELS.get(key)
    if label is not None:
        return str(label)
    try:
        field = apps.get_model(object_model_label(object_type))._meta.get_field(key)
        return capfirst(str(field.verbose_name))
    except (LookupError, ValueError, FieldDoesNotExist, AttributeError):
        return capfirst(key.replace("_", " "))


# The pages a case file is opened on (``case_file_open``'s ``page``), in words.
CASE_FILE_PAGES = {
    "task": _("the task page"),
    "intake": _("the window's intake page"),
    "timeline": _("the timeline in the admin"),
}
# Fields whose value is a stage's key: shown as the stage's name when the page knows it.
STAGE_FIELDS = frozenset({"stage", "return_to", "window_stage_passed", "denial_proposed_to"})
_EMPTY = (None, "", [])


def _value(key: str, value, object_type: str, stage_names: dict | None = None) -> str:
    from approvals import models

    if value in _EMPTY:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, item, object_type, stage_names) for item in value)
    if isinstance(value, dict):
        return "; ".join(
            f"{name}: {_value(key, item, object_type, stage_names)}" for name, item in value.items()
        )
    if key in STAGE_FIELDS and stage_names and value in stage_names:
        return str(stage_names[value])
    if key == "page" and value in CASE_FILE_PAGES:
        return str(CASE_FILE_PAGES[value])
    if key == "workflow_step" and f"workflow.{value}" in ACTION_LABELS:
        # The engine's step a task decision took, in the words its own event once had.
        return str(ACTION_LABELS[f"workflow.{value}"])
    choices = None
    if key == "kind" and object_type == "approvals.document":
        choices = models.DocumentKind
    elif key == "status":
        choices = getattr(models, _STATUS_CHOICES.get(object_type, "ApplicationStatus"))
    elif key == "kind" and value in models.PauseKind.values:
        choices = models.PauseKind
    elif key == "role" and value in models.TaskRole.values:
        choices = models.TaskRole
    elif key == "commitment_status":
        choices = models.CommitmentStatus
    elif key == "licence_status":
        choices = models.LicenceStatus
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value)


def change_sentences(event, stage_names: dict | None = None) -> list[str]:
    """The event's changed fields as sentences in the reader's language, e.g. "Status changed
    from Submitted, awaiting intake to Accepted." instead of ``status: submitted → accepted``.
    ``stage_names`` names the stages of the application's workflow by key."""
    sentences = []
    for key, change in sorted((event.changes or {}).items()):
        if key in HIDDEN_FIELDS:
            continue
        label = field_label(key, event.object_type)
        pair = isinstance(change, list) and len(change) == 2
        if pair and change[0] in _EMPTY and change[1] in _EMPTY:
            continue  # nothing was there and nothing is
        if not pair or change[0] == change[1]:
            value = _value(key, change[1] if pair else change, event.object_type, stage_names)
            sentences.append(gettext("%(field)s: %(value)s.") % {"field": label, "value": value})
            continue
        before, after = (_value(key, value, event.object_type, stage_names) for value in change)
        if change[0] in _EMPTY:
            text = gettext("%(field)s set to %(after)s.")
        elif change[1] in _EMPTY:
            text = gettext("%(field)s cleared (it was %(before)s).")
        else:
            text = gettext("%(field)s changed from %(before)s to %(after)s.")
        sentences.append(text % {"field": label, "before": before, "after": after})
    return sentences


def role_label(code: str) -> str:
    """The actor's role in words (an official's position), the code itself when unknown."""
    from accounts.models import OfficialRole

    # ``OfficialRole(code)``, not ``code in OfficialRole.values``: ``values`` builds its list
    # anew on every call, once a row of a long history.
    try:
        return str(OfficialRole(code).label)
    except ValueError:
        return code


def object_label(event) -> str:
    """What the event is about, e.g. "Review task 12", not ``approvals.reviewtask:12``."""
    if not event.object_type:
        return event.object_id
    try:
        name = capfirst(
            str(apps.get_model(object_model_label(event.object_type))._meta.verbose_name)
        )
    except (LookupError, ValueError):
        name = event.object_type
    return f"{name} {event.object_id}".strip()
