"""Supervision tests: a signing key per test, a city bureau with its window, officials and a
supervisor who may read the admin, and helpers to read the audit trail."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission

from accounts.models import OfficialRole
from demo.accounts import SUPERVISOR_VIEW_PERMISSIONS
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    OfficialFactory,
    PersonFactory,
    ReviewTaskFactory,
    ServiceItemFactory,
    ServiceVersionFactory,
)

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

# A Wednesday in 2026 that is a working day (the official calendar covers 2026).
A_WORKING_DAY = dt.datetime(2026, 6, 17, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _signing_key(settings, tmp_path):
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "audit-signing-key.pem"


def grant_supervisor_view(user) -> None:
    for dotted in SUPERVISOR_VIEW_PERMISSIONS:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


@dataclass
class City:
    window: object
    bureau: object
    other: object
    clerk: object
    reviewer: object
    head: object
    other_reviewer: object
    supervisor: object
    version: object
    citizen: object


@pytest.fixture
def city(db):
    government = DepartmentFactory(code="city-gov", region_code="350100", name_en="City")
    window = DepartmentFactory(
        code="city-window", region_code="350100", parent=government, is_service_window=True
    )
    bureau = DepartmentFactory(
        code="city-market", region_code="350100", parent=government, name_en="Market bureau"
    )
    other = DepartmentFactory(code="city-health", region_code="350100", name_en="Health bureau")
    supervisor = OfficialFactory(
        department=government, role=OfficialRole.SUPERVISOR, user__is_staff=True
    ).user
    grant_supervisor_view(supervisor)
    item = ServiceItemFactory(code="SPJY", department=bureau, topic="food_health")
    version = ServiceVersionFactory(
        item=item,
        name_en="Food business licence",
        name_zh="食品经营许可",
        workflow_definition=WORKFLOW,
        published=True,
    )
    return City(
        window=window,
        bureau=bureau,
        other=other,
        clerk=OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user,
        reviewer=OfficialFactory(department=bureau, role=OfficialRole.REVIEWER).user,
        head=OfficialFactory(department=bureau, role=OfficialRole.DEPARTMENT_HEAD).user,
        other_reviewer=OfficialFactory(department=other, role=OfficialRole.REVIEWER).user,
        supervisor=supervisor,
        version=version,
        citizen=PersonFactory(record__name="王芳", record__id_number="11010519491231002X").user,
    )


@pytest.fixture
def under_review(city):
    """An application of the citizen under review, with its open task at the bureau."""
    application = ApplicationFactory(
        service_version=city.version,
        person=city.citizen.person,
        created_by=city.citizen,
        under_review=True,
    )
    task = ReviewTaskFactory(application=application, department=city.bureau)
    return task
