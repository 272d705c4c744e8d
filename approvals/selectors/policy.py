"""The one place that answers "may this user do X to this object", for pages, API and admin alike.

Each function either returns quietly or raises ``PermissionDenied``; views turn that into 403/404
without saying whether the object exists. Denials are logged.
"""

from dataclasses import dataclass

from django.db.models import Q

# The membership rules live with the businesses; these names stay here for the callers that ask
# this module (views, services, API, admin).
from accounts.policy import (  # noqa: F401
    active_membership,
    active_memberships,
    deny,
    membership_may_apply,
    membership_sees_all,
    require_business_admin,
    require_business_member,
)

# --- Applications, applicant side ---------------------------------------------------------------
# An applicant sees the applications they filed, those filed for them as a person (for example at
# the counter), and every application of the businesses they administer or where the administrator
# let them see all (``sees_all_applications``); other agents see only the ones they filed. An agent
# applies for the business only when allowed to (``can_apply``); administrators always may.


def applicant_branches(user) -> list:
    """What ``user`` may see as an applicant, as disjoint ``Q``s over ``Application``, each a
    filter on the leading column of its own index (approvals/selectors/branches.py): every
    application of a business where they see all, one branch a business; theirs as a person; what
    they filed otherwise."""
    from accounts.models import PersonProfile

    if not user.is_authenticated:
        return []
    active, sees_all = _acting_for(user)
    # A scalar subquery, so that PostgreSQL reads the person's index in order.
    person = PersonProfile.objects.filter(user=user).values("pk")[:1]
    businesses = [Q(business_id=business_id) for business_id in sees_all]
    not_seen_all = ~Q(business_id__in=sees_all) if sees_all else Q()
    as_person = Q(person_id=person) & not_seen_all
    # An agent sees what they filed for a business only while they still act for it (the clerk
    # who filed it at the counter, for the walk-in applicant, keeps it).
    filed = (
        Q(created_by_id=user.pk)
        & (Q(business__isnull=True) | Q(filed_at_counter=True) | Q(business_id__in=active))
        & ~Q(person_id=person)  # (Django's negation keeps the rows without a person)
        & not_seen_all
    )
    return [*businesses, as_person, filed]


def _acting_for(user) -> tuple[list[int], list[int]]:
    """The businesses ``user`` actively belongs to, and those of them where they see every
    application (administrators, and agents allowed to), sorted."""
    active, sees_all = [], []
    for membership in active_memberships(user):
        active.append(membership.business_id)
        if membership_sees_all(membership):
            sees_all.append(membership.business_id)
    sees_all.sort()
    return active, sees_all


def applicant_visibility(user):
    """A ``Q`` over ``Application`` for what ``user`` may see as an applicant (one ``Q`` of the
    branches, for looking up one application)."""
    query = Q(pk__in=[])
    for branch in applicant_branches(user):
        query |= branch
    return query


_UNREAD = object()


def _is_applicant_side(user, application, *, membership=_UNREAD) -> bool:
    """``membership``: the user's active membership of the application's business when the
    caller has read it already (``None`` for none), so that it is read once."""
    if not user.is_authenticated:
        return False
    if application.person_id is not None and application.person.user_id == user.pk:
        return True
    filer = application.created_by_id == user.pk
    if application.business_id is None:
        return filer
    # (A one-thing case is filed online only: it has no counter filing.)
    if filer and getattr(application, "filed_at_counter", False):
        return True  # the clerk who filed it at the counter for the walk-in applicant
    # A business's application: only while one acts for the business (a removed agent loses
    # even what they filed), and the agents who do not see all see only what they filed.
    if membership is _UNREAD:
        membership = active_membership(user, application.business_id)
    if membership is None:
        return False
    return filer or membership_sees_all(membership)


def may_view_application(user, application) -> bool:
    """Whether ``user`` sees ``application`` as an applicant (no denial logged: for lookups)."""
    return _is_applicant_side(user, application)


def require_application_view(user, application) -> None:
    if not _is_applicant_side(user, application):
        deny(user, "application.view", application)


def require_application_edit(user, application) -> None:
    """Change a draft, upload its materials, submit it, or withdraw it."""
    if not _is_applicant_side(user, application):
        deny(user, "application.edit", application)


def require_application_submit(user, application) -> None:
    """Submit a draft: whoever may change it; for a business's application filed online, only
    while they may still apply for the business (an agent whose administrator withdrew "may
    apply" keeps their drafts but cannot submit). The membership is read once for both."""
    membership = _UNREAD
    online_for_business = application.business_id is not None and not application.filed_at_counter
    if online_for_business and user.is_authenticated:
        membership = active_membership(user, application.business_id)
    if not _is_applicant_side(user, application, membership=membership):
        deny(user, "application.edit", application)
    if online_for_business and not membership_may_apply(membership):
        deny(user, "application.apply_for_business", application)


def require_can_apply_as(user, *, business=None) -> None:
    """Apply as oneself (a verified person) or for a business one actively belongs to and may
    apply for (its administrator, or an agent with ``can_apply``)."""
    if business is not None:
        if not membership_may_apply(active_membership(user, business)):
            deny(user, "application.apply_for_business", business)
        return
    if not user.is_authenticated or getattr(user, "person", None) is None:
        deny(user, "application.apply_as_person")


# --- 一件事 cases, applicant side ---------------------------------------------------------------
# A one-thing case is seen and acted on by its applicant side under the same rules as an
# application (the person, the filer, the business's members by their role).


def theme_case_branches(user) -> list:
    """What ``user`` sees of ``ThemeCase`` as an applicant, by the rules of
    ``applicant_branches``, as ``Q``s each on the leading column of its own index (they may
    overlap): every case of a business where they see all, one branch a business; theirs as a
    person; what they filed (for a business only while they still act for it)."""
    from accounts.models import PersonProfile

    if not user.is_authenticated:
        return []
    active, sees_all = _acting_for(user)
    person = PersonProfile.objects.filter(user=user).values("pk")[:1]
    filed = Q(created_by_id=user.pk) & (Q(business__isnull=True) | Q(business_id__in=active))
    return [*(Q(business_id=business_id) for business_id in sees_all), Q(person_id=person), filed]


def may_view_theme_case(user, case) -> bool:
    return _is_applicant_side(user, case)


def require_theme_case_view(user, case) -> None:
    if not _is_applicant_side(user, case):
        deny(user, "theme_case.view", case)


def require_theme_case_edit(user, case) -> None:
    """Change a draft case, upload its materials, withdraw it, rate it."""
    if not _is_applicant_side(user, case):
        deny(user, "theme_case.edit", case)


def require_theme_case_submit(user, case) -> None:
    """Submit a draft case: whoever may change it; for a business, only while they may still
    apply for it."""
    membership = _UNREAD
    if case.business_id is not None and user.is_authenticated:
        membership = active_membership(user, case.business_id)
    if not _is_applicant_side(user, case, membership=membership):
        deny(user, "theme_case.edit", case)
    if case.business_id is not None and not membership_may_apply(membership):
        deny(user, "application.apply_for_business", case)


# --- Service catalogue --------------------------------------------------------------------------


def is_catalogue_admin(user) -> bool:
    """Superusers and catalogue administrators (the Django permission
    ``approvals.change_serviceversion``), signed in and active."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_perm("approvals.change_serviceversion")


def is_catalogue_reader(user) -> bool:
    """Catalogue administrators, and staff given ``approvals.view_serviceversion`` (they read
    the versions and their parts in the admin)."""
    return is_catalogue_admin(user) or (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("approvals.view_serviceversion")
    )


def require_catalogue_admin(user) -> None:
    """Draft, publish, retire or import service guides."""
    if not is_catalogue_admin(user):
        deny(user, "catalogue.manage")


# --- Officials: the service window (一窗受理) --------------------------------------------------
# The rule, kept simple and the same as the routing of new applications
# (``accounts.models.Department.service_windows``): a service's applications arrive at the
# active service window of its implementing department's region, else of the nearest ancestor's
# region that has one (a district bureau's matters go to the district centre, a city bureau's to
# the city's). An intake clerk (an active OfficialPosition with role intake_clerk at that window)
# handles them.


def intake_windows(user) -> set[int]:
    """The ids of the active service windows where ``user`` is an active intake clerk."""
    from accounts.models import OfficialRole

    return {
        position.department_id
        for position in position_rows(user)
        if position.role == OfficialRole.INTAKE_CLERK
        and position.department.is_service_window
        and position.department.is_active
    }


def is_intake_clerk(user) -> bool:
    return bool(intake_windows(user))


def intake_department_ids(user, *, windows: set[int] | None = None) -> list[int]:
    """The departments whose services' applications arrive at ``user``'s windows: the department
    tree is walked in memory (two queries, whatever the number of applications; one when the
    caller has read ``intake_windows(user)`` already and passes it as ``windows``)."""
    from accounts.models import Department

    mine = intake_windows(user) if windows is None else windows
    if not mine:
        return []
    departments = {
        d.pk: d
        for d in Department.objects.only(
            "pk", "parent_id", "region_code", "is_service_window"
        ).filter(is_active=True)
    }
    windows_by_region: dict[str, set[int]] = {}
    for department in departments.values():
        if department.is_service_window:
            windows_by_region.setdefault(department.region_code, set()).add(department.pk)
    served = []
    for department in departments.values():
        node, seen = department, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            windows = windows_by_region.get(node.region_code)
            if windows:
                if windows & mine:
                    served.append(department.pk)
                break
            node = departments.get(node.parent_id)
    return served


def intake_visibility(user, department_ids: list[int] | None = None):
    """A ``Q`` over ``Application``: what ``user`` handles at the window (indexed columns).
    ``department_ids``: ``intake_department_ids(user)`` when the caller has it already."""
    from approvals.models import ServiceVersion

    if department_ids is None:
        department_ids = intake_department_ids(user)
    # On the application's own column (a subquery of the few versions), so that the queue reads
    # the waiting applications' index in its order and filters as it goes, without a join.
    versions = ServiceVersion.objects.filter(item__department_id__in=department_ids)
    return Q(service_version_id__in=versions.values("pk"))


def may_handle_intake(user, application) -> bool:
    mine = intake_windows(user)
    if not mine:
        return False
    # 一窗受理: a member of a one-thing case arrives at the window of the case's lead department.
    department = (
        application.theme_case.version.lead_department
        if application.theme_case_id
        else application.service_version.item.department
    )
    return any(window.pk in mine for window in department.service_windows())


def require_intake_clerk(user, application) -> None:
    """Accept, refuse, ask for a supplement, accept with a pledge, or file at the counter."""
    if not may_handle_intake(user, application):
        deny(user, "application.intake", application)


def theme_intake_visibility(user, department_ids: list[int] | None = None):
    """A ``Q`` over ``ThemeCase``: the one-thing cases ``user``'s windows accept as one (the
    window of the case's lead department). ``department_ids`` as for ``intake_visibility``."""
    if department_ids is None:
        department_ids = intake_department_ids(user)
    return Q(version__lead_department_id__in=department_ids)


def may_handle_theme_intake(user, case) -> bool:
    mine = intake_windows(user)
    return bool(mine) and any(
        window.pk in mine for window in case.version.lead_department.service_windows()
    )


def require_theme_intake_clerk(user, case) -> None:
    """Accept, accept with a pledge, ask for one supplement, or refuse a one-thing case."""
    if not may_handle_theme_intake(user, case):
        deny(user, "theme_case.intake", case)


# --- Officials: review tasks --------------------------------------------------------------------
# An official sees the tasks of the departments and roles they hold (active positions), the tasks
# assigned to them, and the tasks of applications they were granted (guardian's direct-FK
# ApplicationUserObjectPermission: an extra reviewer, a supervisor opening a case). The queue
# filters on the task's department, role and assignee columns (indexed), never on guardian's
# get_objects_for_user over all applications.

TASK_DECISIONS = frozenset(
    {"approve", "reject", "return_to_stage", "return_to_applicant", "pause_clock", "extension"}
)


def active_positions(user):
    from accounts.models import OfficialPosition

    if not (user is not None and user.is_authenticated and user.is_active):
        return OfficialPosition.objects.none()
    return OfficialPosition.objects.filter(user=user, is_active=True)


def position_rows(user) -> tuple:
    """``active_positions`` read (with their departments, by id): once per read-only request,
    whatever the number of questions the page asks of them."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return ()
    return user.active_position_rows()


def position_roles(user) -> set[str]:
    return {position.role for position in position_rows(user)}


def granted_application_ids(user):
    """A subquery of the applications ``user`` (a user or their id) holds ``view_application``
    on."""
    from approvals.models import ApplicationUserObjectPermission

    return ApplicationUserObjectPermission.objects.filter(
        user=user, permission__codename="view_application"
    ).values("content_object_id")


@dataclass(frozen=True)
class TaskBranches:
    """The official's task visibility as disjoint branches, each answered by one index: the
    (department, role) pairs of their positions (a head's department with every task role), then
    the tasks claimed by them outside those pairs, then those of applications granted to them
    outside both (approvals/selectors/branches.py explains why not one ``OR``)."""

    user_id: int | None
    pairs: tuple[tuple[int, str], ...]
    granted_applications: object = None  # a subquery of application ids
    head_departments: frozenset[int] = frozenset()  # where they are the department head

    @property
    def outside_pairs(self):
        query = Q()
        for department_id, role in self.pairs:
            query &= ~Q(department_id=department_id, role=role)
        return query

    def claimed(self):
        """Tasks claimed by the official outside their pairs."""
        return Q(assignee_id=self.user_id) & self.outside_pairs

    def granted(self):
        """Tasks of applications granted to the official, outside their pairs and claims."""
        return (
            Q(application_id__in=self.granted_applications)
            & self.outside_pairs
            & ~Q(assignee_id=self.user_id)
        )

    def branches(self) -> list:
        if self.user_id is None:
            return []
        pairs = [Q(department_id=department_id, role=role) for department_id, role in self.pairs]
        return [*pairs, self.claimed(), self.granted()]

    def any(self):
        """The whole rule as one ``Q`` (for a single task, where one row is looked up)."""
        query = Q(pk__in=[])
        for branch in self.branches():
            query |= branch
        return query


def official_task_branches(user) -> TaskBranches:
    """The tasks ``user`` may see as an official (see ``TaskBranches``)."""
    from approvals.models import TaskRole

    if not (user is not None and user.is_authenticated and user.is_active):
        return TaskBranches(user_id=None, pairs=())
    pairs, heads = set(), set()
    for department_id, role in [(p.department_id, p.role) for p in position_rows(user)]:
        if role == "department_head":  # the head sees every task of the department
            heads.add(department_id)
            pairs.update((department_id, task_role) for task_role in TaskRole.values)
        elif role in TaskRole.values:
            pairs.add((department_id, role))
    return task_branches_of(user.pk, sorted(pairs), head_departments=heads)


def task_branches_of(user_id: int, pairs, *, head_departments=frozenset()) -> TaskBranches:
    """The visibility of the official ``user_id`` holding ``pairs`` ((department id, role), sorted),
    from ids alone: ``official_task_branches`` once the positions are read, and the queue's
    statements built once per shape for any official with as many pairs."""
    return TaskBranches(
        user_id=user_id,
        pairs=tuple(pairs),
        granted_applications=granted_application_ids(user_id),
        head_departments=frozenset(head_departments),
    )


def official_task_visibility(user):
    """A ``Q`` over ``ReviewTask`` for the tasks ``user`` may see as an official: those of the
    (department, role) pairs of their active positions (a head: all of the department's), those
    assigned to them, and those of applications granted to them."""
    return official_task_branches(user).any()


def is_official_worker(user) -> bool:
    """Holds a position that works tasks (reviewer, approver, department head)."""
    return bool(position_roles(user) & {"reviewer", "approver", "department_head"})


def is_department_head(user, department) -> bool:
    department_id = getattr(department, "pk", department)
    return any(
        p.department_id == department_id and p.role == "department_head"
        for p in position_rows(user)
    )


def require_department_head(user, department) -> None:
    if not is_department_head(user, department):
        deny(user, "department.head", department)


def holds_task_position(user, task) -> bool:
    return any(
        p.department_id == task.department_id and p.role == task.role for p in position_rows(user)
    )


def may_see_task(user, task) -> bool:
    from approvals.models import ReviewTask

    return ReviewTask.objects.filter(official_task_visibility(user), pk=task.pk).exists()


def official_may_view_application(user, application, *, tasks=None) -> bool:
    """An official with a task on ``application`` that they may see (department and role,
    assignee, or a per-application grant). ``tasks``: the application's tasks when the caller
    has read them; a task of the official's department and role, or claimed by them, answers
    without a query (a grant is asked of the database)."""
    from approvals.models import ReviewTask

    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if tasks is not None:
        pairs = set(official_task_branches(user).pairs)
        if any((t.department_id, t.role) in pairs or t.assignee_id == user.pk for t in tasks):
            return True
    return ReviewTask.objects.filter(
        official_task_visibility(user), application=application
    ).exists()


def require_attachment_download(user, application) -> None:
    """Take a copy of an application's file: the applicant side, the window's intake clerk once
    submitted, or an official with a task on the application they may see."""
    if _is_applicant_side(user, application):
        return
    if application.status != "draft" and may_handle_intake(user, application):
        return
    if official_may_view_application(user, application):
        return
    deny(user, "attachment.download", application)


def require_task_action(user, task, action: str) -> None:
    """``view``; ``claim``/``release``; ``assign`` (the department's head); the decisions in
    ``TASK_DECISIONS`` (a holder of the task's department and role, and the assignee when the
    task is claimed)."""
    if action == "view":
        allowed = may_see_task(user, task)
    elif action == "claim":
        allowed = holds_task_position(user, task)
    elif action == "release":
        allowed = task.assignee_id == getattr(user, "pk", None) or is_department_head(
            user, task.department
        )
    elif action == "assign":
        allowed = is_department_head(user, task.department)
    elif action in TASK_DECISIONS:
        allowed = holds_task_position(user, task) and task.assignee_id in (None, user.pk)
    else:
        allowed = False
    if not allowed:
        deny(user, f"task.{action}", task)


def may_manage_grants(user, application) -> bool:
    """Grant or revoke access to one application: the head of a department with a task on it,
    or a superuser."""
    from approvals.models import ReviewTask

    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    heads = {p.department_id for p in position_rows(user) if p.role == "department_head"}
    # Only a head asks the application's tasks.
    return bool(heads) and (
        ReviewTask.objects.filter(application=application, department_id__in=heads).exists()
    )


def require_grant_manager(user, application) -> None:
    """As ``may_manage_grants``, raising ``PermissionDenied`` (audited) when refused."""
    if not may_manage_grants(user, application):
        deny(user, "application.grant", application)


# --- The licence register (电子证照库) -----------------------------------------------------------
# The issuing department's officials see its licences; its head and approvers revoke (撤销,
# Art. 69) or cancel (注销, Art. 70) them — the agency that decided is the one that undoes.
# Supervisors inspect through the admin and change nothing. A holder sees their licences as they
# see the applications behind them (``applicant_visibility``): the person; a business's
# administrators and the agents allowed to see all its matters; other agents the licences of the
# applications they filed, while they are still members.

LICENCE_REGISTER_ROLES = ("reviewer", "approver", "department_head")
LICENCE_MANAGER_ROLES = ("approver", "department_head")


def licence_register_department_ids(user) -> list[int]:
    """The departments whose licences ``user`` sees in the register as an official."""
    return sorted(
        {p.department_id for p in position_rows(user) if p.role in LICENCE_REGISTER_ROLES}
    )


def may_manage_licence(user, licence) -> bool:
    return any(
        p.department_id == licence.department_id and p.role in LICENCE_MANAGER_ROLES
        for p in position_rows(user)
    )


def require_licence_manager(user, licence) -> None:
    """Revoke or cancel a licence: the issuing department's head or an approver."""
    if not may_manage_licence(user, licence):
        deny(user, "licence.manage", licence)


def licence_holder_visibility(user):
    """A ``Q`` over ``Licence`` for the licences ``user`` sees as (acting for) their holder."""
    from accounts.models import BusinessMembership, MembershipRole, MembershipStatus

    if not user.is_authenticated:
        return Q(pk__in=[])
    active = BusinessMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
    sees_all = active.filter(Q(role=MembershipRole.ADMIN) | Q(sees_all_applications=True))
    return (
        Q(person__user=user, holder_kind="person")
        | Q(business_id__in=sees_all.values("business_id"))
        | Q(business_id__in=active.values("business_id"), application__created_by=user)
    )


def require_licence_follow_up(user, licence) -> None:
    """Start a change or renewal application: the person holding it, or someone who may see it
    and apply for the business holding it."""
    from approvals.models import Licence

    visible = Licence.objects.filter(licence_holder_visibility(user), pk=licence.pk).exists()
    if not visible:
        deny(user, "licence.follow_up", licence)
    if licence.business_id is not None:
        require_can_apply_as(user, business=licence.business)
    elif getattr(user, "person", None) is None or user.person.pk != licence.person_id:
        deny(user, "licence.follow_up", licence)


# --- Case files: officials opening an application, and the unmasked ID number ----------------


def may_open_case_file(user, application, *, tasks=None) -> bool:
    """An official with reason to see the application: the window's intake clerk once it was
    submitted, or an official with a task on it they may see (department, assignee, grant).
    ``tasks``: the application's tasks, when read already."""
    if application.status != "draft" and may_handle_intake(user, application):
        return True
    return official_may_view_application(user, application, tasks=tasks)


def require_case_file(user, application, *, tasks=None) -> None:
    """Open an application's case file as an official, or see its applicant's full ID number."""
    if not may_open_case_file(user, application, tasks=tasks):
        deny(user, "application.case_file", application)


# --- Supervision (电子监察) and service evaluation (好差评) -------------------------------------


def is_supervisor(user) -> bool:
    """Holds an active supervisor position (the electronic supervision pages)."""
    return "supervisor" in position_roles(user)


def require_supervisor(user) -> None:
    if not is_supervisor(user):
        deny(user, "supervision.open")


def may_read_audit_trail(user) -> bool:
    """The admin's audit pages: a superuser, or a staff user with ``view_auditevent`` who still
    holds an active supervisor position (a deactivated position ends the access at once, even
    if nobody took the permission back)."""
    if not (user is not None and user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("audit.view_auditevent") and is_supervisor(user)


def require_audit_reader(user) -> None:
    if not may_read_audit_trail(user):
        deny(user, "audit.read")


def require_rating(user, application) -> None:
    """Rate a decided application: its applicant side only (never the officials who decided)."""
    if not _is_applicant_side(user, application):
        deny(user, "application.rate", application)


def document_correction_department_ids(user) -> set[int]:
    """The departments whose documents ``user`` may correct: where they are head or approver."""
    from accounts.models import OfficialRole

    roles = {OfficialRole.DEPARTMENT_HEAD, OfficialRole.APPROVER}
    return {p.department_id for p in position_rows(user) if p.role in roles}


def require_document_correct(user, document) -> None:
    """A correction is issued by the issuing department: its head or approver."""
    if document.department_id in document_correction_department_ids(user):
        return
    deny(user, "document.correct", document)


# --- API credentials ----------------------------------------------------------------------------
# Personal tokens are for applicants' apps. Officials, supervisors and staff work through the
# session with a verified second factor: a token would bypass it, so they may not hold one.


def require_can_hold_personal_token(user) -> None:
    if not (user is not None and user.is_authenticated and user.is_active):
        deny(user, "api.token")
    if user.requires_second_factor:
        deny(user, "api.token", user)


def require_own_token(user, token) -> None:
    if token.user_id != getattr(user, "pk", None):
        deny(user, "api.token.revoke", token)


def may_manage_api_clients(user) -> bool:
    """Create API clients or give them a new secret: superusers and holders of
    ``approvals.add_apiclient``."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_perm("approvals.add_apiclient")


def require_api_client_admin(user) -> None:
    if not may_manage_api_clients(user):
        deny(user, "api.client.manage")


# --- 告知承诺: verification after approval (事后核查) ------------------------------------------


def commitment_verifier_department_ids(user) -> list[int]:
    """The departments whose pledges ``user`` verifies: the issuing department's approvers and
    head, who may also revoke the licence when a pledge is false."""
    return [p.department_id for p in position_rows(user) if p.role in LICENCE_MANAGER_ROLES]


def require_commitment_verifier(user, commitment) -> None:
    if commitment.department_id not in commitment_verifier_department_ids(user):
        deny(user, "commitment.verify", commitment)
