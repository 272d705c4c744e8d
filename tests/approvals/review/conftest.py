"""The demo's parallel service (construction project planning permit) on its own departments:
window intake → planning, housing and fire review in parallel → the planning approver's decision
(second approval)."""

from dataclasses import dataclass

import pytest

from accounts.models import OfficialRole
from approvals.models import ReviewTask
from demo.catalogue import CONSTRUCTION_PLANNING_PERMIT
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    OfficialFactory,
    ServiceVersionFactory,
)

PLAN_WORKFLOW = CONSTRUCTION_PLANNING_PERMIT["version"]["workflow_definition"]


@dataclass
class Demo:
    window: object
    natres: object
    housing: object
    fire: object
    other: object
    clerk: object
    reviewers: dict
    approver: object
    approver2: object
    head: object
    other_reviewer: object
    supervisor: object
    version: object


@pytest.fixture
def demo(db):
    window = DepartmentFactory(code="fz-window", is_service_window=True)
    natres = DepartmentFactory(code="fz-natres")
    housing = DepartmentFactory(code="fz-housing")
    fire = DepartmentFactory(code="fz-fire")
    other = DepartmentFactory(code="fz-market")
    reviewers = {
        "planning": OfficialFactory(department=natres).user,
        "housing": OfficialFactory(department=housing).user,
        "fire": OfficialFactory(department=fire).user,
    }
    version = ServiceVersionFactory(
        item__department=natres, workflow_definition=PLAN_WORKFLOW, published=True
    )
    return Demo(
        window=window,
        natres=natres,
        housing=housing,
        fire=fire,
        other=other,
        clerk=OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user,
        reviewers=reviewers,
        approver=OfficialFactory(department=natres, role=OfficialRole.APPROVER).user,
        approver2=OfficialFactory(department=natres, role=OfficialRole.APPROVER).user,
        head=OfficialFactory(department=natres, role=OfficialRole.DEPARTMENT_HEAD).user,
        other_reviewer=OfficialFactory(department=other).user,
        supervisor=OfficialFactory(department=other, role=OfficialRole.SUPERVISOR).user,
        version=version,
    )


@pytest.fixture
def make_accepted(demo):
    """An application the window has just accepted (what intake_accept leaves behind)."""

    def make(**kwargs):
        return ApplicationFactory(service_version=demo.version, accepted=True, **kwargs)

    return make


@pytest.fixture
def started(demo, make_accepted):
    """An application under review with its three parallel tasks."""
    from approvals.services.workflow import workflow_start

    application = make_accepted()
    workflow_start(actor=demo.clerk, application=application)
    return application


def task_of(application, branch, **filters) -> ReviewTask:
    return ReviewTask.objects.get(
        application=application, branch_key=branch, status="open", **filters
    )
