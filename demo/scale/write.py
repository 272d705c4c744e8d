"""Writing one block of ``scale_plan`` rows with PostgreSQL's COPY (``manage.py seed_scale``).

Ids come from the tables' own sequences (``nextval``), so rows of several tables can refer to each
other before they are sent; the audit events are chained from the head row, locked for the
block's transaction, each hashed by ``AuditEvent``'s own ``canonical_payload``/``compute_hash``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import connection

from accounts.identifiers import RESIDENT_ID
from accounts.models import User
from approvals.domain.china_time import CHINA
from approvals.services.licences import licence_valid_to
from audit.chain import SYSTEM_ACTOR_LABEL
from audit.models import AuditChainHead, AuditEvent
from demo.scale import plan as scale_plan
from demo.scale.plan import BLOCK, ApplicationPlan, BlockPlan, Pools, ServiceSpec, WorkCalendar


@dataclass
class Context:
    seed: int
    calendar: WorkCalendar
    services: list[ServiceSpec]
    pools: Pools
    labels: dict[int, str]
    password_hash: str
    query_code_hash: str
    view_permission_id: int
    tracking: dict[tuple[str, dt.date], int]
    licence_counters: dict[tuple[str, int], int]
    sequences: dict[str, str] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


# --- Writing one block --------------------------------------------------------------------------


class _ChainEvent:
    """An audit event as the chain hashes it: ``AuditEvent``'s own ``canonical_payload`` and
    ``compute_hash``, on a light object (a model instance per event costs more than the hash)."""

    __slots__ = (
        "action",
        "actor_department_id",
        "actor_id",
        "actor_label",
        "actor_role",
        "changes",
        "client_ip",
        "object_id",
        "object_type",
        "occurred_at",
        "on_behalf_of",
        "outcome",
        "previous_hash",
        "reason",
        "request_id",
        "sequence",
    )
    canonical_payload = AuditEvent.canonical_payload
    compute_hash = AuditEvent.compute_hash


AUDIT_COLUMNS = (
    "sequence, occurred_at, actor_id, actor_label, actor_role, actor_department_id, "
    "on_behalf_of, client_ip, request_id, action, object_type, object_id, changes, reason, "
    "outcome, previous_hash, hash"
)

# (table, columns) of every COPY; the rows a block builds are tuples in this order.
COPY_COLUMNS = {
    "accounts_user": "id, password, is_superuser, email, mobile, display_name, "
    "preferred_language, is_staff, is_active, date_joined",
    "accounts_personprofile": "id, real_name, id_type, id_number, gender, birth_date, address, "
    "verified_at, user_id",
    "accounts_business": "id, name, uscc, legal_representative, address, verified_at, created_at",
    "accounts_businessmembership": "id, role, status, created_at, business_id, invited_by_id, "
    "user_id, can_apply, sees_all_applications",
    "approvals_application": "id, applicant_kind, filed_at_counter, status, data, current_step, "
    "tracking_number, query_code_hash, idempotency_key, submitted_at, revision, created_at, "
    "updated_at, business_id, created_by_id, person_id, service_version_id, accepted_on, "
    "current_stage_key, decided_on, decision_due_on, deemed_accepted, intake_due_on, "
    "promised_due_on, received_on, workflow_round, licence_action",
    "approvals_reviewtask": "id, stage_key, branch_key, round, role, status, due_on, "
    "return_to, comment, created_at, completed_at, revision, application_id, approved_by_id, "
    "assignee_id, department_id, drafted_by_id",
    "approvals_clockpause": "kind, reason, started_on, expected_working_days, created_at, "
    "application_id, created_by_id",
    "approvals_supplementrequest": "items, reply_by, during_review, created_at, answer_comment, "
    "application_id, requested_by_id",
    "approvals_licence": "id, number, holder_kind, holder_name, scope_zh, scope_en, valid_from, "
    "valid_to, status, status_reason, reminders_sent, issued_at, application_id, business_id, "
    "department_id, item_id, person_id",
    "approvals_applicationuserobjectpermission": "content_object_id, permission_id, user_id",
}


def _sequence_name(ctx: Context, table: str) -> str:
    if table not in ctx.sequences:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            ctx.sequences[table] = cursor.fetchone()[0]
    return ctx.sequences[table]


def _new_ids(ctx: Context, table: str, count: int) -> list[int]:
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)", [_sequence_name(ctx, table), count]
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(table: str, rows: list[tuple], columns: str | None = None) -> None:
    if not rows:
        return
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY FROM STDIN
        with raw.copy(f"COPY {table} ({columns or COPY_COLUMNS[table]}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@dataclass
class _People:
    """Ids of the block's citizens and businesses, and who acts for each business."""

    user_ids: list[int]
    person_ids: list[int]
    business_ids: list[int]
    names: list[str]
    business_names: list[str]


class BlockWriter:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.cal = ctx.calendar
        self._day_start: dict[int, dt.datetime] = {}

    # Times ---------------------------------------------------------------------------------

    def moment(self, pos: int, second: int) -> dt.datetime:
        start = self._day_start.get(pos)
        if start is None:
            day = self.cal.days[pos]
            start = dt.datetime(day.year, day.month, day.day, tzinfo=CHINA).astimezone(dt.UTC)
            self._day_start[pos] = start
        return start + dt.timedelta(seconds=second)

    def date(self, pos: int | None) -> dt.date | None:
        return None if pos is None else self.cal.date(pos)

    # People --------------------------------------------------------------------------------

    def people(self, block: BlockPlan, *, create: bool) -> _People:
        citizens, businesses = block.citizens, block.businesses
        if not create:
            return self._existing_people(block)
        now = self.moment(self.cal.today_pos, 0)
        user_ids = _new_ids(self.ctx, "accounts_user", len(citizens))
        person_ids = _new_ids(self.ctx, "accounts_personprofile", len(citizens))
        business_ids = _new_ids(self.ctx, "accounts_business", len(businesses))
        _copy(
            "accounts_user",
            [
                (
                    uid,
                    self.ctx.password_hash,
                    False,
                    c.email,
                    f"+86{c.mobile}",  # stored E.164, as User.save normalises it
                    c.name,
                    "",
                    False,
                    True,
                    now,
                )
                for uid, c in zip(user_ids, citizens, strict=True)
            ],
        )
        _copy(
            "accounts_personprofile",
            [
                (pid, c.name, RESIDENT_ID, c.id_number, c.gender, c.birth_date, c.address, now, uid)
                for pid, uid, c in zip(person_ids, user_ids, citizens, strict=True)
            ],
        )
        _copy(
            "accounts_business",
            [
                (bid, b.name, b.uscc, citizens[b.representative].name, b.address, now, now)
                for bid, b in zip(business_ids, businesses, strict=True)
            ],
        )
        memberships = []
        for bid, b in zip(business_ids, businesses, strict=True):
            admin = user_ids[b.representative]
            memberships.append(("admin", "active", now, bid, None, admin, True, True))
            if b.agent is not None:
                memberships.append(
                    ("agent", "active", now, bid, admin, user_ids[b.agent], True, False)
                )
        membership_ids = _new_ids(self.ctx, "accounts_businessmembership", len(memberships))
        _copy(
            "accounts_businessmembership",
            [(mid, *row) for mid, row in zip(membership_ids, memberships, strict=True)],
        )
        self._count("accounts_user", len(citizens))
        self._count("accounts_personprofile", len(citizens))
        self._count("accounts_business", len(businesses))
        self._count("accounts_businessmembership", len(memberships))
        return _People(
            user_ids,
            person_ids,
            business_ids,
            [c.name for c in citizens],
            [b.name for b in businesses],
        )

    def _existing_people(self, block: BlockPlan) -> _People:
        emails = [c.email for c in block.citizens]
        users = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
        from accounts.models import Business, PersonProfile

        persons = dict(
            PersonProfile.objects.filter(user_id__in=users.values()).values_list("user_id", "pk")
        )
        businesses = dict(
            Business.objects.filter(uscc__in=[b.uscc for b in block.businesses]).values_list(
                "uscc", "pk"
            )
        )
        user_ids = [users[email] for email in emails]
        return _People(
            user_ids,
            [persons[uid] for uid in user_ids],
            [businesses[b.uscc] for b in block.businesses],
            [c.name for c in block.citizens],
            [b.name for b in block.businesses],
        )

    def _count(self, table: str, count: int) -> None:
        self.ctx.rows[table] = self.ctx.rows.get(table, 0) + count

    # Applications --------------------------------------------------------------------------

    def write(self, block: BlockPlan, first: int, last: int) -> int:
        """Write applications ``first..last-1`` of ``block`` (and, with ``first == 0``, its
        citizens and businesses); returns the number of audit events appended."""
        people = self.people(block, create=first == 0)
        for c, uid in zip(block.citizens, people.user_ids, strict=True):
            self.ctx.labels[uid] = f"{uid}:{c.email}"
        plans = block.applications[first:last]
        app_ids = _new_ids(self.ctx, "approvals_application", len(plans))
        task_ids = _new_ids(
            self.ctx, "approvals_reviewtask", sum(len(plan.tasks) for plan in plans)
        )
        licences_wanted = sum(
            1
            for plan in plans
            if plan.service.issues_licence
            and (plan.status == "licence_issued" or plan.closed_from == "licence_issued")
        )
        licence_ids = iter(_new_ids(self.ctx, "approvals_licence", licences_wanted))
        task_id_iter = iter(task_ids)
        out: dict[str, list] = {table: [] for table in COPY_COLUMNS}
        events: list[tuple] = []
        for plan, app_id in zip(plans, app_ids, strict=True):
            self._application(plan, app_id, people, task_id_iter, licence_ids, out, events)
        for table in (
            "approvals_application",
            "approvals_reviewtask",
            "approvals_clockpause",
            "approvals_supplementrequest",
            "approvals_licence",
            "approvals_applicationuserobjectpermission",
        ):
            _copy(table, out[table])
            self._count(table, len(out[table]))
        self._append_events(events)
        return len(events)

    def _application(self, plan, app_id, people, task_ids, licence_ids, out, events) -> None:
        ctx, service = self.ctx, plan.service
        app_events: list[tuple] = []

        def event(pos, second, actor, action, object_type, object_id, changes, reason=""):
            app_events.append(
                (
                    self.moment(pos, second),
                    actor,
                    action,
                    object_type,
                    str(object_id),
                    changes,
                    reason,
                )
            )

        app_type = "approvals.application"
        filer = people.user_ids[plan.filer] if plan.filer is not None else plan.clerk
        person_id = people.person_ids[plan.citizen] if plan.kind == "person" else None
        business_id = people.business_ids[plan.business] if plan.kind == "business" else None
        name = people.names[plan.citizen] if plan.citizen is not None else ""
        status = plan.status
        if status == "licence_issued" and not service.issues_licence:
            status, plan.closed_from = "closed", "approved"  # a filing closes on approval
        received = self.date(plan.received_pos)
        today_pos = self.cal.today_pos
        # The draft: started some days before it was submitted.
        started_at = self._started_at(plan)
        revision = 1
        prefilled = [name for name, _ in service.prefill]
        app_events.append(
            (
                started_at,
                filer,
                "application.started",
                app_type,
                str(app_id),
                {
                    "status": [None, "draft"],
                    "prefilled": [None, prefilled],
                    "service_version": [None, service.version_id],
                },
                "",
            )
        )
        if plan.current_step:
            revision += 1
        if plan.current_step and status == "draft":
            # Only a draft's step saves are recorded: ~7 events per application, as measured at
            # scale (issue 12), keeps the audit table the size a real one has.
            app_events.append(
                (
                    started_at + dt.timedelta(minutes=7),
                    filer,
                    "application.step_saved",
                    app_type,
                    str(app_id),
                    {"step": [None, "1"], "revision": [1, 2], "current_step": [0, 1]},
                    "",
                )
            )
        tracking_number = None
        submitted_at = intake_due = accepted_on = decision_due = promised_due = None
        decided_on = None
        if received is not None:
            key = (service.item_code, received)
            number = ctx.tracking.get(key, 0) + 1
            ctx.tracking[key] = number
            tracking_number = f"{service.item_code}-{received:%Y%m%d}-{number:05d}"
            submitted_at = self.moment(plan.received_pos, plan.received_second)
            event(
                plan.received_pos,
                plan.received_second,
                filer,
                "application.submitted",
                app_type,
                app_id,
                {
                    "status": ["draft", "submitted"],
                    "revision": [revision, revision + 1],
                    "received_on": [None, received.isoformat()],
                    "tracking_number": [None, tracking_number],
                },
            )
            revision += 1
            intake_due_pos = plan.received_pos + 5  # Art. 32: 5 working days
            if plan.pause_kind == "supplement" and plan.pause_pos <= intake_due_pos:
                intake_due = None  # the clock stopped before the period ran out
            else:
                intake_due = self.date(intake_due_pos)
        clerk = plan.clerk
        done_second = plan.received_second + 900
        if (
            plan.intake_done_pos is not None
            and status in ("not_accepted", "withdrawn")
            and (plan.accepted_pos is None)
        ):
            if status == "not_accepted":
                event(
                    plan.intake_done_pos,
                    done_second,
                    clerk,
                    "application.refuse_acceptance",
                    app_type,
                    app_id,
                    {"status": ["submitted", "not_accepted"], "revision": [revision, revision + 1]},
                    "本事项不属于本机关职权范围，请向有权机关申请。",
                )
            else:
                event(
                    plan.intake_done_pos,
                    done_second,
                    filer,
                    "application.withdrawn",
                    app_type,
                    app_id,
                    {"status": ["submitted", "withdrawn"], "revision": [revision, revision + 1]},
                    "申请人主动撤回。",
                )
            revision += 1
        if plan.pause_kind == "supplement":
            items = [
                {"material": key, "problem": "材料不完整或不清晰，请补充完整清晰的材料。"}
                for key in plan.supplement_materials
            ]
            reply_by = self.date(plan.pause_pos + 15) or (
                self.cal.days[plan.pause_pos] + dt.timedelta(days=21)
            )
            at = self.moment(plan.pause_pos, plan.pause_second)
            out["approvals_supplementrequest"].append(
                (json.dumps(items, ensure_ascii=False), reply_by, False, at, "", app_id, clerk)
            )
            out["approvals_clockpause"].append(
                (
                    "supplement",
                    "等待申请人补正材料（一次性告知）。",
                    self.cal.days[plan.pause_pos],
                    None,
                    at,
                    app_id,
                    clerk,
                )
            )
            event(
                plan.pause_pos,
                plan.pause_second,
                clerk,
                "application.request_supplement",
                app_type,
                app_id,
                {
                    "items": [None, len(items)],
                    "status": ["submitted", "supplement_requested"],
                    "revision": [revision, revision + 1],
                },
            )
            event(
                plan.pause_pos,
                plan.pause_second + 1,
                clerk,
                "clock.pause_started",
                app_type,
                app_id,
                {
                    "kind": [None, "supplement"],
                    "started_on": [None, self.cal.days[plan.pause_pos].isoformat()],
                },
            )
            revision += 1
        if plan.accepted_pos is not None:
            accepted_on = self.date(plan.accepted_pos)
            limit_pos = plan.accepted_pos + service.decision_limit
            promised_pos = plan.accepted_pos + service.promised_limit
            paused_at = plan.pause_pos if plan.pause_kind not in ("", "supplement") else None
            decision_due = (
                None if paused_at is not None and paused_at <= limit_pos else self.date(limit_pos)
            )
            promised_due = (
                None
                if paused_at is not None and paused_at <= promised_pos
                else self.date(promised_pos)
            )
            accept_second = plan.received_second + 1800
            event(
                plan.accepted_pos,
                accept_second,
                clerk,
                "application.accept",
                app_type,
                app_id,
                {
                    "status": ["submitted", "accepted"],
                    "revision": [revision, revision + 1],
                    "accepted_on": [None, accepted_on.isoformat()],
                },
            )
            # (start_review, the same moment, is left out of the trail: it adds nothing.)
            revision += 2
            self._tasks(plan, app_id, task_ids, out, event)
            if paused_at is not None:
                worker = next((t.assignee for t in plan.tasks if t.status == "open"), None)
                out["approvals_clockpause"].append(
                    (
                        plan.pause_kind,
                        "依法需要专家评审、检验检测或听证，所需时间不计入审批期限。",
                        self.cal.days[paused_at],
                        10,
                        self.moment(paused_at, plan.pause_second),
                        app_id,
                        worker,
                    )
                )
                event(
                    paused_at,
                    plan.pause_second,
                    worker,
                    "clock.pause_started",
                    app_type,
                    app_id,
                    {
                        "kind": [None, plan.pause_kind],
                        "started_on": [None, self.cal.days[paused_at].isoformat()],
                        "expected_working_days": [None, 10],
                    },
                )
        if plan.decided_pos is not None:
            decided_on = self.date(plan.decided_pos)
            decider = plan.tasks[-1].approved_by or plan.tasks[-1].assignee if plan.tasks else None
            second = plan.decided_second + 60
            denied = status == "denied" or plan.closed_from == "denied"
            outcome = "denied" if denied else "approved"
            if outcome == "denied":
                event(
                    plan.decided_pos,
                    second,
                    decider,
                    "application.deny",
                    app_type,
                    app_id,
                    {"status": ["under_review", "denied"], "revision": [revision, revision + 1]},
                    "经审查，申请材料不符合法定条件、标准。",
                )
                revision += 1
            else:
                event(
                    plan.decided_pos,
                    second,
                    decider,
                    "application.approve",
                    app_type,
                    app_id,
                    {"status": ["under_review", "approved"], "revision": [revision, revision + 1]},
                )
                revision += 1
                if service.issues_licence:
                    self._licence(
                        plan,
                        app_id,
                        person_id,
                        business_id,
                        name,
                        people,
                        out,
                        event,
                        decider,
                        revision,
                        next(licence_ids),
                    )
                    revision += 1
            if plan.closed_pos is not None:
                before = (
                    "denied"
                    if outcome == "denied"
                    else ("licence_issued" if service.issues_licence else "approved")
                )
                event(
                    plan.closed_pos,
                    _midday(),
                    None,
                    "application.close",
                    app_type,
                    app_id,
                    {"status": [before, "closed"], "revision": [revision, revision + 1]},
                )
                revision += 1
        if plan.withdrawn_pos is not None and plan.accepted_pos is not None:
            event(
                plan.withdrawn_pos,
                16 * 3600,
                filer,
                "application.withdrawn",
                app_type,
                app_id,
                {"status": ["under_review", "withdrawn"], "revision": [revision, revision + 1]},
                "申请人主动撤回。",
            )
            revision += 1
        if plan.grant_to is not None:
            grant_pos = min(today_pos, (plan.tasks[0].created_pos if plan.tasks else today_pos) + 1)
            out["approvals_applicationuserobjectpermission"].append(
                (app_id, ctx.view_permission_id, plan.grant_to[1])
            )
            event(
                grant_pos,
                15 * 3600,
                plan.grant_by,
                "permission.granted",
                app_type,
                app_id,
                {"user": [None, plan.grant_to[1]], "permission": [None, "view_application"]},
                "会同审查：请相关部门审查员协助审查。",
            )
        app_events.sort(key=lambda e: e[0])
        events.extend(app_events)
        data = dict(service.template)
        for field_name, source in service.prefill:
            data[field_name] = self._prefill(source, plan, people, name)
        last_change = app_events[-1][0]
        out["approvals_application"].append(
            (
                app_id,
                plan.kind,
                plan.filer is None,
                status,
                json.dumps(data, ensure_ascii=False),
                plan.current_step,
                tracking_number,
                ctx.query_code_hash if tracking_number else "",
                f"scale-{plan.index}" if tracking_number else None,
                submitted_at,
                revision,
                started_at,
                last_change,
                business_id,
                filer,
                person_id,
                service.version_id,
                accepted_on,
                plan.current_stage,
                decided_on,
                decision_due,
                False,
                intake_due,
                promised_due,
                received,
                plan.workflow_round,
                "",
            )
        )

    def _started_at(self, plan: ApplicationPlan) -> dt.datetime:
        day = self.cal.today - dt.timedelta(days=plan.started_day)
        start = dt.datetime(day.year, day.month, day.day, tzinfo=CHINA).astimezone(dt.UTC)
        moment = start + dt.timedelta(seconds=plan.started_second)
        if plan.received_pos is not None:
            submitted = self.moment(plan.received_pos, plan.received_second)
            moment = min(moment, submitted - dt.timedelta(minutes=30))
        return moment

    def _prefill(self, source: str, plan: ApplicationPlan, people: _People, name: str):
        index = plan.index
        if source == "person.real_name":
            return name or people.names[plan.filer or 0]
        if source == "person.mobile":
            return f"19{index % 10**9:09d}"
        if source == "person.id_number":
            return scale_plan._id_number(index % 10**6)
        if source == "person.address":
            return f"福建省福州市{scale_plan.DISTRICTS[index % 5]}{scale_plan.STREETS[index % 9]}"
        if source == "business.name":
            return people.business_names[plan.business] if plan.business is not None else ""
        if source == "business.uscc":
            return scale_plan.business_uscc(
                plan.index // BLOCK * scale_plan.BUSINESSES_PER_BLOCK + (plan.business or 0)
            )
        if source == "business.legal_representative":
            return name or people.names[plan.filer or 0]
        return ""

    def _tasks(self, plan, app_id, task_ids, out, event) -> None:
        task_type = "approvals.reviewtask"
        for number, task in enumerate(plan.tasks):
            task_id = next(task_ids)
            # Created by whoever finished the work before it (the clerk's acceptance first).
            finished = [
                t
                for t in plan.tasks[:number]
                if t.done_pos is not None and t.done_pos <= task.created_pos
            ]
            creator = (
                (finished[-1].approved_by or finished[-1].assignee) if finished else plan.clerk
            )
            created = self.moment(task.created_pos, task.created_second)
            done = (
                self.moment(task.done_pos, task.done_second) if task.done_pos is not None else None
            )
            due = self.date(task.due_pos)
            revision = 1
            event(
                task.created_pos,
                task.created_second,
                creator,
                "task.created",
                task_type,
                task_id,
                {
                    "role": [None, task.branch.role],
                    "round": [None, task.round],
                    "stage": [None, task.stage.key],
                    "branch": [None, task.branch.key],
                    "due_on": [None, due.isoformat() if due else None],
                    "department": [None, task.branch.department_code],
                    "application": [None, app_id],
                },
            )
            if task.assignee is not None and task.claimed_second is not None:
                revision += 1
            if task.status == "open" and task.assignee is not None:
                # A finished task's claim is folded into its decision in the seeded trail.
                event(
                    task.created_pos,
                    max(task.created_second + 60, task.claimed_second),
                    task.assignee,
                    "task.claimed",
                    task_type,
                    task_id,
                    {"assignee": [None, task.assignee]},
                )
            comment = ""
            if task.status == "approved":
                comment = "材料齐全，符合法定条件、标准，同意。"
                event(
                    task.done_pos,
                    task.done_second,
                    task.approved_by,
                    "task.approved",
                    task_type,
                    task_id,
                    {
                        "status": ["open", "approved"],
                        "drafted_by": [None, task.drafted_by],
                        "approved_by": [None, task.approved_by],
                    },
                    comment,
                )
                revision += 1
            elif task.status == "rejected":
                comment = "经审查，不符合法定条件、标准。"
                event(
                    task.done_pos,
                    task.done_second,
                    task.assignee,
                    "task.rejected",
                    task_type,
                    task_id,
                    {"status": ["open", "rejected"]},
                    comment,
                )
                revision += 1
            elif task.status == "returned":
                comment = "请上一环节补充审查意见。"
                event(
                    task.done_pos,
                    task.done_second,
                    task.assignee,
                    "task.returned_to_stage",
                    task_type,
                    task_id,
                    {"status": ["open", "returned"], "return_to": [None, task.return_to]},
                    comment,
                )
                revision += 1
            elif task.status == "cancelled":
                event(
                    task.done_pos,
                    task.done_second + 1,
                    None,
                    "task.cancelled",
                    task_type,
                    task_id,
                    {"status": ["open", "cancelled"]},
                )
                revision += 1
            out["approvals_reviewtask"].append(
                (
                    task_id,
                    task.stage.key,
                    task.branch.key,
                    task.round,
                    task.branch.role,
                    task.status,
                    due,
                    task.return_to,
                    comment,
                    created,
                    done,
                    revision,
                    app_id,
                    task.approved_by,
                    task.assignee,
                    task.branch.department_id,
                    task.drafted_by,
                )
            )

    def _licence(
        self,
        plan,
        app_id,
        person_id,
        business_id,
        name,
        people,
        out,
        event,
        actor,
        revision,
        licence_id,
    ) -> None:
        service = plan.service
        valid_from = self.date(plan.decided_pos)
        key = (f"licence:{service.department_id}", valid_from.year)
        number = self.ctx.licence_counters.get(key, 0) + 1
        self.ctx.licence_counters[key] = number
        licence_number = f"{service.department_code.upper()[:30]}-{valid_from.year}-{number:06d}"
        valid_to = licence_valid_to(valid_from, service.licence_valid_years)
        is_business = plan.kind == "business"
        holder = people.business_names[plan.business] if is_business else name
        issued_at = self.moment(plan.decided_pos, plan.decided_second + 120)
        out["approvals_licence"].append(
            (
                licence_id,
                licence_number,
                "business" if is_business else "person",
                holder,
                service.name_zh,
                service.name_en,
                valid_from,
                valid_to,
                "valid",
                "",
                "[]",
                issued_at,
                app_id,
                business_id if is_business else None,
                service.department_id,
                service.item_id,
                None if is_business else person_id,
            )
        )
        event(
            plan.decided_pos,
            plan.decided_second + 120,
            actor,
            "application.issue_licence",
            "approvals.application",
            app_id,
            {
                "status": ["approved", "licence_issued"],
                "licence": [None, licence_number],
                "revision": [revision, revision + 1],
            },
        )
        event(
            plan.decided_pos,
            plan.decided_second + 121,
            actor,
            "licence.issued",
            "approvals.licence",
            licence_id,
            {
                "number": [None, licence_number],
                "valid_to": [None, valid_to.isoformat() if valid_to else None],
                "valid_from": [None, valid_from.isoformat()],
                "application": [None, app_id],
            },
        )

    # The chain -----------------------------------------------------------------------------

    def _append_events(self, events: list[tuple]) -> None:
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        sequence, previous = head.sequence, head.hash
        labels = self.ctx.labels
        rows = []
        for occurred_at, actor, action, object_type, object_id, changes, reason in events:
            sequence += 1
            chained = _ChainEvent()
            chained.sequence = sequence
            chained.occurred_at = occurred_at
            chained.actor_id = actor
            chained.actor_label = (
                labels.get(actor, SYSTEM_ACTOR_LABEL) if actor else (SYSTEM_ACTOR_LABEL)
            )
            chained.actor_role = ""
            chained.actor_department_id = None
            chained.on_behalf_of = ""
            chained.client_ip = None
            chained.request_id = ""
            chained.action = action
            chained.object_type = object_type
            chained.object_id = object_id
            chained.changes = changes
            chained.reason = reason
            chained.outcome = "done"
            chained.previous_hash = previous
            previous = chained.compute_hash()
            rows.append(
                (
                    sequence,
                    occurred_at,
                    actor,
                    chained.actor_label,
                    "",
                    None,
                    "",
                    None,
                    "",
                    action,
                    object_type,
                    object_id,
                    json.dumps(changes, ensure_ascii=False),
                    reason,
                    "done",
                    chained.previous_hash,
                    previous,
                )
            )
        _copy("approvals_auditevent", rows, AUDIT_COLUMNS)
        self._count("approvals_auditevent", len(rows))
        head.sequence, head.hash = sequence, previous
        head.save(update_fields=["sequence", "hash"])


def _midday() -> int:
    return 12 * 3600


def save_counters(ctx: Context) -> None:
    """The day's tracking-number and the year's licence-number counters, moved past what the
    block used, so that the next real submission or licence gets a fresh number."""
    # One statement per table (unnest of arrays), not one per counter.
    tracking = _dirty(ctx, "tracking")
    licences = _dirty(ctx, "licence_counters")
    with connection.cursor() as cursor:
        if tracking:
            cursor.execute(
                "INSERT INTO approvals_trackingcounter (item_code, day, last_value) "
                "SELECT * FROM unnest(%s::varchar[], %s::date[], %s::integer[]) "
                "ON CONFLICT (item_code, day) DO UPDATE SET last_value = "
                "GREATEST(approvals_trackingcounter.last_value, EXCLUDED.last_value)",
                [
                    [k[0] for k, _ in tracking],
                    [k[1] for k, _ in tracking],
                    [v for _, v in tracking],
                ],
            )
        if licences:
            cursor.execute(
                "INSERT INTO approvals_documentcounter (key, year, last_value) "
                "SELECT * FROM unnest(%s::varchar[], %s::smallint[], %s::integer[]) "
                "ON CONFLICT (key, year) DO UPDATE SET last_value = "
                "GREATEST(approvals_documentcounter.last_value, EXCLUDED.last_value)",
                [
                    [k[0] for k, _ in licences],
                    [k[1] for k, _ in licences],
                    [v for _, v in licences],
                ],
            )


def _dirty(ctx: Context, name: str) -> list:
    """The counters that changed since they were last saved."""
    current = getattr(ctx, name)
    saved = ctx.__dict__.setdefault(f"_saved_{name}", {})
    changed = [(key, value) for key, value in current.items() if saved.get(key) != value]
    saved.update(changed)
    return changed
