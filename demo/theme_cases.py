"""Demo 一件事 cases for ``manage.py seed_demo``: a restaurant drafted halfway and a restaurant and
a hotel submitted as one, each waiting at the one window (the window's and the departments' later
steps are the window's demo's).

Every case is driven through the applicant's services (``approvals.services.theme_cases``) as the
pages drive them, so the audit trail is the real one. The members' own answers are the demo
applications' answers for the same services (``demo.applications``); a field those do not cover
gets a plain example of its type. Each case is marked by the idempotency key ``demo:<case>`` and
skipped when it exists: running the command again creates nothing. A theme that is not published
(the catalogue not seeded) is left out and said so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from approvals.domain.china_time import china_today
from approvals.models import ThemeCase, ThemeVersion, VersionStatus
from approvals.selectors.theme_cases import case_material_slots, member_data, shared_values
from approvals.selectors.themes import theme_plan
from approvals.services.theme_cases import (
    theme_case_save_answers,
    theme_case_save_member_step,
    theme_case_save_shared,
    theme_case_start,
    theme_case_submit,
    theme_case_upload,
)
from demo.applications import (
    ADVERTISING,
    COMPANY,
    DRAINAGE,
    FIRE_CHECK,
    FOOD_LICENCE,
    INDIVIDUAL_BUSINESS,
    KEY_PREFIX,
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
    return theme_case_submit(actor=actor, case=case, idempotency_key=KEY_PREFIX + demo.key)


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
        except ValidationError as error:
            details = sorted(getattr(error, "field_errors", {})) + [
                key for _member, key, _name in getattr(error, "missing_materials", [])
            ]
            problem = "; ".join([*error.messages, *details])
            seeded.append(SeededThemeCase(demo, None, problem=problem))
            continue
        seeded.append(SeededThemeCase(demo, case, created=True))
    return seeded
