"""Drafting a 一件事 case: start it (its shared fields prefilled from the applicant's profile and
the registries, 一数一源), answer the guiding questions, type each shared field once and each
member's own fields, step by step with a revision check, or discard the draft.

What the case asks is exactly what ``theme_plan(version, answers)`` lists. Each function checks
permission first, changes state in one transaction and records its audit event there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Business, User
from approvals import dynamic_forms
from approvals.domain.themes import AnswerProblem, parse_answers
from approvals.models import (
    ApplicantKind,
    DeliveryChoice,
    ThemeCase,
    ThemeCaseStatus,
    ThemeVersion,
    VersionStatus,
)
from approvals.selectors import policy
from approvals.selectors.theme_cases import shared_schema
from approvals.selectors.themes import theme_plan
from approvals.services.lifecycle import on_behalf_of
from approvals.services.theme_case_materials import delete_case_file_after_commit
from approvals.services.theme_intake import StaleThemeCase
from audit.chain import audit_record

# --- Start --------------------------------------------------------------------------------------


@transaction.atomic
def theme_case_start(
    *, actor: User, version: ThemeVersion, business: Business | None = None
) -> ThemeCase:
    """A new draft case for ``version``, as the actor themself or for ``business``, its shared
    fields prefilled from the applicant's profile and the registries (一数一源)."""
    policy.require_can_apply_as(actor, business=business)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("This one-thing service is not open for applications."))
    if business is not None and not version.for_businesses:
        raise ValidationError(_("Businesses cannot apply for this service."))
    if business is None and not version.for_persons:
        raise ValidationError(_("Only businesses can apply for this service."))
    person = getattr(actor, "person", None)
    prefill = dynamic_forms.prefill_values(
        shared_schema(version.shared_fields), user=actor, person=person, business=business
    )
    case = ThemeCase.objects.create(
        version=version,
        applicant_kind=ApplicantKind.BUSINESS if business is not None else ApplicantKind.PERSON,
        person=person if business is None else None,
        business=business,
        created_by=actor,
        data={"shared": prefill, "members": {}},
    )
    audit_record(
        action="theme_case.started",
        actor=actor,
        obj=case,
        on_behalf_of=on_behalf_of(case),
        changes={
            "status": [None, ThemeCaseStatus.DRAFT],
            "theme_version": [None, version.pk],
            "prefilled": [None, sorted(prefill)],
        },
    )
    return case


# --- Save the draft -----------------------------------------------------------------------------


def _locked_draft(actor: User, case: ThemeCase, revision: int) -> ThemeCase:
    policy.require_theme_case_edit(actor, case)
    stored = ThemeCase.objects.select_for_update().select_related("version").get(pk=case.pk)
    if stored.status != ThemeCaseStatus.DRAFT:
        raise ValidationError(_("This application has been submitted and can no longer change."))
    if stored.revision != revision:
        raise StaleThemeCase(stored)
    return stored


def _save_draft(*, actor, stored: ThemeCase, step: str, changed: list[str], **fields) -> None:
    ThemeCase.objects.filter(pk=stored.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now(), **fields
    )
    audit_record(
        action="theme_case.step_saved",
        actor=actor,
        obj=stored,
        on_behalf_of=on_behalf_of(stored),
        # Names of what changed, never the values (they may be personal data).
        changes={
            "step": [None, step],
            "fields": [None, changed],
            "revision": [stored.revision, stored.revision + 1],
        },
    )


# Why an answer to a guiding question was refused, in the reader's language (the page's form and
# the API say the same).
ANSWER_PROBLEMS = {
    AnswerProblem.UNKNOWN: gettext_lazy("This theme asks no such question."),
    AnswerProblem.NOT_YES_NO: gettext_lazy("Answer yes or no (true or false)."),
    AnswerProblem.NOT_NUMBER: gettext_lazy("Enter a number, zero or more."),
    AnswerProblem.NOT_CHOICE: gettext_lazy("Choose one of the listed answers."),
}


def clean_answers(version: ThemeVersion, raw: dict) -> tuple[dict, dict[str, str]]:
    """The guiding questions' answers typed as their kinds (``parse_answers``, the guide's own
    reading), and the problems by question: an applicant's case needs every question answered.
    Keys that are not questions of the theme are left out."""
    keys = [question["key"] for question in version.questions]
    answers, refused = parse_answers(version.questions, {key: raw.get(key) for key in keys})
    errors = {key: str(ANSWER_PROBLEMS[problem]) for key, problem in refused.items()}
    for key in keys:
        if key not in answers and key not in errors:
            errors[key] = _("Answer this question.")
    return answers, errors


@transaction.atomic
def theme_case_save_answers(
    *, actor: User, case: ThemeCase, answers: dict, revision: int, delivery: str | None = None
) -> ThemeCase:
    """Store the answers to the guiding questions (which decide the members that apply) and,
    if given, how the certificates are delivered. Raises ``ValidationError`` by question."""
    stored = _locked_draft(actor, case, revision)
    cleaned, errors = clean_answers(stored.version, answers or {})
    if delivery is not None and delivery not in DeliveryChoice.values:
        errors["delivery"] = _("Choose how the certificates are delivered.")
    if errors:
        raise ValidationError(errors)
    fields = {"answers": cleaned, "current_step": max(stored.current_step, 1)}
    if delivery is not None:
        fields["delivery"] = delivery
    changed = sorted(k for k in cleaned if stored.answers.get(k) != cleaned[k])
    _save_draft(actor=actor, stored=stored, step="questions", changed=changed, **fields)
    case.refresh_from_db()
    return case


@transaction.atomic
def theme_case_save_shared(
    *, actor: User, case: ThemeCase, values: dict, revision: int
) -> ThemeCase:
    """Store the shared fields' cleaned answers (asked once for every member). ``values``
    replace the stored shared answers of the fields the theme declares."""
    stored = _locked_draft(actor, case, revision)
    declared = {field["key"] for field in stored.version.shared_fields}
    before = dict((stored.data or {}).get("shared", {}))
    shared = {k: v for k, v in before.items() if k not in declared}
    shared.update({k: v for k, v in values.items() if k in declared})
    data = {**(stored.data or {}), "shared": shared}
    changed = sorted(k for k in declared if before.get(k) != shared.get(k))
    _save_draft(
        actor=actor,
        stored=stored,
        step="shared",
        changed=changed,
        data=data,
        current_step=max(stored.current_step, 2),
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def theme_case_save_member_step(
    *, actor: User, case: ThemeCase, member_key: str, step_key: str, values: dict, revision: int
) -> ThemeCase:
    """Store one step of a member's own fields (those no shared field answers)."""
    stored = _locked_draft(actor, case, revision)
    plan = theme_plan(stored.version, stored.answers)
    member = next((m for m in plan.members if m.key == member_key), None)
    if member is None or step_key not in member.own_fields:
        raise ValidationError(_("This step does not belong to the application."))
    own = set(member.own_fields[step_key])
    members = dict((stored.data or {}).get("members", {}))
    before = dict(members.get(member_key, {}))
    after = {k: v for k, v in before.items() if k not in own}
    after.update({k: v for k, v in values.items() if k in own})
    members[member_key] = after
    changed = sorted(k for k in own if before.get(k) != after.get(k))
    _save_draft(
        actor=actor,
        stored=stored,
        step=f"{member_key}:{step_key}",
        changed=changed,
        data={**(stored.data or {}), "members": members},
    )
    case.refresh_from_db()
    return case


# --- Discard --------------------------------------------------------------------------------------


def theme_case_discard_draft(*, actor: User, case: ThemeCase) -> None:
    """Delete a draft case never submitted, with its uploaded files."""
    policy.require_theme_case_edit(actor, case)
    with transaction.atomic():
        locked = ThemeCase.objects.select_for_update().get(pk=case.pk)
        if locked.status != ThemeCaseStatus.DRAFT:
            raise ValidationError(_("Only a draft can be discarded."))
        names = [a.file.name for a in locked.attachments.all() if a.file]
        audit_record(
            action="theme_case.draft_discarded",
            actor=actor,
            obj=locked,
            on_behalf_of=on_behalf_of(locked),
            changes={"status": [ThemeCaseStatus.DRAFT, None]},
        )
        locked.delete()
        for name in names:
            delete_case_file_after_commit(name)
