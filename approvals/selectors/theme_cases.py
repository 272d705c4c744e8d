"""A 一件事 case as its applicant reads it: the draft's form (the shared fields' schema, each
member's data as it will be filed, the material slots asked once) and the submitted case (its
members, each with its state, department and due date, and the documents to deliver).

Every read for a page goes through ``get_theme_case_for_applicant`` (or ``..._for_editing``),
which checks access the way applications are checked (``policy.require_theme_case_view``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.translation import gettext

from accounts.models import User
from approvals import dynamic_forms
from approvals.dynamic_forms.prefill import LOCKED_SOURCES
from approvals.models import (
    CERTIFICATE_KINDS,
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    Attachment,
    Document,
    DocumentKind,
    Material,
    ThemeCase,
    ThemeCaseAttachment,
    ThemeCaseStatus,
)
from approvals.models.theme_materials import THEME_FILES_PREFIX
from approvals.security.query_codes import hash_query_code, query_code_matches
from approvals.selectors import policy
from approvals.selectors.branches import Presence, among_first_rows
from approvals.selectors.themes import MemberPlan, ThemePlan

_DUMMY_QUERY_CODE_HASH = hash_query_code("000000")


# --- Access -------------------------------------------------------------------------------------


def _cases():
    return ThemeCase.objects.select_related(
        "version__item", "version__lead_department", "person", "business", "created_by"
    )


def _case_or_404(user: User, pk: int, require) -> ThemeCase:
    case = _cases().filter(pk=pk).first()
    if case is None:
        raise Http404
    try:
        require(user, case)
    except PermissionDenied:
        raise Http404 from None
    return case


def get_theme_case_for_applicant(user: User, pk: int) -> ThemeCase:
    """The case ``pk`` if ``user`` may see it as its applicant; otherwise ``Http404``."""
    return _case_or_404(user, pk, policy.require_theme_case_view)


def get_theme_case_for_editing(user: User, pk: int) -> ThemeCase:
    """The case ``pk`` if ``user`` may change it (draft, materials, withdrawal, rating)."""
    return _case_or_404(user, pk, policy.require_theme_case_edit)


def find_theme_case_by_tracking(tracking_number: str, query_code: str) -> ThemeCase | None:
    """The submitted case with this tracking number whose query code matches, else ``None``
    — the same answer after the same work whichever was wrong (as for applications)."""
    tracking_number = (tracking_number or "").strip().upper()
    case = (
        _cases().filter(tracking_number=tracking_number).exclude(query_code_hash="").first()
        if tracking_number
        else None
    )
    stored = case.query_code_hash if case is not None else _DUMMY_QUERY_CODE_HASH
    matches = query_code_matches(query_code, stored)
    return case if case is not None and matches else None


def _list_branches(user: User, *, business=None, person_only: bool = False) -> list:
    """The applicant's list of cases as one ``ThemeCase`` queryset per visibility branch, each
    in the list's order (each reads its own index)."""
    narrow = Q()
    if business is not None:
        narrow &= Q(business=business)
    elif person_only:
        narrow &= Q(business__isnull=True)
    return [
        ThemeCase.objects.filter(branch, narrow).order_by("-updated_at", "-pk")
        for branch in policy.theme_case_branches(user)
    ]


def theme_cases_presence(user: User, *, business=None, person_only: bool = False) -> Presence:
    """Whether ``user`` has a case in the list ``theme_cases_for_applicant`` reads, to be
    answered by the statement that counts the page's applications (``union_count``)."""
    return Presence(_list_branches(user, business=business, person_only=person_only))


def theme_cases_for_applicant(
    user: User,
    *,
    business=None,
    person_only: bool = False,
    limit: int = 20,
    presence: Presence | None = None,
) -> list[ThemeCase]:
    """The cases ``user`` sees as an applicant, newest activity first, each with its members
    inside (one query when there are none, two whatever the number of cases and members; none
    when ``presence``, answered already, found none)."""
    if presence is not None and presence.found is False:
        return []
    # Each visibility branch reads its own index in the list's order, its first ``limit`` rows,
    # as a subquery of the statement that reads the cases.
    branches = _list_branches(user, business=business, person_only=person_only)
    members = Application.objects.select_related("service_version__item__department").order_by("pk")
    return list(
        among_first_rows(_cases(), branches, limit=limit)
        .order_by("-updated_at", "-pk")
        .prefetch_related(Prefetch("members", members))[:limit]
    )


# --- The draft's form ---------------------------------------------------------------------------

SHARED_STEP = "shared"


def shared_schema(shared_fields: list[dict]) -> dict:
    """The shared fields as one form step in the service forms' JSON Schema dialect, so that the
    same step form, prefill and validation serve them."""
    return {
        "type": "object",
        "properties": {f["key"]: f["schema"] for f in shared_fields},
        "required": [f["key"] for f in shared_fields if f.get("required")],
        "x-steps": [
            {
                "key": SHARED_STEP,
                "title": "Shared details",
                "x-title-zh": "共用信息",
                "fields": [f["key"] for f in shared_fields],
            }
        ],
    }


def member_step_schema(member: MemberPlan, step_key: str) -> dict:
    """A member's step asking only its own fields (the shared ones are answered once)."""
    schema = member.version.form_schema
    step = next(s for s in schema.get("x-steps", []) if s["key"] == step_key)
    return {
        **schema,
        "x-steps": [{**step, "fields": member.own_fields[step_key]}],
    }


def _locked_prefill(schema: dict, case: ThemeCase) -> dict:
    """The registry values of ``schema``'s fields the applicant cannot change (一数一源)."""
    locked = {
        name: prop
        for name, prop in schema.get("properties", {}).items()
        if prop.get("x-prefill") in LOCKED_SOURCES
    }
    return dynamic_forms.prefill_values(
        {"properties": locked}, user=case.created_by, person=case.person, business=case.business
    )


def shared_values(case: ThemeCase) -> dict:
    """The shared fields' answers as they will be filed: the registry values that cannot be
    changed always win over whatever was stored."""
    stored = dict((case.data or {}).get("shared", {}))
    return stored | _locked_prefill(shared_schema(case.version.shared_fields), case)


def member_data(case: ThemeCase, member: MemberPlan) -> dict:
    """The data the member's application is filed with: its registry prefill (一数一源), its own
    answers, the shared answers mapped onto its fields; registry values that cannot be changed
    always win, as on a single application's form."""
    schema = member.version.form_schema
    prefill = dynamic_forms.prefill_values(
        schema, user=case.created_by, person=case.person, business=case.business
    )
    shared = shared_values(case)
    data = {**prefill, **(case.data or {}).get("members", {}).get(member.key, {})}
    for target, source in member.shared_field_of.items():
        if source in shared:
            data[target] = shared[source]
    # Values the theme sets without asking (the catalogue's fixed shared fields).
    data.update(getattr(member, "fixed_values", {}))
    data.update(_locked_prefill(schema, case))
    return {k: v for k, v in data.items() if k in schema.get("properties", {})}


@dataclass
class MaterialSlot:
    """A material asked once: a shared one (``member_key`` empty, with the members that need
    it) or a member's own one."""

    member_key: str
    key: str
    name: str
    description: str
    required: bool
    members: list[str]
    material: Material | None = None  # a member's own material (for citing a licence)

    @property
    def reusable_licence_item_code(self) -> str:
        return self.material.reusable_licence_item_code if self.material else ""


def case_material_slots(plan: ThemePlan) -> dict[tuple[str, str], MaterialSlot]:
    """Every material the applicant uploads for ``plan``, each once, by (member key, key)."""
    slots: dict[tuple[str, str], MaterialSlot] = {}
    for shared in plan.shared_materials:
        slots[("", shared.key)] = MaterialSlot(
            member_key="",
            key=shared.key,
            name=shared.name,
            description=shared.description,
            required=shared.required,
            members=shared.members,
        )
    for member in plan.members:
        for material in member.own_materials:
            slots[(member.key, material.key)] = MaterialSlot(
                member_key=member.key,
                key=material.key,
                name=material.name,
                description=getattr(material, "description", ""),
                required=material.required,
                members=[member.key],
                material=material,
            )
    return slots


def case_attachments(case: ThemeCase) -> dict[tuple[str, str], object]:
    return {
        (a.member_key, a.material_key): a for a in case.attachments.select_related("cited_licence")
    }


# --- The submitted case -------------------------------------------------------------------------


def case_members(case: ThemeCase) -> list[Application]:
    """The case's member applications in filing order, with their service and department."""
    return list(
        Application.objects.filter(theme_case=case)
        .select_related("service_version__item__department")
        .order_by("pk")
    )


def case_cited_licences(case: ThemeCase) -> dict[int, list[Attachment]]:
    """Each member's citations of a licence (材料复用: the licence a member needed, cited when it
    started), by member id, with the licence, the service that issued it and its certificates
    for the verification link (two queries whatever the number of members)."""
    cited: dict[int, list[Attachment]] = {}
    citations = (
        Attachment.objects.filter(application__theme_case=case, cited_licence__isnull=False)
        .select_related("cited_licence__application__service_version")
        .prefetch_related("cited_licence__documents")
        .order_by("application_id", "pk")
    )
    for attachment in citations:
        cited.setdefault(attachment.application_id, []).append(attachment)
    return cited


def stop_reason(failed: list[Application]) -> str:
    """Why a member was stopped, in the active language: the services it needs that were not
    approved, each with its status's own label."""
    services = "; ".join(
        gettext("%(service)s: %(status)s")
        % {"service": p.service_version.name, "status": p.get_status_display()}
        for p in failed
    )
    return gettext("A service this one needs was not approved: %(services)s.") % {
        "services": services
    }


def case_stop_reasons(
    members: list[Application], prerequisites: dict[str, list[str]]
) -> dict[int, str]:
    """For each stopped member (by id), why, in the active language: derived from where its
    prerequisites in the case stand (``member_prerequisites``), no query."""
    by_key = {m.theme_member_key: m for m in members}
    reasons = {}
    for member in members:
        if member.status != ApplicationStatus.STOPPED:
            continue
        failed = [
            by_key[key]
            for key in prerequisites.get(member.theme_member_key, [])
            if by_key[key].status in STOPPING_STATUSES
        ]
        if failed:
            reasons[member.pk] = stop_reason(failed)
    return reasons


# A prerequisite that ended this way stops the members that need it.
STOPPING_STATUSES = frozenset(
    {
        ApplicationStatus.DENIED,
        ApplicationStatus.NOT_ACCEPTED,
        ApplicationStatus.WITHDRAWN,
        ApplicationStatus.STOPPED,
    }
)


def case_certificates(case: ThemeCase) -> list[Document]:
    """The issued decision and certificate documents of the case's members (rendered ones)."""
    kinds = set(CERTIFICATE_KINDS) | {DocumentKind.APPROVAL_DECISION, DocumentKind.DENIAL_DECISION}
    return list(
        Document.objects.filter(application__theme_case=case, kind__in=kinds)
        .exclude(file="")
        .select_related("application__service_version")
        .order_by("application_id", "pk")
    )


def case_receipt(case: ThemeCase) -> Document | None:
    """The case's one receipt (filed with its first member, issued by the case's window)."""
    return Document.objects.filter(
        application__theme_case=case, kind=DocumentKind.RECEIPT, source_key=f"theme_case:{case.pk}"
    ).first()


def case_delivery_ready(case: ThemeCase, members: list[Application]) -> bool:
    """一窗出件: with delivery "together", the set is handed over once no member is open any
    more (each decided, or ended otherwise); otherwise each certificate as it is ready."""
    if case.status == ThemeCaseStatus.DRAFT:
        return False
    if case.delivery == "each":
        return True
    return bool(members) and all(m.status not in OPEN_STATUSES for m in members)


def case_ratable(case: ThemeCase, members: list[Application]) -> bool:
    decided = {
        ApplicationStatus.APPROVED,
        ApplicationStatus.DENIED,
        ApplicationStatus.LICENCE_ISSUED,
        ApplicationStatus.CLOSED,
    }
    return (
        case.rated_at is None
        and case.status == ThemeCaseStatus.SUBMITTED
        and any(m.status in decided for m in members)
        and all(m.status not in OPEN_STATUSES for m in members)
    )


# --- Stored files shared by the members -----------------------------------------------------------


def case_file_in_use(name: str) -> bool:
    """Whether a file stored for a case (under ``THEME_FILES_PREFIX``) is still named by the
    case's draft slot or by one of its members' attachments — one file, uploaded once, serves
    them all, so it goes only when none uses it. Read through the case's own rows (its id is in
    the name), never a scan of all attachments. Files outside the prefix are never shared."""
    if not name.startswith(THEME_FILES_PREFIX):
        return False
    head = name[len(THEME_FILES_PREFIX) :].split("/", 1)[0]
    if not head.isdigit():
        return False
    case_id = int(head)
    return (
        ThemeCaseAttachment.objects.filter(case_id=case_id, file=name).exists()
        or Application.objects.filter(theme_case_id=case_id, attachments__file=name).exists()
    )
