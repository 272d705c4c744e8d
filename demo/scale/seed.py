"""``manage.py seed_scale``: a realistic volume of applications written fast (PostgreSQL COPY),
on top of the demo city that ``manage.py seed_demo`` creates (departments, officials, catalogue).

What a run adds (``demo/scale/plan.py`` decides the rows): a few hundred more officials
(reviewers, approvers and a deputy head per department that works tasks, intake clerks per window,
supervisors); per 1,000 applications 125 citizens and 25 businesses with their members; the
applications with review tasks, open clock pauses and supplement notices, licences, delegated
``view_application`` grants, and their audit events, appended to the real hash chain: each event
is hashed by ``AuditEvent.compute_hash`` itself, from the chain head, and the head moves on in
the same transaction, so that ``verify_audit`` passes.

Resumable and idempotent: applications are written in blocks of ``scale_plan.BLOCK``, each in one
transaction together with a progress row (table ``scale_seed_progress``, created on first use):
a run continues after the last committed block, a larger ``--applications`` adds the difference,
the same number again adds nothing. Every block is generated from (seed, block number), so the
data does not depend on how the work was split between runs; the anchor day ("today") of the
first run is kept, so a resumed run next week continues the same history.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Department, OfficialPosition, OfficialRole, User
from approvals.domain.china_time import china_today
from approvals.domain.workflow_definition import parse_definition
from approvals.models import (
    ServiceVersion,
    VersionStatus,
)
from approvals.models.working_calendar import working_calendar
from approvals.selectors.applications import window_departments
from audit.chain import audit_record
from demo.scale import plan as scale_plan
from demo.scale.plan import (
    BLOCK,
    Pools,
    ServiceSpec,
    WorkCalendar,
)
from demo.scale.write import BlockWriter, Context, save_counters

PROGRESS_TABLE = "scale_seed_progress"
OFFICIAL_DOMAIN = "scale.demo.gov.cn"
# Every seeded application shares one query code (its hash is computed once per run: PBKDF2 with
# a million iterations per application would take days).
QUERY_CODE = "246810"
# Officials added per department that works review tasks, and per service window.
REVIEWERS, APPROVERS, DEPUTY_HEADS, CLERKS, SUPERVISORS = 20, 8, 1, 12, 3
FILLED_TABLES = (
    "accounts_user",
    "accounts_personprofile",
    "accounts_business",
    "accounts_businessmembership",
    "accounts_officialposition",
    "approvals_application",
    "approvals_reviewtask",
    "approvals_clockpause",
    "approvals_supplementrequest",
    "approvals_licence",
    "approvals_applicationuserobjectpermission",
    "approvals_auditevent",
    "approvals_trackingcounter",
    "approvals_documentcounter",
)


class SeedScaleError(Exception):
    """The database cannot be seeded as asked (wrong engine, no catalogue, another seed)."""


@dataclass
class SeedResult:
    applications_before: int
    applications_after: int
    seconds: float
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def added(self) -> int:
        return self.applications_after - self.applications_before


# --- Progress row -------------------------------------------------------------------------------


def _ensure_progress_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TABLE IF NOT EXISTS {PROGRESS_TABLE} (
                id smallint PRIMARY KEY, seed bigint NOT NULL, anchor date NOT NULL,
                applications bigint NOT NULL)"""
        )
        cursor.execute(
            f"ALTER TABLE {PROGRESS_TABLE} ADD COLUMN IF NOT EXISTS dropped_indexes jsonb "
            "NOT NULL DEFAULT '[]'"
        )


# --- Bulk loading: secondary indexes off, then rebuilt ------------------------------------------

# The tables that grow by millions. Their secondary indexes (not the primary keys, nor the indexes
# behind unique constraints) are dropped for a large load and built again at the end: building an
# index once from sorted rows is many times faster than millions of scattered inserts into it. The
# definitions wait in the progress row, so a run that stops half-way rebuilds them next time.
BULK_TABLES = ("approvals_auditevent", "approvals_reviewtask", "approvals_application")
BULK_FOREIGN_KEY_TABLES = (*BULK_TABLES, "approvals_licence")
BULK_MINIMUM = 50_000  # applications to add before dropping indexes is worth it


def _secondary_indexes() -> list[dict]:
    """The bulk tables' indexes and unique constraints but their primary keys, each with the
    statement that builds it again."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, i.indrelid::regclass::text,
                      pg_get_indexdef(i.indexrelid), c.conname, pg_get_constraintdef(c.oid)
               FROM pg_index i
               LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.contype = 'u'
               WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                 AND NOT EXISTS (
                   SELECT 1 FROM pg_constraint o WHERE o.conindid = i.indexrelid
                   AND o.contype <> 'u')
               ORDER BY 2, 1""",
            [list(BULK_TABLES)],
        )
        rows = cursor.fetchall()
    found = []
    for index, table, definition, constraint, constraint_definition in rows:
        if constraint:
            found.append(
                {
                    "table": table,
                    "constraint": constraint,
                    "build": f"ALTER TABLE {table} ADD CONSTRAINT {constraint} "
                    f"{constraint_definition}",
                    "drop": f"ALTER TABLE {table} DROP CONSTRAINT {constraint}",
                }
            )
        else:
            build = definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
            build = build.replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX IF NOT EXISTS ", 1)
            found.append(
                {"table": table, "index": index, "build": build, "drop": f"DROP INDEX {index}"}
            )
    # Foreign keys last: each row inserted under one fires a check at commit; adding the
    # constraint back checks the whole table in one query.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
               FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
               ORDER BY 1, 2""",
            [list(BULK_FOREIGN_KEY_TABLES)],
        )
        for table, constraint, definition in cursor.fetchall():
            found.append(
                {
                    "table": table,
                    "constraint": constraint,
                    "build": f"ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition}",
                    "drop": f"ALTER TABLE {table} DROP CONSTRAINT {constraint}",
                }
            )
    return found


def _pending_indexes() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT dropped_indexes FROM {PROGRESS_TABLE} WHERE id = 1")  # noqa: S608
        row = cursor.fetchone()
    if not row:
        return []
    # Django reads jsonb as text (it decodes JSON fields itself).
    return json.loads(row[0]) if isinstance(row[0], str) else list(row[0])


@transaction.atomic
def drop_secondary_indexes() -> int:
    indexes = _secondary_indexes()
    if not indexes:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PROGRESS_TABLE} SET dropped_indexes = %s WHERE id = 1",  # noqa: S608
            [json.dumps(_pending_indexes() + indexes)],
        )
        for index in indexes:
            cursor.execute(index["drop"])
    return len(indexes)


def restore_secondary_indexes(stream=None) -> int:
    """Build what a bulk load dropped, each index in its own statement (a stop half-way keeps
    what was built; the next run builds the rest)."""
    pending = _pending_indexes()
    if not pending:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem TO '512MB'")
        for number, index in enumerate(pending, start=1):
            began = time.monotonic()
            if "constraint" in index:
                cursor.execute(
                    "SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass",
                    [index["constraint"], index["table"]],
                )
                if cursor.fetchone() is None:
                    cursor.execute(index["build"])
            else:
                cursor.execute(index["build"])
            if stream is not None:
                name = index.get("constraint") or index.get("index")
                stream.write(
                    f"index {number}/{len(pending)} {name} built in "
                    f"{time.monotonic() - began:,.1f}s\n"
                )
                stream.flush()
        cursor.execute(
            f"UPDATE {PROGRESS_TABLE} SET dropped_indexes = '[]' WHERE id = 1"  # noqa: S608
        )
        cursor.execute("RESET maintenance_work_mem")
    return len(pending)


def progress_state() -> tuple[int, dt.date, int] | None:
    """(seed, anchor day, applications written) of this database, or None before any run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [PROGRESS_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(
            f"SELECT seed, anchor, applications FROM {PROGRESS_TABLE} WHERE id = 1"  # noqa: S608
        )
        row = cursor.fetchone()
    return tuple(row) if row else None


def drop_progress_table() -> None:
    """Forget the progress row (tests, whose flush empties only Django's own tables)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {PROGRESS_TABLE}")


# --- Officials ----------------------------------------------------------------------------------


def official_email(department_code: str, role: str, number: int) -> str:
    return f"{department_code}.{role.replace('_', '-')}{number:02d}@{OFFICIAL_DOMAIN}"


def _wanted_officials(services: list[ServiceVersion]) -> list[tuple[str, Department, str]]:
    """(email, department, role) of every official the scale seed adds."""
    task_departments: dict[str, None] = {}
    windows: dict[int, Department] = {}
    for version in services:
        for stage in parse_definition(version.workflow_definition).stages:
            for branch in stage.branches:
                if branch.role != "intake_clerk":
                    task_departments[branch.department] = None
        for window in window_departments(version):
            windows[window.pk] = window
    departments = {d.code: d for d in Department.objects.filter(code__in=task_departments)}
    wanted = []
    for code in sorted(departments):
        department = departments[code]
        for role, count in (
            (OfficialRole.REVIEWER, REVIEWERS),
            (OfficialRole.APPROVER, APPROVERS),
            (OfficialRole.DEPARTMENT_HEAD, DEPUTY_HEADS),
        ):
            wanted += [
                (official_email(code, role, n), department, role) for n in range(1, count + 1)
            ]
    for window in sorted(windows.values(), key=lambda d: d.code):
        wanted += [
            (official_email(window.code, OfficialRole.INTAKE_CLERK, n), window, "intake_clerk")
            for n in range(1, CLERKS + 1)
        ]
    root = Department.objects.filter(parent__isnull=True).order_by("code").first()
    if root is not None:
        wanted += [
            (official_email(root.code, OfficialRole.SUPERVISOR, n), root, "supervisor")
            for n in range(1, SUPERVISORS + 1)
        ]
    return wanted


def _ensure_officials(services: list[ServiceVersion], password_hash: str) -> int:
    from demo import accounts as demo_data

    wanted = _wanted_officials(services)
    existing = set(
        User.objects.filter(email__in=[email for email, _, _ in wanted]).values_list(
            "email", flat=True
        )
    )
    missing = [row for row in wanted if row[0] not in existing]
    if not missing:
        return 0
    offset = User.objects.filter(email__endswith=f"@{OFFICIAL_DOMAIN}").count()
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(
                email=email,
                password=password_hash,
                mobile=f"166{offset + n:08d}",
                display_name=scale_plan.SURNAMES[(offset + n) % len(scale_plan.SURNAMES)]
                + scale_plan.GIVEN[(offset + n * 11) % len(scale_plan.GIVEN)]
                + scale_plan.GIVEN[(offset + n * 29 + 5) % len(scale_plan.GIVEN)],
                is_staff=role == "supervisor",
                date_joined=now,
            )
            for n, (email, _, role) in enumerate(missing)
        ]
    )
    OfficialPosition.objects.bulk_create(
        [
            OfficialPosition(user=user, department=department, role=role)
            for user, (_, department, role) in zip(users, missing, strict=True)
        ]
    )
    permissions = []
    for dotted in demo_data.SUPERVISOR_VIEW_PERMISSIONS:
        app_label, codename = dotted.split(".")
        permissions.append(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    for user, (_, _, role) in zip(users, missing, strict=True):
        if role == "supervisor":
            user.user_permissions.add(*permissions)
    return len(users)


# --- The run's context --------------------------------------------------------------------------


def _published_versions() -> list[ServiceVersion]:
    return list(
        ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("item__department")
        .prefetch_related("materials")
        .order_by("item__code", "number")
    )


def _service_specs(versions: list[ServiceVersion], seed: int) -> list[ServiceSpec]:
    import random

    from approvals.domain.working_days import DECISION_LIMIT, JOINT_DECISION_LIMIT

    departments = dict(Department.objects.values_list("code", "pk"))
    specs = []
    for version in versions:
        definition = parse_definition(version.workflow_definition)
        stages, _window_code = scale_plan.review_stages(definition, departments)
        windows = window_departments(version)
        joint = any(stage.is_parallel for stage in definition.stages)
        default_limit = (JOINT_DECISION_LIMIT if joint else DECISION_LIMIT).working_days
        schema = version.form_schema or {}
        properties = schema.get("properties") or {}
        specs.append(
            ServiceSpec(
                version_id=version.pk,
                item_id=version.item_id,
                item_code=version.item.code,
                department_id=version.item.department_id,
                department_code=version.item.department.code,
                name_zh=version.name_zh,
                name_en=version.name_en,
                for_persons=version.for_persons,
                for_businesses=version.for_businesses,
                # As ``deadlines.decision_limit``: the guide's published limit, else the Law's.
                decision_limit=version.statutory_limit_days or default_limit,
                promised_limit=version.promised_limit_days,
                licence_valid_years=version.licence_valid_years,
                issues_licence=version.item_type in ("licence", "permit", "registration"),
                window_department_id=windows[0].pk if windows else None,
                review_stages=stages,
                steps=len(schema.get("x-steps") or []) or 1,
                materials=tuple(m.key for m in version.materials.all()) or ("application_form",),
                template=scale_plan.sample_form_data(
                    schema, random.Random(f"{seed}:{version.item.code}")
                ),
                prefill=tuple(
                    (name, prop["x-prefill"])
                    for name, prop in sorted(properties.items())
                    if prop.get("x-prefill")
                ),
                weight=float(scale_plan.SERVICE_WEIGHTS.get(version.item.code, 5)),
            )
        )
    return specs


def _pools() -> tuple[Pools, dict[int, str]]:
    positions = list(
        OfficialPosition.objects.filter(is_active=True, user__is_active=True)
        .order_by("user_id", "department_id", "role")
        .values_list("user_id", "department_id", "role", "user__email")
    )
    by_position: dict[tuple[int, str], list[int]] = {}
    heads: dict[int, list[int]] = {}
    clerks: dict[int, list[int]] = {}
    labels: dict[int, str] = {}
    for user_id, department_id, role, email in positions:
        labels[user_id] = f"{user_id}:{email}"[:200]
        by_position.setdefault((department_id, role), []).append(user_id)
        if role == "department_head":
            heads.setdefault(department_id, []).append(user_id)
        if role == "intake_clerk":
            clerks.setdefault(department_id, []).append(user_id)
    reviewers = sorted(
        (department_id, user_id)
        for (department_id, role), users in by_position.items()
        if role == "reviewer"
        for user_id in users
    )
    any_clerks = sorted(user for users in clerks.values() for user in users)
    return Pools(by_position, heads, clerks, any_clerks, reviewers), labels


def _context(seed: int, anchor: dt.date, password_hash: str) -> Context:
    versions = _published_versions()
    pools, labels = _pools()
    with connection.cursor() as cursor:
        cursor.execute("SELECT item_code, day, last_value FROM approvals_trackingcounter")
        tracking = {(code, day): value for code, day, value in cursor.fetchall()}
        cursor.execute(
            "SELECT key, year, last_value FROM approvals_documentcounter "
            "WHERE key LIKE 'licence:%%'"
        )
        licence_counters = {(key, year): value for key, year, value in cursor.fetchall()}
    return Context(
        seed=seed,
        calendar=WorkCalendar(working_calendar(), anchor, settings.SLA_WARN_WORKING_DAYS),
        services=_service_specs(versions, seed),
        pools=pools,
        labels=labels,
        password_hash=password_hash,
        query_code_hash=make_password(QUERY_CODE),
        view_permission_id=Permission.objects.get(
            content_type__app_label="approvals", codename="view_application"
        ).pk,
        tracking=tracking,
        licence_counters=licence_counters,
    )


# --- The run ------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr: applications done, rate, audit events, time left."""

    def __init__(self, total: int, start: int, stream=None):
        self.total, self.start = total, start
        self.stream = stream or sys.stderr
        self.began = time.monotonic()
        self.last_shown = 0.0
        self.tty = self.stream.isatty()

    def show(self, done: int, events: int, *, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self.last_shown < (0.5 if self.tty else 10):
            return
        self.last_shown = now
        elapsed = max(now - self.began, 1e-6)
        rate = (done - self.start) / elapsed
        left = (self.total - done) / rate if rate > 0 else 0
        width = 30
        filled = int(width * done / self.total) if self.total else width
        line = (
            f"[{'#' * filled}{'.' * (width - filled)}] {done:,}/{self.total:,} applications "
            f"{rate:,.0f}/s, {events:,} audit events {events / elapsed:,.0f}/s, "
            f"{elapsed:,.0f}s elapsed, ~{left:,.0f}s left"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise SeedScaleError(
            "seed_scale writes with PostgreSQL's COPY and needs PostgreSQL: set DATABASE_URL "
            f"(this database is {connection.vendor}). The embedded SQLite database has "
            "seed_demo's demo applications instead."
        )


def seed_scale(
    *,
    applications: int,
    password: str,
    seed: int = 12,
    progress: Callable[[int, int], None] | None = None,
    stream=None,
) -> SeedResult:
    """Bring the database to ``applications`` scale-seeded applications (never fewer: a
    smaller number than already written changes nothing)."""
    require_postgresql()
    began = time.monotonic()
    versions = _published_versions()
    if not versions:
        raise SeedScaleError(
            "No published services: run `manage.py seed_demo --no-applications` first (the "
            "scale seed builds on the demo city's departments, officials and catalogue)."
        )
    _ensure_progress_table()
    state = progress_state()
    if state is not None and state[0] != seed:
        raise SeedScaleError(
            f"This database was seeded with --seed {state[0]}; continue with that seed, or start "
            "from a fresh database."
        )
    done = state[2] if state else 0
    if done >= applications:
        if restore_secondary_indexes(stream or sys.stderr):  # left by an interrupted bulk load
            analyze()
        return SeedResult(done, done, time.monotonic() - began)
    anchor = state[1] if state else china_today()
    password_hash = make_password(password)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {PROGRESS_TABLE} (id, seed, anchor, applications) "  # noqa: S608
                "VALUES (1, %s, %s, 0) ON CONFLICT (id) DO NOTHING",
                [seed, anchor],
            )
        officials = _ensure_officials(versions, password_hash)
    ctx = _context(seed, anchor, password_hash)
    if officials:
        ctx.rows["accounts_officialposition"] = officials
    if ctx.calendar.today_pos < scale_plan.HISTORY_WORKING_DAYS + 60:
        raise SeedScaleError("The working-day calendar does not reach two years back from today.")
    writer = BlockWriter(ctx)
    if applications - done >= max(BULK_MINIMUM, done // 2):
        drop_secondary_indexes()
    bar = Progress(applications, done, stream) if progress is None else None
    events = 0
    with connection.cursor() as cursor:
        # Losing the last blocks in a crash costs only a rerun (the progress row commits with
        # them); waiting for the disk at every block costs much more.
        cursor.execute("SET synchronous_commit TO off")
    try:
        while done < applications:
            number = done // BLOCK
            first = done - number * BLOCK
            last = min(BLOCK, applications - number * BLOCK)
            block = scale_plan.plan_block(
                number,
                seed=seed,
                services=ctx.services,
                pools=ctx.pools,
                calendar=ctx.calendar,
            )
            with transaction.atomic():
                events += writer.write(block, first, last)
                save_counters(ctx)
                done = number * BLOCK + last
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {PROGRESS_TABLE} SET applications = %s WHERE id = 1",  # noqa: S608
                        [done],
                    )
            if bar is not None:
                bar.show(done, events)
            else:
                progress(done, events)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")
    if bar is not None:
        bar.show(done, events, final=True)
    added = done - (state[2] if state else 0)
    restore_secondary_indexes(stream or sys.stderr if progress is None else None)
    with transaction.atomic():
        audit_record(
            action="scale.seeded",
            object_type="scale_seed",
            object_id=str(seed),
            changes={"applications": [done - added, done], "rows": [None, dict(ctx.rows)]},
            reason="manage.py seed_scale",
        )
    analyze()
    return SeedResult(done - added, done, time.monotonic() - began, dict(ctx.rows))


def analyze() -> None:
    """Fresh planner statistics for every table the seed filled."""
    with connection.cursor() as cursor:
        for table in FILLED_TABLES:
            cursor.execute(f"ANALYZE {table}")


# --- Benchmark subjects -------------------------------------------------------------------------


# The queue sizes issue 12 measured at one million applications, as shares of the applications: a
# reviewer seeing 12.8 k open tasks, a department head 58 k.
REVIEWER_QUEUE_SHARE = 0.0128
HEAD_QUEUE_SHARE = 0.058


def benchmark_subjects(applications: int) -> dict:
    """Users whose pages carry the most weight at this scale, for ``make bench`` to sign in as
    (the format is in the command's docstring): the reviewer and the head whose queues come
    closest to the shapes issue 12 measured."""
    from django.db.models import Count

    from approvals.models import Application, ReviewTask
    from approvals.selectors import policy
    from approvals.selectors.tasks import visible_tasks

    def official(role: str, department_id: int | None) -> OfficialPosition | None:
        positions = OfficialPosition.objects.filter(
            role=role, is_active=True, user__email__endswith=f"@{OFFICIAL_DOMAIN}"
        )
        if department_id is not None:
            positions = positions.filter(department_id=department_id)
        return positions.select_related("user", "department").order_by("user__email").first()

    def closest(queryset, target: float) -> int | None:
        counts = queryset.values("department_id").annotate(n=Count("pk"))
        best = min(
            counts, key=lambda row: (abs(row["n"] - target), row["department_id"]), default=None
        )
        return best["department_id"] if best else None

    open_tasks = ReviewTask.objects.filter(status="open")
    subjects: dict = {}
    for name, role, queryset, share in (
        ("reviewer", "reviewer", open_tasks.filter(role="reviewer"), REVIEWER_QUEUE_SHARE),
        ("department_head", "department_head", open_tasks, HEAD_QUEUE_SHARE),
    ):
        department_id = closest(queryset, applications * share)
        position = official(role, department_id) if department_id else None
        if position:
            subjects[name] = _official_subject(
                position, visible_tasks(position.user).filter(status="open").count()
            )
    position = official("supervisor", None)
    if position:
        subjects["supervisor"] = _official_subject(position, None)
    position = official("intake_clerk", None)
    if position:
        waiting = (
            Application.objects.filter(policy.intake_visibility(position.user))
            .filter(status="submitted")
            .count()
        )
        subjects["intake_clerk"] = {
            **_official_subject(position, None),
            "waiting_applications": waiting,
        }
    citizen = User.objects.filter(email=scale_plan.citizen_email(0)).first()
    if citizen:
        subjects["citizen"] = {
            "email": citizen.email,
            "user_id": citizen.pk,
            "visible_applications": Application.objects.filter(
                policy.applicant_visibility(citizen)
            ).count(),
        }
    return subjects


def _official_subject(position: OfficialPosition, visible_open_tasks: int | None) -> dict:
    subject = {
        "email": position.user.email,
        "user_id": position.user.pk,
        "department": position.department.code,
        "role": position.role,
    }
    if visible_open_tasks is not None:
        subject["visible_open_tasks"] = visible_open_tasks
    return subject


def subjects_document(*, seed: int, applications: int) -> dict:
    from approvals.models import Application

    example = (
        Application.objects.filter(idempotency_key__startswith="scale-")
        .exclude(tracking_number=None)
        .order_by("pk")
        .values_list("tracking_number", flat=True)
        .first()
    )
    return {
        "format": "portal-scale-subjects/1",
        "applications": applications,
        "seed": seed,
        "written_at": timezone.now().isoformat(timespec="seconds"),
        "password": "the one given to seed_scale (--password or DEMO_PASSWORD)",
        "query_code": QUERY_CODE,
        "tracking_number_example": example,
        "subjects": benchmark_subjects(applications),
    }
