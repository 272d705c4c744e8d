"""What happens inside a one-thing case when one of its members is decided.

Members run in parallel, except where one needs another's outcome (``ThemeMember.depends_on``):
the food business licence waits for the business registration. When a member is approved (its
licence issued), each member waiting for it whose prerequisites are now all approved starts: the
prerequisite's licence is cited for the material ``cite_as`` (材料复用, as
``attachment_cite_licence`` does for an applicant) and the member is accepted through the one
acceptance path, its own clock starting today. When a member ends without approval (denied, not
accepted, withdrawn, or itself stopped), the members that depend on it — transitively — are
``stopped`` with the reason; the rest go on. The applicant hears once per step.

``theme_case_progress`` is idempotent (it reads where the members stand and does what is due), so
``application_transition`` can queue it after any member's end (``approvals.tasks
.theme_case_progress_task``, after commit) and a second run finds nothing to do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation

from approvals.domain.china_time import china_today
from approvals.domain.lifecycle import Action, Status
from approvals.models import (
    Application,
    Attachment,
    Licence,
    ThemeCase,
)
from approvals.selectors.theme_cases import STOPPING_STATUSES, stop_reason
from approvals.selectors.theme_intake import case_theme_members, member_prerequisites
from approvals.services.acceptance import Acceptance, application_accept
from approvals.services.attachments import citation_changes, citation_fields, slot_fill
from approvals.services.lifecycle import application_transition
from approvals.services.notices import notice_theme_members_started, notice_theme_members_stopped
from approvals.services.notifications import tell_applicant
from audit.chain import audit_record

# A prerequisite counts as approved once decided so (a filing closes on approval).
APPROVED = frozenset({Status.APPROVED, Status.LICENCE_ISSUED, Status.CLOSED})
# ... and as failed once it ended any other way.
FAILED = STOPPING_STATUSES


def _stop_reason_in_every_language(failed: list[Application]) -> str:
    """The stop's reason for the audit trail, which keeps one text: every language's words (the
    statuses' own labels), Chinese first."""
    texts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.append(stop_reason(failed))
    return " / ".join(texts)


@dataclass
class ThemeProgress:
    started: list[str] = field(default_factory=list)
    stopped: list[str] = field(default_factory=list)


def _licences(members: list[Application]) -> dict[int, Licence]:
    """The licence in the register of each approved member (one query)."""
    return {
        licence.application_id: licence
        for licence in Licence.objects.filter(
            application__in=[m for m in members if m.status in APPROVED]
        ).select_related("item")
    }


def _cite(member: Application, material_key: str, licence: Licence, holder) -> Attachment:
    """The prerequisite's licence cited for ``material_key`` (材料复用), replacing the slot."""
    attachment, replaced = slot_fill(
        application=member, material_key=material_key, **citation_fields(licence, holder)
    )
    audit_record(
        action="attachment.licence_cited",
        actor=None,
        obj=member,
        changes=citation_changes(attachment, replaced),
    )
    return attachment


def _start(case, member, prerequisites, definition, licences) -> Application | None:
    """Cite the prerequisites' licences and accept ``member``; ``None`` while a licence it cites
    is not in the register yet (its issue queues this again)."""
    citations = []
    for dependency in definition.depends_on or []:
        if not dependency.get("cite_as"):
            continue
        prerequisite = prerequisites.get(dependency["member"])
        if prerequisite is None:
            continue
        licence = licences.get(prerequisite.pk)
        if licence is None:
            if prerequisite.status == Status.CLOSED:
                continue  # a filing: no licence to cite
            return None
        citations.append((dependency["cite_as"], licence))
    for material_key, licence in citations:
        _cite(member, material_key, licence, case.created_by)
    return application_accept(
        actor=None,
        application=member,
        acceptance=Acceptance(
            action=Action.ACCEPT,
            event="theme_case.member_started",
            accepted_on=china_today(),
            changes={
                "theme_case": [None, case.pk],
                "after": [None, sorted(prerequisites)],
                "cited_licences": [None, [licence.number for _, licence in citations]],
            },
        ),
        applicant_notice=None,
    )


@transaction.atomic
def theme_case_progress(*, case_id: int) -> ThemeProgress:
    """Start the waiting members whose prerequisites are all approved, stop those whose
    prerequisite failed (transitively); tell the applicant once. Idempotent."""
    case = ThemeCase.objects.select_for_update().select_related("version").get(pk=case_id)
    members = list(
        Application.objects.select_for_update(of=("self",))
        .filter(theme_case=case)
        .select_related("service_version__item__department", "person__user", "created_by")
        .order_by("pk")
    )
    # This run does what the decisions marked for: their marks go now (a decision committed
    # after this lock marks again, and its task runs after this one).
    Application.objects.filter(theme_case=case, theme_progress_pending=True).update(
        theme_progress_pending=False
    )
    definitions = case_theme_members(case)
    waits = member_prerequisites(members, definitions)
    by_key = {m.theme_member_key: m for m in members}
    licences = _licences(members)
    progress = ThemeProgress()
    denied: dict[str, Application] = {}
    changed = True
    while changed:  # a stop can stop the members that wait for the stopped one
        changed = False
        for key, member in list(by_key.items()):
            if member.status != Status.WAITING:
                continue
            prerequisites = {k: by_key[k] for k in waits.get(key, [])}
            failed = [p for p in prerequisites.values() if p.status in FAILED]
            if failed:
                by_key[key] = application_transition(
                    actor=None,
                    application=member,
                    action=Action.STOP,
                    event="theme_case.member_stopped",
                    reason=_stop_reason_in_every_language(failed),
                    changes={
                        "theme_case": [None, case.pk],
                        "because_of": [None, [p.theme_member_key for p in failed]],
                    },
                )
                for p in failed:
                    if p.status != Status.STOPPED:
                        denied[p.theme_member_key] = p
                progress.stopped.append(key)
                changed = True
            elif all(p.status in APPROVED for p in prerequisites.values()):
                started = _start(case, member, prerequisites, definitions[key], licences)
                if started is not None:
                    by_key[key] = started
                    progress.started.append(key)
                    changed = True
    if not (progress.started or progress.stopped):
        return progress
    audit_record(
        action="theme_case.progressed",
        actor=None,
        obj=case,
        changes={"started": [None, progress.started], "stopped": [None, progress.stopped]},
    )
    if progress.started:
        tell_applicant(
            members[0],
            **notice_theme_members_started(
                case, started=[by_key[k] for k in progress.started]
            ).fields(),
        )
    if progress.stopped:
        tell_applicant(
            members[0],
            **notice_theme_members_stopped(
                case, stopped=[by_key[k] for k in progress.stopped], denied=list(denied.values())
            ).fields(),
        )
    return progress


# A decision's progress task lost by the broker is run again by the sweep after this long (the
# task itself normally runs within seconds of the commit).
PROGRESS_GRACE = dt.timedelta(minutes=10)
PROGRESS_BATCH = 200


def theme_cases_with_lost_progress(now) -> list[int]:
    """The cases with a member decided more than ``PROGRESS_GRACE`` ago whose progress has not
    run (its task was lost): read through the partial index ``application_theme_progress``, so
    the steady state reads no row."""
    return list(
        Application.objects.filter(theme_progress_pending=True, updated_at__lt=now - PROGRESS_GRACE)
        .values_list("theme_case_id", flat=True)
        .order_by("theme_case_id")
        .distinct()[:PROGRESS_BATCH]
    )
