"""What ``manage.py seed_scale`` writes, decided without the database: one block of applications
at a time, from a random generator seeded with (seed, block number), so that a block comes out the
same on every run and an interrupted or enlarged run can continue where the last one stopped.

Time is counted in positions on the working-day calendar (``WorkCalendar``): position ``p`` is
the ``p``-th working day of the calendar, so "n working days after" is ``p + n`` (Civil Code
Art. 201: the start day is not counted) — the same answers as ``WorkingCalendar.add_working_days``,
without walking day by day a million times. Positions past the calendar's end are due dates the
portal cannot know yet (next year's holidays not entered): stored as NULL, as the services do.

The shapes follow the services: the statuses of ``ApplicationStatus``, a workflow's stages and
parallel branches with the department and role of its definition, tasks due at the stage limit
capped by the decision due date (``task_due_on``; the SLA light is derived from it where it is
read, not written), and the audit events the services record (a subset: the lifecycle, each
task's creation and outcome, licences, supplement notices, pauses and grants; not the documents,
uploads or notifications).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field
from itertools import accumulate

from approvals.domain.workflow_definition import WorkflowDefinition

BLOCK = 1000  # applications per block: the unit of generation, commit and resumption
CITIZENS_PER_BLOCK = 125  # ~125 k citizens at 1 M applications
BUSINESSES_PER_BLOCK = 25
HEAVY_CITIZEN_SHARE = 0.09  # the block's first citizen files ~30 of its ~330 personal applications
COUNTER_FILED_SHARE = 0.04  # walk-in applications filed by a clerk at the window
RETURN_SHARE = 0.04  # decided applications that were once returned to an earlier stage
OPEN_PAUSE_SHARE = 0.04  # applications under review whose clock is paused (expert review, ...)
GRANT_SHARE = 0.003  # a few thousand delegations at 1 M applications
HISTORY_WORKING_DAYS = 480  # about two years of decided applications
CLAIMED_SHARE = 0.55  # open tasks someone has claimed

# Proportions of a portal in steady state: most applications decided long ago, a quarter in review.
# ``accepted`` and ``approved`` are left out on purpose: the services move an accepted application
# into review, and an approved one to its licence, in the same transaction.
STATUS_MIX = (
    ("draft", 5.0),
    ("submitted", 2.5),
    ("supplement_requested", 2.0),
    ("not_accepted", 1.5),
    ("under_review", 25.0),
    ("licence_issued", 53.0),
    ("denied", 6.0),
    ("closed", 2.0),
    ("withdrawn", 3.0),
)
_STATUSES = [status for status, _ in STATUS_MIX]
_STATUS_CUM = list(accumulate(weight for _, weight in STATUS_MIX))

# How often each service is applied for (registrations are the bulk of a city's work); a service
# not named here counts 5.
SERVICE_WEIGHTS = {
    "ENT-REG": 18,
    "IND-REG": 14,
    "FOOD-LIC": 12,
    "HYG-LIC": 8,
    "FIRE-CHECK": 8,
    "AD-PERMIT": 7,
    "DRAIN-PERMIT": 6,
    "MED-LIC": 5,
    "PLAN-PERMIT": 4,
    "TRAVEL-LIC": 4,
    "EIA-APPROVAL": 4,
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓冯韩曹曾彭萧蔡潘田董袁于余叶蒋杜苏魏程吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"  # noqa: E501
STREETS = ("东街", "五四路", "杨桥路", "工业路", "六一路", "湖东路", "华林路", "福飞路", "江滨路")
DISTRICTS = ("鼓楼区", "台江区", "仓山区", "晋安区", "马尾区")
SHOP_WORDS = ("榕城", "闽江", "三坊", "七巷", "乌山", "于山", "西湖", "屏山", "鼓山", "金山")
TRADES = ("餐饮管理", "商贸", "建设工程", "文化传媒", "医疗管理", "旅行社", "环保科技", "物流")


# --- The working-day calendar as positions ---------------------------------------------------


class WorkCalendar:
    """Working days of the portal's calendar as a list, with ``today``'s position."""

    def __init__(self, calendar, today: dt.date, warn_days: int):
        self.days: list[dt.date] = []
        day = calendar.first_day
        # Official days only: a date past them is left unknown here, and the sweep gives it its
        # provisional date with the flag that says so, as the portal itself does.
        while day <= calendar.official_last_day:
            if calendar.is_working_day(day):
                self.days.append(day)
            day += dt.timedelta(days=1)
        self.today = today
        # Working days up to and including today; the last working day on or before today.
        self.count_to_today = bisect.bisect_right(self.days, today)
        self.today_pos = self.count_to_today - 1
        self.warn_days = warn_days

    def date(self, pos: int) -> dt.date | None:
        """The working day at ``pos``; None past the calendar's end (a date not known yet)."""
        return self.days[pos] if 0 <= pos < len(self.days) else None


# --- The catalogue and the people, as the plan needs them -------------------------------------


@dataclass(frozen=True)
class BranchSpec:
    key: str
    department_id: int
    department_code: str
    role: str


@dataclass(frozen=True)
class StageSpec:
    key: str
    limit: int
    second_approval: bool
    branches: tuple[BranchSpec, ...]


@dataclass(frozen=True)
class ServiceSpec:
    version_id: int
    item_id: int
    item_code: str
    department_id: int
    department_code: str
    name_zh: str
    name_en: str
    for_persons: bool
    for_businesses: bool
    decision_limit: int
    promised_limit: int
    licence_valid_years: int | None
    issues_licence: bool
    window_department_id: int | None
    review_stages: tuple[StageSpec, ...]  # the window intake stage left out (intake decides it)
    steps: int
    materials: tuple[str, ...]
    template: dict
    prefill: tuple[tuple[str, str], ...]  # (field, source such as "person.real_name")
    weight: float


def review_stages(
    definition: WorkflowDefinition, departments: dict[str, int]
) -> tuple[tuple[StageSpec, ...], str | None]:
    """The stages that create tasks, and the department code of a leading window stage."""
    stages = list(definition.stages)
    window = None
    if stages and all(branch.role == "intake_clerk" for branch in stages[0].branches):
        window = stages[0].branches[0].department
        stages = stages[1:]
    return (
        tuple(
            StageSpec(
                key=stage.key,
                limit=max(1, stage.limit_working_days),
                second_approval=stage.second_approval,
                branches=tuple(
                    BranchSpec(b.key, departments[b.department], b.department, b.role)
                    for b in stage.branches
                ),
            )
            for stage in stages
        ),
        window,
    )


def sample_form_data(schema: dict, rng: random.Random) -> dict:
    """Plausible answers for every field of a form schema (one template per service)."""
    return {
        name: _sample_value(prop, rng)
        for name, prop in sorted((schema.get("properties") or {}).items())
    }


def _sample_value(prop: dict, rng: random.Random):
    if "const" in prop:
        return prop["const"]
    if prop.get("enum"):
        return rng.choice(prop["enum"])
    kind = prop.get("type")
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        low = int(prop.get("minimum", 1))
        high = max(low, min(int(prop.get("maximum", low + 200)), low + 200))
        return rng.randint(low, high)
    if kind == "array":
        items = prop.get("items") or {}
        count = max(1, int(prop.get("minItems", 1)))
        if items.get("enum"):
            return sorted(rng.sample(items["enum"], min(len(items["enum"]), count + 1)))
        return [_sample_value(items, rng) for _ in range(count)]
    if kind == "object":
        return {
            name: _sample_value(sub, rng)
            for name, sub in sorted((prop.get("properties") or {}).items())
        }
    if prop.get("format") == "date":
        return "2026-03-01"
    text = prop.get("x-title-zh") or prop.get("title") or "—"
    limit = int(prop.get("maxLength", 200))
    return f"{text}（示例）"[:limit]


@dataclass
class Pools:
    """Officials who work tasks, by (department id, role); window clerks by window department."""

    by_position: dict[tuple[int, str], list[int]]
    heads: dict[int, list[int]]
    clerks: dict[int, list[int]]
    any_clerks: list[int]
    reviewers_elsewhere: list[tuple[int, int]]  # (department id, user id), for grants

    def pick(self, rng: random.Random, department_id: int, role: str) -> int | None:
        people = self.by_position.get((department_id, role))
        return people[rng.randrange(len(people))] if people else None

    def clerk(self, rng: random.Random, window_id: int | None) -> int | None:
        people = self.clerks.get(window_id) or self.any_clerks
        return people[rng.randrange(len(people))] if people else None


# --- One block: citizens, businesses and applications ---------------------------------------


@dataclass
class CitizenPlan:
    index: int  # global citizen number
    email: str
    mobile: str
    name: str
    id_number: str
    gender: str
    birth_date: dt.date
    address: str


@dataclass
class BusinessPlan:
    index: int
    name: str
    uscc: str
    representative: int  # citizen number in the block
    address: str
    agent: int | None  # citizen number in the block


@dataclass
class TaskPlan:
    stage: StageSpec
    branch: BranchSpec
    round: int
    status: str  # open / approved / rejected / returned / cancelled
    created_pos: int
    created_second: int
    done_pos: int | None = None
    done_second: int = 0
    due_pos: int | None = None  # None: the due date is not known yet
    assignee: int | None = None
    drafted_by: int | None = None
    approved_by: int | None = None
    return_to: str = ""
    claimed_second: int | None = None


@dataclass
class ApplicationPlan:
    index: int  # global application number
    service: ServiceSpec
    status: str
    kind: str  # person / business
    citizen: int | None  # citizen number in the block (personal applications)
    business: int | None  # business number in the block
    filer: int | None  # citizen number in the block who filled it in; None: a window clerk
    clerk: int | None  # the window clerk (intake decisions, counter filing)
    started_day: int  # days before today the draft was started
    started_second: int
    current_step: int
    received_pos: int | None = None
    received_second: int = 0
    accepted_pos: int | None = None
    intake_done_pos: int | None = None  # refusal, supplement request or withdrawal at intake
    decided_pos: int | None = None
    decided_second: int = 0
    withdrawn_pos: int | None = None
    closed_pos: int | None = None
    closed_from: str = ""
    pause_kind: str = ""
    pause_pos: int | None = None
    pause_second: int = 0
    supplement_materials: tuple[str, ...] = ()
    tasks: list[TaskPlan] = field(default_factory=list)
    current_stage: str = ""
    workflow_round: int = 0
    grant_to: tuple[int, int] | None = None  # (department id, user id) of a delegated reviewer
    grant_by: int | None = None


@dataclass
class BlockPlan:
    number: int
    citizens: list[CitizenPlan]
    businesses: list[BusinessPlan]
    applications: list[ApplicationPlan]


def _id_number(index: int) -> str:
    from accounts.identifiers import id_number_check_character

    # Region 350105 (Mawei, not used by the demo people), a birth date and a sequence number.
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=index % 16000)
    first17 = f"350105{birth:%Y%m%d}{100 + index // 16000:03d}"
    return first17 + id_number_check_character(first17)


def _uscc(index: int) -> str:
    from accounts.identifiers import uscc_check_character

    first17 = f"91350105Q{index:08d}"
    return first17 + uscc_check_character(first17)


def _citizen(index: int) -> CitizenPlan:
    name = SURNAMES[index % len(SURNAMES)] + GIVEN[(index // len(SURNAMES)) % len(GIVEN)]
    if index % 3 == 0:
        name += GIVEN[(index * 7 + 3) % len(GIVEN)]
    id_number = _id_number(index)
    return CitizenPlan(
        index=index,
        email=citizen_email(index),
        mobile=f"19{index:09d}",
        name=name,
        id_number=id_number,
        gender="male" if int(id_number[16]) % 2 else "female",
        birth_date=dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
        address=f"福建省福州市{DISTRICTS[index % 5]}{STREETS[index % 9]}{index % 300 + 1}号",
    )


def citizen_email(index: int) -> str:
    return f"c{index:07d}@scale.demo.cn"


def business_uscc(index: int) -> str:
    return _uscc(index)


def plan_block(
    number: int, *, seed: int, services: list[ServiceSpec], pools: Pools, calendar: WorkCalendar
) -> BlockPlan:
    """Block ``number`` in full (the caller skips the applications already written)."""
    rng = random.Random(f"{seed}:{number}")
    first_citizen = number * CITIZENS_PER_BLOCK
    citizens = [_citizen(first_citizen + c) for c in range(CITIZENS_PER_BLOCK)]
    businesses = []
    for b in range(BUSINESSES_PER_BLOCK):
        index = number * BUSINESSES_PER_BLOCK + b
        representative = 1 + rng.randrange(CITIZENS_PER_BLOCK - 1)  # never the heavy citizen
        agent = 1 + rng.randrange(CITIZENS_PER_BLOCK - 1) if rng.random() < 0.4 else None
        if agent == representative:
            agent = None
        businesses.append(
            BusinessPlan(
                index=index,
                name=f"福州{SHOP_WORDS[index % 10]}{TRADES[(index // 10) % 8]}有限公司"
                f"（{index}号）",
                uscc=_uscc(index),
                representative=representative,
                address=f"福建省福州市{DISTRICTS[index % 5]}{STREETS[(index + 4) % 9]}"
                f"{index % 500 + 1}号",
                agent=agent,
            )
        )
    # A few busy businesses and many occasional ones.
    business_cum = list(accumulate(1 / (b + 1) ** 0.8 for b in range(BUSINESSES_PER_BLOCK)))
    service_cum = list(accumulate(s.weight for s in services))
    applications = [
        _plan_application(
            number * BLOCK + k,
            rng,
            services=services,
            service_cum=service_cum,
            businesses=businesses,
            business_cum=business_cum,
            pools=pools,
            calendar=calendar,
        )
        for k in range(BLOCK)
    ]
    return BlockPlan(number, citizens, businesses, applications)


def _choose(rng: random.Random, cum: list[float]) -> int:
    return bisect.bisect_right(cum, rng.random() * cum[-1])


def _second(rng: random.Random) -> int:
    """A moment of the working day, in seconds after midnight (08:30–17:30)."""
    return 8 * 3600 + 1800 + rng.randrange(9 * 3600)


def _plan_application(
    index: int,
    rng: random.Random,
    *,
    services: list[ServiceSpec],
    service_cum: list[float],
    businesses: list[BusinessPlan],
    business_cum: list[float],
    pools: Pools,
    calendar: WorkCalendar,
) -> ApplicationPlan:
    service = services[_choose(rng, service_cum)]
    status = _STATUSES[_choose(rng, _STATUS_CUM)]
    if service.for_persons and service.for_businesses:
        kind = "person" if rng.random() < 0.5 else "business"
    else:
        kind = "person" if service.for_persons else "business"
    citizen = business = None
    if kind == "person":
        heavy = rng.random() < HEAVY_CITIZEN_SHARE
        citizen = 0 if heavy else 1 + rng.randrange(CITIZENS_PER_BLOCK - 1)
        filer = citizen
    else:
        business = _choose(rng, business_cum)
        spec = businesses[business]
        use_agent = spec.agent is not None and rng.random() < 0.3
        filer = spec.agent if use_agent else spec.representative
    counter = rng.random() < COUNTER_FILED_SHARE
    clerk = pools.clerk(rng, service.window_department_id)
    if counter and clerk is not None:
        filer = None
    plan = ApplicationPlan(
        index=index,
        service=service,
        status=status,
        kind=kind,
        citizen=citizen,
        business=business,
        filer=filer,
        clerk=clerk,
        started_day=0,
        started_second=_second(rng),
        current_step=service.steps,
    )
    _plan_history(plan, rng, pools, calendar)
    if plan.received_pos is not None:
        received = calendar.date(plan.received_pos)
        plan.started_day = (calendar.today - received).days + rng.randrange(0, 8)
    if rng.random() < GRANT_SHARE and pools.reviewers_elsewhere and plan.tasks:
        others = [pair for pair in pools.reviewers_elsewhere if pair[0] != service.department_id]
        if others:
            plan.grant_to = others[rng.randrange(len(others))]
            heads = pools.heads.get(service.department_id) or [None]
            plan.grant_by = heads[rng.randrange(len(heads))]
    return plan


def _plan_history(
    plan: ApplicationPlan, rng: random.Random, pools: Pools, calendar: WorkCalendar
) -> None:
    status, today = plan.status, calendar.today_pos
    service = plan.service
    if status == "draft":
        plan.started_day = rng.randrange(0, 90)
        plan.current_step = rng.randrange(max(1, service.steps))
        return
    if status == "submitted":
        plan.received_pos = today - rng.randrange(0, 5)
        plan.received_second = _second(rng)
        return
    if status == "supplement_requested":
        plan.received_pos = today - rng.randrange(1, 30)
        plan.received_second = _second(rng)
        plan.intake_done_pos = min(today, plan.received_pos + rng.randrange(0, 5))
        plan.pause_kind, plan.pause_pos = "supplement", plan.intake_done_pos
        plan.pause_second = _second(rng)
        count = 1 + rng.randrange(min(3, max(1, len(service.materials))))
        plan.supplement_materials = tuple(
            rng.sample(list(service.materials), min(count, len(service.materials)))
        )
        return
    if status == "not_accepted" or (status == "withdrawn" and rng.random() < 0.5):
        plan.received_pos = today - rng.randrange(5, HISTORY_WORKING_DAYS)
        plan.received_second = _second(rng)
        plan.intake_done_pos = plan.received_pos + rng.randrange(0, 5)
        if status == "withdrawn":
            plan.withdrawn_pos = plan.intake_done_pos
        return
    # Accepted: the workflow ran (and may still run).
    stages = service.review_stages
    outcome = status
    closed_from = ""
    if status == "closed":
        closed_from = "licence_issued" if rng.random() < 0.5 else "denied"
        outcome = closed_from
    in_progress = outcome in ("under_review", "withdrawn")
    current = rng.randrange(len(stages)) if in_progress else len(stages)
    reject_at = rng.randrange(len(stages)) if outcome == "denied" else None
    return_at = (
        1 + rng.randrange(len(stages) - 1)
        if outcome == "licence_issued" and len(stages) > 1 and rng.random() < RETURN_SHARE
        else None
    )
    accept_delay = 0 if rng.random() < 0.6 else rng.randrange(1, 4)
    # Simulate from position 0 (the day of receipt), then move everything to the right dates.
    tasks: list[TaskPlan] = []
    pos = accept_delay
    round_ = 1
    index = 0
    returned = False
    stage_starts: dict[int, int] = {}
    while index < len(stages):
        stage = stages[index]
        start, second = pos, _second(rng)
        stage_starts[index] = start
        if index == current:
            for branch in stage.branches:
                tasks.append(TaskPlan(stage, branch, round_, "open", start, second))
            break
        durations = [1 + rng.randrange(stage.limit) for _ in stage.branches]
        if reject_at == index:
            rejecting = rng.randrange(len(stage.branches))
            end = start + durations[rejecting]
            for b, branch in enumerate(stage.branches):
                if b == rejecting:
                    state, done = "rejected", end
                elif durations[b] < durations[rejecting]:
                    state, done = "approved", start + durations[b]
                else:
                    state, done = "cancelled", end
                tasks.append(
                    TaskPlan(stage, branch, round_, state, start, second, done, _second(rng))
                )
            pos = end
            break
        end = start + max(durations)
        if return_at == index and not returned:
            returned = True
            for b, branch in enumerate(stage.branches):
                tasks.append(
                    TaskPlan(
                        stage,
                        branch,
                        round_,
                        "returned" if b == 0 else "cancelled",
                        start,
                        second,
                        end,
                        _second(rng),
                        return_to=stages[index - 1].key,
                    )
                )
            round_ += 1
            index -= 1
            pos = end
            continue
        for b, branch in enumerate(stage.branches):
            tasks.append(
                TaskPlan(
                    stage,
                    branch,
                    round_,
                    "approved",
                    start,
                    second,
                    start + durations[b],
                    _second(rng),
                )
            )
        pos = end
        index += 1
    # Where this application stands today decides the shift from simulated to real positions.
    if in_progress:
        if len(stages) == 0:
            plan.status = "withdrawn" if outcome == "withdrawn" else "submitted"
            plan.received_pos = today - rng.randrange(0, 5)
            plan.received_second = _second(rng)
            if outcome == "withdrawn":
                plan.withdrawn_pos = plan.received_pos
            return
        limit = stages[current].limit
        # Mostly within the stage's limit (due on a working day after today), some overdue.
        overdue = rng.random() < 0.06
        elapsed = limit + rng.randrange(10) if overdue else rng.randrange(limit)
        shift = today - elapsed - stage_starts[current]
    else:
        decided_ago = rng.randrange(2, HISTORY_WORKING_DAYS)
        shift = today - decided_ago - pos
    plan.received_pos = shift
    plan.received_second = _second(rng)
    plan.accepted_pos = shift + accept_delay
    for task in tasks:
        task.created_pos += shift
        if task.done_pos is not None:
            task.done_pos += shift
    plan.tasks = tasks
    last = tasks[-1] if tasks else None
    plan.current_stage = last.stage.key if last else ""
    plan.workflow_round = last.round if last else 0
    if outcome in ("licence_issued", "denied"):
        plan.decided_pos = pos + shift
        plan.decided_second = tasks[-1].done_second if tasks else _second(rng)
    if status == "closed":
        plan.closed_pos = min(today, plan.decided_pos + rng.randrange(5, 60))
        plan.closed_from = closed_from
    if outcome == "withdrawn":
        open_tasks = [t for t in tasks if t.status == "open"]
        withdrawn = min(today, open_tasks[0].created_pos + rng.randrange(0, 5))
        plan.withdrawn_pos = withdrawn
        for task in open_tasks:
            task.status, task.done_pos, task.done_second = "cancelled", withdrawn, _second(rng)
    if outcome == "under_review" and rng.random() < OPEN_PAUSE_SHARE:
        first_open = min(t.created_pos for t in tasks if t.status == "open")
        plan.pause_kind = rng.choice(("expert_review", "inspection", "testing", "hearing"))
        plan.pause_pos = first_open + rng.randrange(max(1, today - first_open + 1))
        plan.pause_second = _second(rng)
    _staff_tasks(plan, rng, pools, calendar)


def _staff_tasks(
    plan: ApplicationPlan, rng: random.Random, pools: Pools, calendar: WorkCalendar
) -> None:
    """Who worked each task, and its due date."""
    decision_due = plan.accepted_pos + plan.service.decision_limit
    for task in plan.tasks:
        due = task.created_pos + task.stage.limit
        if due >= len(calendar.days):
            due = decision_due if decision_due < len(calendar.days) else None
        elif decision_due < due:
            due = decision_due
        task.due_pos = due
        worker = pools.pick(rng, task.branch.department_id, task.branch.role)
        if task.status == "open":
            if task.stage.second_approval and worker is not None and rng.random() < 0.3:
                task.assignee = task.drafted_by = worker
                task.claimed_second = _second(rng)
            elif rng.random() < CLAIMED_SHARE:
                task.assignee = worker
                task.claimed_second = _second(rng)
            continue
        if task.status == "cancelled":
            continue
        task.assignee = worker
        task.claimed_second = _second(rng)
        if task.status == "approved":
            if task.stage.second_approval:
                second = pools.pick(rng, task.branch.department_id, task.branch.role)
                task.drafted_by = worker
                task.approved_by = second if second != worker else None
                if task.approved_by is None:
                    task.approved_by = task.drafted_by  # a one-person department
            else:
                task.approved_by = worker
