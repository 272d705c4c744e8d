"""The official roles, as values (no Django): the one declaration that the model choices
(``accounts.models.OfficialRole``, ``approvals.models.TaskRole``) and the workflow definitions
(``approvals.domain.workflow_definition.ROLES``) are built from."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    INTAKE_CLERK = "intake_clerk"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    DEPARTMENT_HEAD = "department_head"
    SUPERVISOR = "supervisor"


# The roles that can hold a workflow task: all but the supervisor, who audits and never decides.
TASK_ROLES = (Role.INTAKE_CLERK, Role.REVIEWER, Role.APPROVER, Role.DEPARTMENT_HEAD)
