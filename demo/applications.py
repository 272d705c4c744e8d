"""Demo applications for ``manage.py seed_demo``: the demo citizens' and businesses' cases in every
state a visitor should see (a draft, one at the window, a one-time supplement notice, reviews in a
department and in parallel, approvals with licences, a denial, ratings, an overdue task with its
red card).

Every case is driven through the services, as the applicant, the window's clerk and the
department's officials would drive it, so the audit trail is the real one. Each case is marked by
the idempotency key ``demo:<case>`` on its application and skipped when that application exists:
running the command again creates nothing. The documents are queued for rendering after each
commit and the Celery worker renders and seals them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _
from PIL import Image

from accounts.models import Business, User
from approvals import dynamic_forms
from approvals.domain.china_time import CHINA, china_today
from approvals.domain.working_days import CalendarNotCovered
from approvals.models import Application, ReviewTask, ServiceVersion, TaskStatus, VersionStatus
from approvals.models.working_calendar import working_calendar
from approvals.services.applications import (
    application_save_step,
    application_start,
    application_submit,
    missing_materials,
)
from approvals.services.attachments import attachment_upload
from approvals.services.intake import intake_accept, intake_request_supplement
from approvals.services.ratings import rating_submit
from approvals.services.sweep import sweep_deadlines
from approvals.services.tasks import task_approve, task_claim, task_reject
from demo.accounts import LI_NA

KEY_PREFIX = "demo:"
# How far back the overdue case was filed: well past its review stage's limit.
OVERDUE_WORKING_DAYS_AGO = 30

DEMO_APPLICANTS = "@demo.cn"  # the demo citizens' email domain (demo/accounts.py)
RESTAURANT = "福州榕城餐饮管理有限公司"  # citizen1 is its administrator
BUILDER = "福建闽江建设工程有限公司"  # citizen3 is its administrator


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _version(code: str) -> ServiceVersion:
    return ServiceVersion.objects.get(item__code=code, status=VersionStatus.PUBLISHED)


def _image(name: str) -> SimpleUploadedFile:
    """A small scan: a white PNG (uploads are judged from their content)."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- The applicant's side -------------------------------------------------------------------------


def _start(*, email: str, code: str, business: str | None, steps: list[tuple[str, dict]]):
    """A draft of ``code`` by ``email`` (for ``business``), with ``steps`` saved in order. Each
    step keeps the answers the registries prefilled."""
    actor = _user(email)
    for_business = Business.objects.get(name=business) if business else None
    application = application_start(actor=actor, version=_version(code), business=for_business)
    for step_key, answers in steps:
        fields = _step_fields(application, step_key)
        values = {key: value for key, value in application.data.items() if key in fields}
        values.update(answers)
        application = application_save_step(
            actor=actor,
            application=application,
            step_key=step_key,
            values=values,
            revision=application.revision,
        )
    return actor, application


def _step_fields(application: Application, step_key: str) -> set[str]:
    schema = application.service_version.form_schema
    return next(set(step.fields) for step in dynamic_forms.steps(schema) if step.key == step_key)


def _submit(*, case: str, email: str, code: str, business: str | None, steps) -> Application:
    """Filled in, every required material attached, and submitted with the case's key."""
    actor, application = _start(email=email, code=code, business=business, steps=steps)
    for material in missing_materials(application):
        attachment_upload(
            actor=actor,
            application=application,
            material_key=material.key,
            uploaded_file=_image(f"{material.name_zh}.png"),
        )
    return application_submit(
        actor=actor, application=application, idempotency_key=KEY_PREFIX + case
    )


# --- The officials' side --------------------------------------------------------------------------


def _accept(application: Application) -> Application:
    application.refresh_from_db()
    return intake_accept(
        actor=_user("clerk@demo.gov.cn"), application=application, revision=application.revision
    )


def _open_task(application: Application, branch_key: str) -> ReviewTask:
    return ReviewTask.objects.get(
        application=application, branch_key=branch_key, status=TaskStatus.OPEN
    )


def _claim(application: Application, branch_key: str, email: str) -> ReviewTask:
    task = _open_task(application, branch_key)
    return task_claim(actor=_user(email), task=task, revision=task.revision)


def _approve(application: Application, branch_key: str, email: str, comment: str) -> None:
    task = _claim(application, branch_key, email)
    task_approve(actor=task.assignee, task=task, revision=task.revision, comment=comment)


def _approve_to_the_end(application: Application, department: str) -> None:
    """The department's reviewer, then its approver: the licence is issued on approval."""
    _approve(
        application, "review", f"{department}.reviewer@demo.gov.cn", "材料齐全，符合法定条件。"
    )
    _approve(application, "decision", f"{department}.approver@demo.gov.cn", "同意许可。")


# --- The form answers -----------------------------------------------------------------------------

FOOD_LICENCE = [
    (
        "business",
        {
            "shop_name": "榕城小吃东街店",
            "premises_address": "福建省福州市鼓楼区东街88号一层",
            "category": "catering",
            "seats": 48,
            "food_items": ["hot", "cold", "drinks"],
        },
    ),
    (
        "premises",
        {
            "floor_area": 240,
            "opening_date": "2027-01-18",
            "staff": [
                {"name": "张伟", "certificate": "食品安全管理员 FZ2026-0318"},
                {"name": "陈阿姨", "health_certificate_expiry": "2027-05-31"},
            ],
            "agrees": True,
        },
    ),
]
INDIVIDUAL_BUSINESS = [
    ("operator", {}),
    (
        "business",
        {
            "trade_name": "王芳裁缝铺",
            "organisation": "individual",
            "premises_address": "福建省福州市仓山区上渡路12号一层",
            "business_scope": "服装加工、修改；布料零售。",
            "employees": 2,
        },
    ),
]
CLINIC = [
    (
        "institution",
        {
            "institution_name": "福州仓山王芳口腔诊所",
            "category": "clinic",
            "clinical_departments": ["dentistry"],
            "address": "福建省福州市仓山区上渡路16号",
        },
    ),
    (
        "staff",
        {
            "medical_staff": [
                {"name": "王芳", "profession": "doctor", "certificate_number": "110350100012345"},
                {"name": "林小梅", "profession": "nurse", "certificate_number": "201835000067890"},
            ],
            "truthful": True,
        },
    ),
]
COMPANY = [
    (
        "company",
        {
            "company_name": "福州娜美文化创意有限公司",
            "company_type": "one_person",
            "registered_capital": 100000,
            "registered_address": "福建省福州市鼓楼区东街8号三层",
            "business_scope": "文化艺术交流活动策划；平面设计；工艺美术品销售。",
        },
    ),
    (
        "shareholders",
        {
            "shareholders": [
                {
                    "name": "李娜",
                    "certificate_number": LI_NA.id_number,
                    "subscribed_capital": 100000,
                }
            ],
            "truthful": True,
        },
    ),
]
PLANNING = [
    (
        "project",
        {
            "project_name": "闽江大道综合办公楼项目",
            "site_address": "福建省福州市仓山区闽江大道170号",
            "land_certificate_number": "闽(2025)福州市不动产权第0012345号",
            "project_type": "commercial",
            "total_floor_area": 18600,
        },
    ),
    (
        "buildings",
        {
            "buildings": [
                {
                    "name": "1号办公楼",
                    "floors_above": 18,
                    "floors_below": 2,
                    "height": 72.5,
                    "floor_area": 15800,
                },
                {"name": "2号配套用房", "floors_above": 3, "height": 13.2, "floor_area": 2800},
            ],
            "designer": "福建省建筑设计研究院有限公司",
            "designer_qualification": "建筑行业（建筑工程）甲级",
            "truthful": True,
        },
    ),
]
DRAINAGE = [
    (
        "discharger",
        {
            "discharger_type": "catering",
            "site_address": "福建省福州市鼓楼区东街88号",
            "daily_volume": 6.5,
            "pretreatment": ["grease_trap"],
        },
    ),
    (
        "outlets",
        {
            "outlets": [{"number": "DW-1", "diameter_mm": 200, "connects_to": "东街市政污水管网"}],
            "truthful": True,
        },
    ),
]
FIRE_CHECK = [
    (
        "venue",
        {
            "venue_name": "榕城小吃东街店",
            "venue_type": "restaurant",
            "venue_address": "福建省福州市鼓楼区东街88号一至二层",
            "floor_area": 420,
            "max_occupancy": 120,
            "floors": [
                {"floor": "1", "use": "餐厅、厨房", "area": 240},
                {"floor": "2", "use": "餐厅包间", "area": 180},
            ],
        },
    ),
    (
        "safety",
        {
            "fire_safety_manager": "张伟",
            "manager_mobile": "13800000001",
            "pledge_procedure": "pledge",
            "pledge": True,
        },
    ),
]
ADVERTISING = [
    (
        "applicant",
        {"ad_type": "led", "location": "福建省福州市鼓楼区五四路1号楼顶东侧"},
    ),
    (
        "sign",
        {
            "width": 12,
            "height": 6,
            "illuminated": True,
            "lighting_hours": "18:00—23:00",
            "period_from": "2027-01-01",
            "period_to": "2027-12-31",
        },
    ),
]
IMPACT_ASSESSMENT = [
    (
        "project",
        {
            "project_name": "闽江建设预拌混凝土搅拌站项目",
            "location": "福建省福州市闽侯县上街镇工业路9号",
            "industry": "水泥制品制造",
            "document_type": "report_form",
        },
    ),
    (
        "impact",
        {
            "total_investment": 3200,
            "environmental_investment": 260,
            "pollutants": ["wastewater", "exhaust", "noise"],
            "emission_sources": [
                {"source": "搅拌楼", "pollutant": "颗粒物", "treatment": "布袋除尘"},
                {"source": "洗车平台", "pollutant": "悬浮物", "treatment": "三级沉淀回用"},
            ],
            "assessor": "福建省环境科学研究院",
            "truthful": True,
        },
    ),
]


# --- The cases ------------------------------------------------------------------------------------


def _draft() -> Application:
    # Halfway: the company step is saved, the shareholders step is next (step 2 of 3).
    _actor, application = _start(
        email="citizen2@demo.cn", code="ENT-REG", business=None, steps=COMPANY[:1]
    )
    # A draft has no key until it is submitted; the demo's marks it as this case. Submitted
    # from the page, it takes the page's key, and the next run makes a new demo draft.
    Application.objects.filter(pk=application.pk).update(idempotency_key=KEY_PREFIX + "draft")
    return application


def _submitted() -> Application:
    return _submit(
        case="submitted",
        email="citizen3@demo.cn",
        code="IND-REG",
        business=None,
        steps=INDIVIDUAL_BUSINESS,
    )


def _supplement() -> Application:
    application = _submit(
        case="supplement", email="citizen3@demo.cn", code="MED-LIC", business=None, steps=CLINIC
    )
    application.refresh_from_db()
    intake_request_supplement(
        actor=_user("clerk@demo.gov.cn"),
        application=application,
        revision=application.revision,
        items=[
            {
                "material": "floor_plan",
                "problem": "平面布局图未标注诊室和消毒室的面积，请补充标注。",
            },
            {
                "material": "staff_certificates",
                "problem": "护士林小梅的执业证书已过有效期，请提供注册延续后的证书。",
            },
        ],
        reply_by=china_today() + dt.timedelta(days=14),
    )
    return application


def _under_review() -> Application:
    application = _submit(
        case="under_review",
        email="citizen1@demo.cn",
        code="FOOD-LIC",
        business=RESTAURANT,
        steps=FOOD_LICENCE,
    )
    _accept(application)
    _claim(application, "review", "market.reviewer@demo.gov.cn")
    return application


def _parallel() -> Application:
    application = _submit(
        case="parallel",
        email="citizen3@demo.cn",
        code="PLAN-PERMIT",
        business=BUILDER,
        steps=PLANNING,
    )
    _accept(application)
    # Planning and fire have approved; housing's review is still open.
    _approve(application, "planning", "natres.reviewer@demo.gov.cn", "符合控制性详细规划要求。")
    _approve(application, "fire", "fire.reviewer@demo.gov.cn", "消防设计符合规范。")
    return application


def _approved_rated() -> Application:
    application = _submit(
        case="approved_rated",
        email="citizen1@demo.cn",
        code="FIRE-CHECK",
        business=RESTAURANT,
        steps=FIRE_CHECK,
    )
    _accept(application)
    _approve_to_the_end(application, "fire")
    # A good rating for the fire brigade, a bad one for housing: the satisfaction page compares.
    rating_submit(
        actor=_user("citizen1@demo.cn"),
        application=application,
        grade=5,
        comment="网上办理很方便，一次都没跑。",
    )
    return application


def _approved() -> Application:
    application = _submit(
        case="approved",
        email="citizen1@demo.cn",
        code="DRAIN-PERMIT",
        business=RESTAURANT,
        steps=DRAINAGE,
    )
    _accept(application)
    _approve_to_the_end(application, "housing")
    return application


def _denied_rated() -> Application:
    application = _submit(
        case="denied_rated",
        email="citizen2@demo.cn",
        code="AD-PERMIT",
        business=None,
        steps=ADVERTISING,
    )
    _accept(application)
    task = _claim(application, "review", "housing.reviewer@demo.gov.cn")
    task_reject(
        actor=task.assignee,
        task=task,
        revision=task.revision,
        reasons=(
            "设置地点位于五四路历史风貌保护范围内，依据《福州市户外广告设置管理办法》，"
            "该区域禁止设置楼顶LED显示屏。"
        ),
    )
    # The reviewer's rejection is a proposal: the department's approver confirms the denial.
    _approve(application, "decision", "housing.approver@demo.gov.cn", "同意不予许可。")
    rating_submit(
        actor=_user("citizen2@demo.cn"),
        application=application,
        grade=2,
        comment="不予许可的理由可以在受理时就告诉我。",
    )
    return application


def overdue_filing_day(today: dt.date) -> dt.date:
    """The working day ``OVERDUE_WORKING_DAYS_AGO`` working days before ``today``."""
    calendar = working_calendar()
    day, counted = today, 0
    while counted < OVERDUE_WORKING_DAYS_AGO:
        day -= dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def _overdue() -> Application:
    # Filed and accepted weeks ago; the ecology review has waited past its limit since.
    day = overdue_filing_day(china_today())
    with time_machine.travel(dt.datetime.combine(day, dt.time(9, 30), CHINA), tick=True):
        application = _submit(
            case="overdue",
            email="citizen3@demo.cn",
            code="EIA-APPROVAL",
            business=BUILDER,
            steps=IMPACT_ASSESSMENT,
        )
        _accept(application)
        _claim(application, "review", "ecology.reviewer@demo.gov.cn")
    return application


@dataclass(frozen=True)
class DemoCase:
    key: str
    describe: StrPromise
    build: Callable[[], Application]


CASES: tuple[DemoCase, ...] = (
    DemoCase("draft", _("draft, stopped at step 2"), _draft),
    DemoCase("submitted", _("waiting at the window"), _submitted),
    DemoCase("supplement", _("one-time supplement notice, waiting for the applicant"), _supplement),
    DemoCase("under_review", _("review claimed by market.reviewer"), _under_review),
    DemoCase("parallel", _("parallel review: planning and fire approved"), _parallel),
    DemoCase("approved_rated", _("approved, licence issued, rated 5"), _approved_rated),
    DemoCase("approved", _("approved, licence issued"), _approved),
    DemoCase("denied_rated", _("denied, rated 2 (rectification opened)"), _denied_rated),
    DemoCase("overdue", _("review overdue (red card)"), _overdue),
)


@dataclass(frozen=True)
class SeededCase:
    case: DemoCase
    application: Application | None  # None: the case could not be made today (``problem``)
    created: bool = False
    problem: str = ""


def demo_application(case_key: str) -> Application | None:
    return Application.objects.filter(
        idempotency_key=KEY_PREFIX + case_key, created_by__email__endswith=DEMO_APPLICANTS
    ).first()


def seed_applications() -> list[SeededCase]:
    """Every demo case, created through the services when it does not exist yet; then the
    deadline sweep for today, so the overdue case has its red card.

    Due dates beyond the end of the working-day calendar are left unknown by the services, so
    every case can be made late in the year too; should a case still meet the calendar's end
    (a date it must count), it is left out, said so, and made on a later run."""
    seeded = []
    for case in CASES:
        existing = demo_application(case.key)
        if existing is not None:
            seeded.append(SeededCase(case, existing))
            continue
        try:
            with transaction.atomic():  # a case that fails leaves nothing half-made behind
                application = case.build()
        except CalendarNotCovered as error:
            seeded.append(SeededCase(case, None, problem=str(error)))
            continue
        application.refresh_from_db()
        seeded.append(SeededCase(case, application, created=True))
    if any(item.created for item in seeded):
        sweep_deadlines()
    return seeded
