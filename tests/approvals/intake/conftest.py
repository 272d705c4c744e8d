"""A city food licence received at the city's service window: the window with its intake clerk,
the market bureau with a reviewer, a citizen applicant and a submitted application."""

import pytest
from django.utils import timezone

from accounts.models import OfficialRole
from approvals.models import ReviewTask
from approvals.services.deadlines import application_deadlines_refresh
from approvals.services.tasks import task_approve
from demo.catalogue import department_workflow
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    OfficialFactory,
    PersonFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)

SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {
            "type": "string",
            "title": "Applicant",
            "x-title-zh": "申请人",
            "x-prefill": "person.real_name",
        },
        "shop_name": {"type": "string", "title": "Shop name", "x-title-zh": "门店名称"},
    },
    "required": ["shop_name"],
    "x-steps": [
        {
            "key": "basic",
            "title": "About the business",
            "x-title-zh": "经营者信息",
            "fields": ["applicant_name", "shop_name"],
        }
    ],
}

MATERIALS = [
    {"key": "floor-plan", "name_en": "Floor plan", "name_zh": "平面图", "required": True},
    {"key": "lease", "name_en": "Lease contract", "name_zh": "租赁合同", "required": False},
]

WORKFLOW = {
    "stages": [
        {
            "key": "review",
            "name": {"en": "Review", "zh": "审查"},
            "branches": [{"key": "main", "department": "city-market", "role": "reviewer"}],
            "limit_working_days": 10,
        }
    ]
}


@pytest.fixture
def window(db):
    government = DepartmentFactory(code="city-gov", region_code="350100")
    return DepartmentFactory(
        code="city-window", region_code="350100", parent=government, is_service_window=True
    )


@pytest.fixture
def bureau(window):
    return DepartmentFactory(code="city-market", region_code="350100", parent=window.parent)


@pytest.fixture
def clerk(window):
    return OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user


@pytest.fixture
def other_clerk(db):
    """An intake clerk of another city's window."""
    window = DepartmentFactory(code="xm-window", region_code="350200", is_service_window=True)
    return OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user


@pytest.fixture
def reviewer(bureau):
    return OfficialFactory(department=bureau, role=OfficialRole.REVIEWER).user


@pytest.fixture
def version(bureau):
    item = ServiceItemFactory(code="SPJY", department=bureau, topic="food_health")
    return ServiceVersionFactory(
        item=item,
        name_en="Food business licence",
        name_zh="食品经营许可",
        form_schema=SCHEMA,
        materials=MATERIALS,
        workflow_definition=WORKFLOW,
        published=True,
    )


@pytest.fixture
def citizen(db):
    return PersonFactory(real_name="王芳", user__preferred_language="en").user


@pytest.fixture
def make_submitted(version, citizen):
    def make(**kwargs):
        application = ApplicationFactory(
            submitted=True,
            service_version=version,
            person=citizen.person,
            created_by=citizen,
            received_on=timezone.localdate(),
            data={"applicant_name": "王芳", "shop_name": "老福州小吃"},
            **kwargs,
        )
        application_deadlines_refresh(application=application)
        application.refresh_from_db()
        return application

    return make


@pytest.fixture
def submitted(make_submitted):
    return make_submitted()


# --- A service whose pledge (告知承诺) replaces a certificate: the fire safety inspection ---------

FIRE_SCHEMA = {
    "type": "object",
    "properties": {
        "venue_name": {"type": "string", "title": "Venue name", "x-title-zh": "场所名称"},
        "procedure": {
            "type": "string",
            "title": "Procedure",
            "x-title-zh": "办理方式",
            "oneOf": [
                {"const": "inspection", "title": "Inspection first", "x-title-zh": "先检查后许可"},
                {"const": "pledge", "title": "Signed pledge", "x-title-zh": "告知承诺"},
            ],
        },
        "pledge": {
            "type": "boolean",
            "const": True,
            "title": "I pledge that the venue meets the fire safety requirements.",
            "x-title-zh": "本单位承诺场所符合消防安全要求。",
            "x-show-if": {"field": "procedure", "equals": "pledge"},
        },
    },
    "required": ["venue_name", "procedure", "pledge"],
    "x-steps": [
        {"key": "venue", "title": "Venue", "fields": ["venue_name", "procedure", "pledge"]}
    ],
}

FIRE_MATERIALS = [
    {"key": "plan", "name_en": "Evacuation plan", "name_zh": "疏散预案", "required": True},
    {"key": "training", "name_en": "Training records", "name_zh": "培训记录", "required": True},
]

FIRE_PLEDGE_SCHEME = {
    "choice_field": "procedure",
    "choice_value": "pledge",
    "pledge_field": "pledge",
    "replaces": ["training"],
    "verification_days": 30,
}

PLEDGED = {"venue_name": "福州大剧院", "procedure": "pledge", "pledge": True}


@pytest.fixture
def fire_version(bureau):
    item = ServiceItemFactory(code="FIRE", department=bureau, topic="safety")
    return ServiceVersionFactory(
        item=item,
        name_en="Fire safety inspection",
        name_zh="消防安全检查",
        form_schema=FIRE_SCHEMA,
        materials=FIRE_MATERIALS,
        workflow_definition=department_workflow("city-market", review_days=5, decision_days=2),
        commitment_scheme=FIRE_PLEDGE_SCHEME,
        published=True,
    )


@pytest.fixture
def approver(bureau):
    return OfficialFactory(department=bureau, role=OfficialRole.APPROVER).user


def submitted_with(version, citizen, data):
    application = ApplicationFactory(
        submitted=True,
        service_version=version,
        person=citizen.person,
        created_by=citizen,
        received_on=timezone.localdate(),
        data=data,
    )
    application_deadlines_refresh(application=application)
    application.refresh_from_db()
    return application


def approve_through(application, reviewer, approver):
    for user in (reviewer, approver):
        task = ReviewTask.objects.get(application=application, status="open")
        task_approve(actor=user, task=task, revision=task.revision, comment="ok")
    application.refresh_from_db()
