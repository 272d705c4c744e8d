"""Demo 一件事 cases for ``manage.py seed_demo``: a restaurant drafted halfway, a restaurant and a
hotel waiting at the one window, and cases further on — one supplement notice covering two
departments, a case accepted with its food licence waiting for the registration, a hotel under
review with its registration decided, a restaurant decided to the end (every certificate issued,
handed over as one set, rated), and a hotel whose registration was denied, its dependent services
stopped.

Every case is driven through the applicant's services (``approvals.services.theme_case_*``) as the
pages drive them, then through the window's and the departments' services as the demo's officials
(the window's clerk, the departments' reviewers and approvers) would act, so the audit trail is
the real one. A member's start after its prerequisite's approval is ``theme_case_progress``, run
here at once (the worker runs it after each decision's commit; a second run finds it done).

The members' own answers are the demo applications' answers for the same services
(``demo.applications``); a field those do not cover gets a plain example of its type. Each case
is marked by the idempotency key ``demo:<case>`` and skipped when it exists: running the command
again creates nothing. A theme that is not published (the catalogue not seeded) is left out and
said so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from approvals.domain.china_time import china_today
from approvals.domain.working_days import CalendarNotCovered
from approvals.models import Application, ThemeCase, ThemeVersion, VersionStatus
from approvals.selectors.theme_cases import case_material_slots, member_data, shared_values
from approvals.selectors.themes import theme_plan
from approvals.services.tasks import task_reject
from approvals.services.theme_case_drafts import (
    theme_case_save_answers,
    theme_case_save_member_step,
    theme_case_save_shared,
    theme_case_start,
)
from approvals.services.theme_case_materials import theme_case_upload
from approvals.services.theme_case_outcome import theme_case_rate
from approvals.services.theme_case_submission import theme_case_submit
from approvals.services.theme_intake import theme_case_accept
from approvals.services.theme_progress import theme_case_progress
from approvals.services.theme_supplement import theme_case_request_supplement
from demo.applications import (
    ADVERTISING,
    COMPANY,
    DRAINAGE,
    FIRE_CHECK,
    FOOD_LICENCE,
    INDIVIDUAL_BUSINESS,
    KEY_PREFIX,
    _approve,
    _approve_to_the_end,
    _claim,
    _image,
    _user,
)

# The hygiene licence has no demo application of its own: the hotel's answers.
HYGIENE = [
    ("venue", {"rooms": 12}),
    (
        "staff",
        {
            "employees": 6,
            "hygiene_managers": [{"name": "林秀英", "health_certificate": "FZWS2026-0412"}],
            "truthful": True,
        },
    ),
]

# The demo applications' answers, by service code: the members' own fields come from here.
MEMBER_ANSWERS = {
    "HYG-LIC": HYGIENE,
    "ENT-REG": COMPANY,
    "IND-REG": INDIVIDUAL_BUSINESS,
    "FOOD-LIC": FOOD_LICENCE,
    "FIRE-CHECK": FIRE_CHECK,
    "AD-PERMIT": ADVERTISING,
    "DRAIN-PERMIT": DRAINAGE,
}


@dataclass(frozen=True)
class DemoThemeCase:
    key: str
    theme: str
    email: str
    answers: dict
    shared: dict
    submit: bool
    describe: StrPromise
    # What the window and the departments did after the submission (the officials' acts).
    then: Callable[[ThemeCase], None] | None = None


RESTAURANT_SHARED = {
    "business_name": "福州闽都味道餐饮有限公司",
    "shop_name": "闽都味道",
    "premises_address": "福建省福州市鼓楼区五四路120号一层",
    "business_scope": "餐饮服务；预包装食品销售。",
    "floor_area": 320,
    "opening_date": "2027-03-01",
}
HOTEL_SHARED = {
    "business_name": "三坊客栈",
    "shop_name": "三坊客栈",
    "premises_address": "福建省福州市鼓楼区南后街66号",
    "business_scope": "住宿服务。",
    "floor_area": 420,
    "opening_date": "2027-04-01",
}


# --- The officials' side --------------------------------------------------------------------------

CLERK = "clerk@demo.gov.cn"  # the city's service window, the demo themes' lead department's


def _members(case: ThemeCase) -> dict[str, Application]:
    return {m.theme_member_key: m for m in Application.objects.filter(theme_case=case)}


def _supplement(case: ThemeCase) -> None:
    """ONE notice: the floor plan, shared by the food licence (market bureau) and the drainage
    permit (housing bureau), and a material of the drainage permit alone."""
    case.refresh_from_db()
    theme_case_request_supplement(
        actor=_user(CLERK),
        case=case,
        revision=case.revision,
        items=[
            {
                "material": "shared:floor_plan",
                "problem": "平面布局图未标注后厨与排水管线的位置，请补充标注。",
            },
            {
                "material": "drainage:water_quality_report",
                "problem": "水质检测报告缺少检测机构的盖章页。",
            },
        ],
        reply_by=china_today() + dt.timedelta(days=14),
    )


def _accept(case: ThemeCase) -> None:
    """The window accepts the whole: the services that need the registration wait for it."""
    case.refresh_from_db()
    theme_case_accept(actor=_user(CLERK), case=case, revision=case.revision)


def _register(case: ThemeCase) -> None:
    """Accepted, and the market bureau registers the business: the waiting services start,
    citing its business licence."""
    _accept(case)
    _approve(
        _members(case)["individual"],
        "registration",
        "market.approver@demo.gov.cn",
        "准予个体工商户登记。",
    )
    theme_case_progress(case_id=case.pk)


def _hotel_under_review(case: ThemeCase) -> None:
    """Registered; the health bureau's reviewer has claimed the hygiene licence."""
    _register(case)
    _claim(_members(case)["hygiene"], "review", "health.reviewer@demo.gov.cn")


def _decided_and_rated(case: ThemeCase) -> None:
    """Every service approved to the end (each licence issued), then one rating of 5."""
    _register(case)
    members = _members(case)
    _approve_to_the_end(members["food"], "market")
    _approve_to_the_end(members["drainage"], "housing")
    theme_case_rate(
        actor=case.created_by, case=case, grade=5, comment="一次提交，五个部门都办好了。"
    )


def _registration_denied(case: ThemeCase) -> None:
    """The market bureau refuses the registration: the services that need it are stopped with
    the reason; the applicant is told."""
    _accept(case)
    task = _claim(_members(case)["individual"], "registration", "market.approver@demo.gov.cn")
    task_reject(
        actor=task.assignee,
        task=task,
        revision=task.revision,
        reasons="拟用字号“三坊”与本市已登记的同行业字号相同，不予登记。",
    )
    theme_case_progress(case_id=case.pk)


SMALL_RESTAURANT = {"entity": "individual", "large_premises": False, "sign": False}
SMALL_HOTEL = {"entity": "individual", "sign": False}


def _shared(base: dict, **changes) -> dict:
    return {**base, **changes}


THEME_CASES: tuple[DemoThemeCase, ...] = (
    DemoThemeCase(
        "theme_restaurant_draft",
        "RESTAURANT",
        "citizen2@demo.cn",
        {"entity": "individual", "large_premises": False, "sign": True},
        {},
        False,
        _("one-thing draft: the questions answered"),
    ),
    DemoThemeCase(
        "theme_restaurant",
        "RESTAURANT",
        "citizen3@demo.cn",
        {"entity": "company", "large_premises": True, "sign": True},
        RESTAURANT_SHARED,
        True,
        _("one-thing application, waiting at the window"),
    ),
    DemoThemeCase(
        "theme_hotel",
        "HOTEL",
        "citizen2@demo.cn",
        {"entity": "individual", "sign": False},
        HOTEL_SHARED,
        True,
        _("one-thing application, waiting at the window"),
    ),
    DemoThemeCase(
        "theme_restaurant_supplement",
        "RESTAURANT",
        "citizen1@demo.cn",
        SMALL_RESTAURANT,
        _shared(
            RESTAURANT_SHARED,
            business_name="张记鱼丸店",
            shop_name="张记鱼丸",
            premises_address="福建省福州市台江区达道路32号",
            floor_area=60,
        ),
        True,
        _("one-thing application: one supplement notice for two departments"),
        then=_supplement,
    ),
    DemoThemeCase(
        "theme_restaurant_waiting",
        "RESTAURANT",
        "citizen2@demo.cn",
        SMALL_RESTAURANT,
        _shared(
            RESTAURANT_SHARED,
            business_name="李娜甜品店",
            shop_name="娜娜甜品",
            premises_address="福建省福州市鼓楼区东街8号一层",
            floor_area=45,
        ),
        True,
        _("one-thing application accepted: the food licence waits for the registration"),
        then=_accept,
    ),
    DemoThemeCase(
        "theme_hotel_review",
        "HOTEL",
        "citizen3@demo.cn",
        SMALL_HOTEL,
        _shared(
            HOTEL_SHARED,
            business_name="上渡江畔民宿",
            shop_name="江畔民宿",
            premises_address="福建省福州市仓山区上渡路20号",
        ),
        True,
        _("one-thing application under review: the registration decided"),
        then=_hotel_under_review,
    ),
    DemoThemeCase(
        "theme_restaurant_decided",
        "RESTAURANT",
        "citizen1@demo.cn",
        SMALL_RESTAURANT,
        _shared(
            RESTAURANT_SHARED,
            business_name="张伟沙县小吃店",
            shop_name="张伟小吃",
            premises_address="福建省福州市鼓楼区东街90号一层",
            floor_area=80,
        ),
        True,
        _("one-thing application decided: every certificate issued, rated 5"),
        then=_decided_and_rated,
    ),
    DemoThemeCase(
        "theme_hotel_denied",
        "HOTEL",
        "citizen2@demo.cn",
        SMALL_HOTEL,
        _shared(HOTEL_SHARED, business_name="三坊旅舍", shop_name="三坊旅舍"),
        True,
        _("one-thing application: the registration denied, the services that need it stopped"),
        then=_registration_denied,
    ),
)


@dataclass(frozen=True)
class SeededThemeCase:
    case: DemoThemeCase
    theme_case: ThemeCase | None
    created: bool = False
    problem: str = ""


def _example(prop: dict):
    """A plain value of the field's type, for a field no demo answer covers."""
    if "enum" in prop:
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(1, prop.get("minimum", 1))
    if kind == "array":
        items = prop.get("items", {})
        return [items["enum"][0]] if "enum" in items else []
    if prop.get("format") == "date":
        return (china_today() + dt.timedelta(days=60)).isoformat()
    return "示例"


def _filled(schema: dict, fields, stored: dict, answers: dict) -> dict:
    """``fields`` answered: what is stored (prefill), the demo's answers, then an example for each
    required field still empty."""
    properties, required = schema.get("properties", {}), set(schema.get("required", []))
    values = {name: stored[name] for name in fields if name in stored}
    values.update({name: answers[name] for name in fields if name in answers})
    for name in fields:
        if name in required and name not in values and name in properties:
            values[name] = _example(properties[name])
    return values


def fill_member_steps(*, actor, case: ThemeCase, plan) -> ThemeCase:
    """Each member's own fields answered as the demo's applications answer them."""
    for member in plan.members:
        steps = MEMBER_ANSWERS.get(member.version.item.code, [])
        answers = {k: v for _step, values in steps for k, v in values.items()}
        stored = member_data(case, member)
        for step_key, names in member.own_fields.items():
            case = theme_case_save_member_step(
                actor=actor,
                case=case,
                member_key=member.key,
                step_key=step_key,
                values=_filled(member.version.form_schema, names, stored, answers),
                revision=case.revision,
            )
    return case


def _build(demo: DemoThemeCase, version: ThemeVersion) -> ThemeCase:
    actor = _user(demo.email)
    case = theme_case_start(actor=actor, version=version)
    case = theme_case_save_answers(
        actor=actor, case=case, answers=demo.answers, revision=case.revision
    )
    if not demo.submit:
        return case
    plan = theme_plan(version, case.answers)
    fields = [f["key"] for f in plan.shared_fields]
    schema = {
        "properties": {f["key"]: f["schema"] for f in plan.shared_fields},
        "required": [f["key"] for f in plan.shared_fields if f.get("required")],
    }
    case = theme_case_save_shared(
        actor=actor,
        case=case,
        values=_filled(schema, fields, shared_values(case), demo.shared),
        revision=case.revision,
    )
    case = fill_member_steps(actor=actor, case=case, plan=plan)
    for slot in case_material_slots(plan).values():
        theme_case_upload(
            actor=actor,
            case=case,
            member_key=slot.member_key,
            material_key=slot.key,
            uploaded_file=_image(f"{slot.name}.png"),
        )
    case = theme_case_submit(actor=actor, case=case, idempotency_key=KEY_PREFIX + demo.key)
    if demo.then is not None:
        demo.then(case)
        case.refresh_from_db()
    return case


def _existing(demo: DemoThemeCase) -> ThemeCase | None:
    cases = ThemeCase.objects.filter(created_by__email=demo.email, version__item__code=demo.theme)
    if demo.submit:
        return cases.filter(idempotency_key=KEY_PREFIX + demo.key).first()
    return cases.filter(status="draft").first()


def seed_theme_cases() -> list[SeededThemeCase]:
    """Every demo case whose theme is published, created through the services when it does not
    exist yet."""
    seeded = []
    for demo in THEME_CASES:
        existing = _existing(demo)
        if existing is not None:
            seeded.append(SeededThemeCase(demo, existing))
            continue
        version = ThemeVersion.objects.filter(
            item__code=demo.theme, status=VersionStatus.PUBLISHED
        ).first()
        if version is None:
            seeded.append(SeededThemeCase(demo, None, problem=f"{demo.theme}: not published"))
            continue
        try:
            with transaction.atomic():  # a case that fails leaves nothing half-made behind
                case = _build(demo, version)
        except CalendarNotCovered as error:  # a date past the calendar's end: a later run
            seeded.append(SeededThemeCase(demo, None, problem=str(error)))
            continue
        except ValidationError as error:
            details = sorted(getattr(error, "field_errors", {})) + [
                key for _member, key, _name in getattr(error, "missing_materials", [])
            ]
            problem = "; ".join([*error.messages, *details])
            seeded.append(SeededThemeCase(demo, None, problem=problem))
            continue
        seeded.append(SeededThemeCase(demo, case, created=True))
    return seeded
