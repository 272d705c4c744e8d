import pytest

from accounts.models import OfficialRole
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    OfficialFactory,
    ServiceVersionFactory,
)


def single_stage(department_code: str) -> dict:
    return {
        "stages": [
            {
                "key": "review",
                "name": {"en": "Review", "zh": "审查"},
                "branches": [{"key": "main", "department": department_code, "role": "reviewer"}],
                "limit_working_days": 10,
            }
        ]
    }


def joint_stages(*codes: str) -> dict:
    return {
        "stages": [
            {
                "key": "review",
                "name": {"en": "Review", "zh": "审查"},
                "branches": [
                    {"key": f"b{n}", "department": code, "role": "reviewer"}
                    for n, code in enumerate(codes)
                ],
                "join": "all_approve",
                "limit_working_days": 20,
            }
        ]
    }


@pytest.fixture
def department(db):
    return DepartmentFactory(code="market")


@pytest.fixture
def window(db, department):
    return DepartmentFactory(
        code="window", is_service_window=True, region_code=department.region_code
    )


@pytest.fixture
def clerk(window):
    return OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user


@pytest.fixture
def reviewer(department):
    return OfficialFactory(department=department, role=OfficialRole.REVIEWER).user


@pytest.fixture
def head(department):
    return OfficialFactory(department=department, role=OfficialRole.DEPARTMENT_HEAD).user


@pytest.fixture
def make_application(department, window):
    def make(
        *,
        joint=False,
        statutory=None,
        received_on=None,
        accepted_on=None,
        status="submitted",
        **kwargs,
    ):
        version = ServiceVersionFactory(
            item__department=department,
            published=True,
            # The guide publishes 45 working days for joint handling (Art. 26/42), else 20.
            statutory_limit_days=statutory or (45 if joint else 20),
            promised_limit_days=10,
            workflow_definition=joint_stages("market", "other")
            if joint
            else single_stage("market"),
        )
        return ApplicationFactory(
            submitted=True,
            service_version=version,
            status=status,
            received_on=received_on,
            accepted_on=accepted_on,
            **kwargs,
        )

    return make
