"""Reads for the service window's side of a one-thing case (一窗受理): the cases waiting at a
window, one case with its members, and what each member asks for beyond the shared set.

A submitted case is one row in its lead department's window, whatever the number of its members;
its members (applications with ``theme_case`` set) never show as loose rows in a window queue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import User
from approvals.domain.lifecycle import AWAITING_SUPPLEMENT
from approvals.models import (
    Application,
    ApplicationStatus,
    Attachment,
    Material,
    Pledge,
    ThemeCase,
    ThemeCaseStatus,
    ThemeMember,
)
from approvals.models.catalogue import _bilingual
from approvals.selectors import policy

CASE_INTAKE_ORDER = ("received_on", "submitted_at", "pk")


def _members_at_window():
    """The ids of the cases with a member at the window (the partial index of waiting
    applications answers it)."""
    return Application.objects.filter(
        status=ApplicationStatus.SUBMITTED, theme_case__isnull=False
    ).values("theme_case_id")


def _members_awaiting_supplement():
    return Application.objects.filter(
        status__in=list(AWAITING_SUPPLEMENT), theme_case__isnull=False
    ).values("theme_case_id")


def theme_intake_queue(
    user: User, *, department_ids: list[int] | None = None
) -> QuerySet[ThemeCase]:
    """The submitted cases waiting at ``user``'s windows, oldest receipt first: one row a case,
    without those whose applicant is preparing the supplement (one query)."""
    return (
        ThemeCase.objects.filter(status=ThemeCaseStatus.SUBMITTED)
        .filter(policy.theme_intake_visibility(user, department_ids))
        .filter(pk__in=_members_at_window())
        .exclude(pk__in=_members_awaiting_supplement())
        .select_related("version__item", "person", "business")
        .order_by(*CASE_INTAKE_ORDER)
    )


def get_theme_case_for_intake(user: User, pk: int) -> ThemeCase:
    """The submitted case ``pk`` if ``user`` is an intake clerk of its window; otherwise 404."""
    case = (
        ThemeCase.objects.select_related(
            "version__item", "version__lead_department", "person__user", "business", "created_by"
        )
        .filter(pk=pk)
        .exclude(status=ThemeCaseStatus.DRAFT)
        .first()
    )
    if case is None:
        raise Http404
    try:
        policy.require_theme_intake_clerk(user, case)
    except PermissionDenied:
        raise Http404 from None
    return case


def case_members(case: ThemeCase) -> list[Application]:
    """The case's member applications with their services, departments, materials and current
    attachments, in a constant number of queries whatever the number of members."""
    return list(
        Application.objects.filter(theme_case=case)
        .select_related("service_version__item__department")
        .prefetch_related(
            Prefetch("service_version__materials", Material.objects.order_by("position", "pk")),
            Prefetch(
                "attachments",
                Attachment.objects.select_related("cited_licence__item").order_by(
                    "material_key", "pk"
                ),
            ),
            "supplement_requests",
            Prefetch("pledges", Pledge.objects.filter(OPEN_PLEDGE), to_attr="open_pledges"),
        )
        .order_by("pk")
    )


# A pledge (容缺) still waiting for its material.
OPEN_PLEDGE = Q(fulfilled_at__isnull=True, lapsed_at__isnull=True, cancelled_at__isnull=True)


def member_needs_a_look(member: Application) -> bool:
    """Whether the window should see this member unfolded: a supplement item not answered yet,
    one answered and back for the window to check, or a pledge still open (reads the
    prefetches of ``case_members``)."""
    requests = list(member.supplement_requests.all())
    unanswered = any(r.answered_at is None for r in requests)
    answered_back = bool(requests) and member.status == ApplicationStatus.SUBMITTED
    return unanswered or answered_back or bool(getattr(member, "open_pledges", []))


def case_theme_members(case: ThemeCase) -> dict[str, ThemeMember]:
    """The theme's member definitions of the case's version, by key (one query)."""
    return {member.key: member for member in case.version.members.all()}


def member_prerequisites(
    members: list[Application], definitions: dict[str, ThemeMember]
) -> dict[str, list[str]]:
    """For each member of the case (by key), the members of the same case it waits for."""
    present = {member.theme_member_key for member in members}
    waits = {}
    for member in members:
        definition = definitions.get(member.theme_member_key)
        depends = [d["member"] for d in (definition.depends_on if definition else []) or []]
        waits[member.theme_member_key] = [key for key in depends if key in present]
    return waits


def applicant_label(case) -> str:
    """Who applies, as the window reads it: the business's name, or the person's name with the ID
    number masked (a single application works the same: it has the same two fields)."""
    if case.business_id is not None:
        return case.business.name
    if case.person_id is not None:
        return f"{case.person.real_name} ({case.person.masked_id_number})"
    return ""


def case_can_decide(members: list[Application]) -> bool:
    """Whether the window may decide on the case now: a member at the window, none preparing the
    supplement (the services check it again, locked)."""
    return any(m.status == ApplicationStatus.SUBMITTED for m in members) and not any(
        m.status == ApplicationStatus.SUPPLEMENT_REQUESTED for m in members
    )


def case_intake_due_on(members: list[Application]) -> dt.date | None:
    """The case's intake decision date: the latest of its waiting members' (each member's clock
    behaves as a single application's; the case is deemed accepted when all have passed)."""
    dates = [
        m.intake_due_on
        for m in members
        if m.status == ApplicationStatus.SUBMITTED and m.intake_due_on is not None
    ]
    return max(dates) if dates else None


@dataclass(frozen=True)
class SupplementTarget:
    """A material a case's supplement notice can ask for: a shared material (uploaded once for
    every member that maps it) or a member's own material."""

    key: str  # "shared:<key>" or "<member key>:<material key>"
    name_zh: str
    name_en: str
    slots: tuple[tuple[str, str], ...]  # (member key, member material key) it fills

    @property
    def name(self) -> str:
        return _bilingual(self, "name")


def supplement_targets(case: ThemeCase, members: list[Application]) -> list[SupplementTarget]:
    """What the window may list in the case's one supplement notice: each shared material once
    (filling every member that maps it), then each member's materials no shared one covers."""
    definitions = case_theme_members(case)
    present = [m.theme_member_key for m in members]
    targets, covered = [], set()
    for shared in case.version.shared_materials or []:
        slots = tuple(
            (key, definitions[key].material_map[shared["key"]])
            for key in present
            if key in definitions and (definitions[key].material_map or {}).get(shared["key"])
        )
        if slots:
            covered.update(slots)
            targets.append(
                SupplementTarget(
                    f"shared:{shared['key']}",
                    shared.get("name_zh", ""),
                    shared.get("name_en", ""),
                    slots,
                )
            )
    for member in members:
        version = member.service_version
        for material in version.materials.all():
            slot = (member.theme_member_key, material.key)
            if slot not in covered:
                targets.append(
                    SupplementTarget(
                        f"{slot[0]}:{slot[1]}",
                        f"{version.name_zh} — {material.name_zh}",
                        f"{version.name_en} — {material.name_en}",
                        (slot,),
                    )
                )
    return targets


def get_theme_case_for_applicant(user: User, pk: int) -> ThemeCase:
    """The submitted case ``pk`` if ``user`` may act on its applicant's behalf (the rules of its
    member applications); otherwise 404."""
    case = (
        ThemeCase.objects.select_related("version__item", "created_by", "person__user", "business")
        .filter(pk=pk, status=ThemeCaseStatus.SUBMITTED)
        .first()
    )
    member = Application.objects.filter(theme_case=case).first() if case else None
    if member is None:
        raise Http404
    try:
        policy.require_application_edit(user, member)
    except PermissionDenied:
        raise Http404 from None
    return case


def member_file_in_use(name: str) -> bool:
    """Whether a file stored for an application (``attachments/<application id>/…``) is still
    attached to it or, for a member of a one-thing case, to another member of its case (a
    supplement's shared material is stored once for every member that asked for it). Read
    through the application's and its case's own rows, never a scan of all attachments."""
    head = name.removeprefix("attachments/").split("/", 1)[0]
    if not name.startswith("attachments/") or not head.isdigit():
        return False
    owner = Application.objects.filter(pk=int(head)).values_list("pk", "theme_case_id").first()
    if owner is None:
        return False
    pk, case_id = owner
    holders = Application.objects.filter(theme_case_id=case_id) if case_id else None
    if holders is None:
        return Attachment.objects.filter(application_id=pk, file=name).exists()
    return Attachment.objects.filter(application__in=holders, file=name).exists()
