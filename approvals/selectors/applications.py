"""Reads of applications and notifications for the applicant's pages, permission filters inside.

The fetch-and-authorize selectors return the object or raise ``Http404``: a stranger learns
nothing about whether an application exists. Denials are logged by ``approvals.selectors.policy``.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import Http404

from accounts.models import (
    Business,
    BusinessMembership,
    Department,
    MembershipRole,
    MembershipStatus,
    OfficialPosition,
    OfficialRole,
    User,
)
from approvals.models import Application, Attachment, Notification, ServiceVersion
from approvals.security.query_codes import hash_query_code, query_code_matches
from approvals.selectors import policy
from approvals.selectors.branches import BranchedRows, Presence, union_count
from approvals.selectors.timeline import with_timeline_presence

# Checked against when a tracking number is unknown, so that a wrong number takes as long to
# refuse as a wrong code (no timing hint about which part was wrong). A code stored before as a
# PBKDF2 hash takes longer to check: that only tells that such an old number exists.
_DUMMY_QUERY_CODE_HASH = hash_query_code("000000")


def _applications() -> QuerySet[Application]:
    return Application.objects.select_related(
        "service_version__item__department",
        "business",
        "person",
        "created_by",
        "licence_to_supersede",
    )


def _application_or_404(user: User, pk: int, require, applications=None) -> Application:
    applications = _applications() if applications is None else applications
    application = applications.filter(pk=pk).first()
    if application is None:
        raise Http404
    try:
        require(user, application)
    except PermissionDenied:
        raise Http404 from None
    return application


def get_application_for_applicant(user: User, pk: int) -> Application:
    """The application ``pk`` if ``user`` may see it as an applicant; otherwise ``Http404``."""
    return _application_or_404(user, pk, policy.require_application_view)


def get_application_for_editing(user: User, pk: int) -> Application:
    """The application ``pk`` if ``user`` may change it (its draft, materials, withdrawal); who
    may change an application may see it."""
    return _application_or_404(user, pk, policy.require_application_edit)


def get_application_for_submitting(user: User, pk: int) -> Application:
    """The application ``pk`` if ``user`` may change it, with only the columns that question
    reads (who filed it, for whom, at the counter or not): the submission reads and locks the
    whole row itself (``application_submit``), so the service's form, workflow and texts are
    not decoded twice per submission."""
    applications = Application.objects.select_related("person").only(
        "pk", "person__user_id", "created_by_id", "business_id", "filed_at_counter", "status"
    )
    return _application_or_404(user, pk, policy.require_application_edit, applications)


def get_application_page_for_applicant(user: User, pk: int) -> Application:
    """``get_application_for_applicant`` for the application's own page: with its rating and
    its 告知承诺 commitment (one to one: joined), and whether it has the timeline's facts that
    most applications lack (``with_timeline_presence``), so that no empty table is read."""
    applications = with_timeline_presence(_applications().select_related("rating", "commitment"))
    return _application_or_404(user, pk, policy.require_application_view, applications)


DASHBOARD_ORDER = ("-updated_at", "-pk")


def applications_for_applicant(
    user: User,
    *,
    business: Business | None = None,
    person_only=False,
    status: str = "",
    presence: Presence | None = None,
) -> BranchedRows:
    """The applications ``user`` sees as an applicant, newest activity first: their own and those
    of every business they actively belong to; narrowed to one business, or to the ones filed as a
    person, or to one status, when asked. Read branch by branch in the list's order (a page reads
    its own rows), in a fixed number of queries however long the list. ``presence``: another
    list's question "has it any row?", answered by the statement that counts this one."""
    # A one-thing case's members are shown inside their case (theme_cases_for_applicant).
    narrow = Q(theme_case__isnull=True)
    if business is not None:
        narrow &= Q(business=business)
    elif person_only:
        narrow &= Q(business__isnull=True)
    if status:
        narrow &= Q(status=status)
    branches = [
        Application.objects.filter(branch, narrow) for branch in policy.applicant_branches(user)
    ]
    return BranchedRows(
        branches,
        order=DASHBOARD_ORDER,
        rows=_applications(),
        count=lambda: union_count(branches, presence=presence),
    )


def businesses_acting_for(user: User) -> QuerySet[Business]:
    """The businesses ``user`` may act for (active memberships), by name."""
    if not user.is_authenticated:
        return Business.objects.none()
    return Business.objects.filter(
        memberships__user=user, memberships__status=MembershipStatus.ACTIVE
    ).order_by("name", "pk")


def get_business_acting_for(user: User, pk, *, to_apply: bool = False) -> Business | None:
    """The business ``pk`` if ``user`` actively belongs to it (and, with ``to_apply``, may apply
    for it), else ``None``."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    source = businesses_applying_for(user) if to_apply else businesses_acting_for(user)
    return source.filter(pk=pk).first()


def businesses_applying_for(user: User) -> QuerySet[Business]:
    """The businesses ``user`` may start applications for: those they administer, and those
    whose administrator lets them apply (``can_apply``), by name."""
    if not user.is_authenticated:
        return Business.objects.none()
    business_ids = (
        BusinessMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .filter(Q(role=MembershipRole.ADMIN) | Q(can_apply=True))
        .values("business_id")
    )
    return Business.objects.filter(pk__in=business_ids).order_by("name", "pk")


def application_attachments(application: Application) -> dict[str, list[Attachment]]:
    """The application's uploads by material key, oldest first."""
    slots: dict[str, list[Attachment]] = {}
    attachments = application.attachments.select_related("cited_licence").prefetch_related(
        "cited_licence__documents"
    )
    for attachment in attachments.order_by("uploaded_at", "pk"):
        slots.setdefault(attachment.material_key, []).append(attachment)
    return slots


def get_service_version_materials(version: ServiceVersion) -> list:
    """The version's materials in their order, read once per version object: kept with it (a
    prefetch), so that what else the page asks of ``version.materials.all()`` reads nothing."""
    prefetch_related_objects([version], "materials")  # Material's ordering: by position
    return list(version.materials.all())


def window_departments(version: ServiceVersion) -> list[Department]:
    """The service window (一窗受理) that receives applications for ``version``
    (``Department.service_windows`` of the implementing department)."""
    return version.item.department.service_windows()


def window_intake_clerks(version: ServiceVersion) -> list[User]:
    """The active intake clerks of the window that receives applications for ``version``."""
    department = version.item.department
    # Most departments have a window in their own region: its clerks are read in one statement,
    # and the windows themselves (with the parents' regions) only when that finds none.
    clerks = _intake_clerks(
        department__is_service_window=True,
        department__is_active=True,
        department__region_code=department.region_code,
    )
    if clerks:
        return clerks
    windows = window_departments(version)
    return _intake_clerks(department__in=windows) if windows else []


def _intake_clerks(**window) -> list[User]:
    positions = (
        OfficialPosition.objects.filter(
            role=OfficialRole.INTAKE_CLERK, is_active=True, user__is_active=True, **window
        )
        .select_related("user")
        .order_by("user_id")
    )
    seen, clerks = set(), []
    for position in positions:
        if position.user_id not in seen:
            seen.add(position.user_id)
            clerks.append(position.user)
    return clerks


def find_application_by_tracking(tracking_number: str, query_code: str) -> Application | None:
    """The submitted application with this tracking number whose query code matches, else
    ``None`` — the same answer, after the same work, whichever of the two was wrong."""
    tracking_number = (tracking_number or "").strip().upper()
    application = (
        Application.objects.select_related("service_version")
        .filter(tracking_number=tracking_number)
        .exclude(query_code_hash="")
        .first()
        if tracking_number
        else None
    )
    stored_hash = application.query_code_hash if application is not None else _DUMMY_QUERY_CODE_HASH
    matches = query_code_matches(query_code, stored_hash)
    return application if application is not None and matches else None


def notifications_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_notification_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def get_notification_for_user(user: User, pk: int) -> Notification:
    notification = Notification.objects.filter(pk=pk, user=user).first()
    if notification is None:
        raise Http404
    return notification
