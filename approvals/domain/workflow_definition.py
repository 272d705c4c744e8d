"""Workflow definitions: data (JSON, edited in the admin), validated into immutable objects.

A definition is an ordered list of stages. A stage has one or more branches — department and role
— that work in parallel when there are several (并联审批, joint handling under Art. 26), a join
rule, a time limit in working days, and whether a second person must approve (the person who
drafted a decision may not approve it).

Example::

    {"stages": [
        {"key": "intake", "name": {"en": "Intake", "zh": "受理"},
         "branches": [{"key": "window", "department": "service-window", "role": "intake_clerk"}],
         "limit_working_days": 5},
        {"key": "review", "name": {"en": "Joint review", "zh": "并联审查"},
         "branches": [{"key": "planning", "department": "nrp", "role": "reviewer"},
                      {"key": "fire", "department": "fire", "role": "reviewer"}],
         "join": "all_approve", "limit_working_days": 20, "second_approval": true}]}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from accounts.roles import TASK_ROLES

# The official roles that can hold a workflow task (the supervisor audits and never decides).
ROLES = tuple(role.value for role in TASK_ROLES)
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,49}$"
DEPARTMENT_PATTERN = r"^[-a-zA-Z0-9_]{1,50}$"  # accounts.Department.code is a SlugField(50)
LANGUAGES = ("en", "zh")


class JoinRule(StrEnum):
    # A stage passes when every branch approves. Rejection is always "any rejection ends": the
    # first rejection ends the application and cancels the other open branches (并联审批).
    ALL_APPROVE = "all_approve"


@dataclass(frozen=True)
class Branch:
    key: str
    department: str  # accounts.Department.code
    role: str  # one of ROLES


@dataclass(frozen=True)
class Stage:
    key: str
    name_en: str
    name_zh: str
    branches: tuple[Branch, ...]
    limit_working_days: int
    join: JoinRule = JoinRule.ALL_APPROVE
    second_approval: bool = False

    @property
    def is_parallel(self) -> bool:
        return len(self.branches) > 1

    def branch(self, key: str) -> Branch:
        for branch in self.branches:
            if branch.key == key:
                return branch
        raise KeyError(f"stage {self.key!r} has no branch {key!r}")


@dataclass(frozen=True)
class WorkflowDefinition:
    stages: tuple[Stage, ...]

    def stage(self, key: str) -> Stage:
        return self.stages[self.index(key)]

    def index(self, key: str) -> int:
        for index, stage in enumerate(self.stages):
            if stage.key == key:
                return index
        raise KeyError(f"no stage {key!r}")

    def next_stage(self, key: str) -> Stage | None:
        index = self.index(key) + 1
        return self.stages[index] if index < len(self.stages) else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form that ``parse_definition`` reads back."""
        return {
            "stages": [
                {
                    "key": stage.key,
                    "name": {"en": stage.name_en, "zh": stage.name_zh},
                    "branches": [
                        {"key": b.key, "department": b.department, "role": b.role}
                        for b in stage.branches
                    ],
                    "join": str(stage.join),
                    "limit_working_days": stage.limit_working_days,
                    "second_approval": stage.second_approval,
                }
                for stage in self.stages
            ]
        }


@dataclass(frozen=True)
class Problem:
    path: str  # JSON path, e.g. "$.stages[1].branches[0].role"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DefinitionError(ValueError):
    """Every problem in a definition at once, each with its JSON path."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("Invalid workflow definition:\n" + "\n".join(map(str, problems)))


_MISSING = object()
_STAGE_FIELDS = {"key", "name", "branches", "join", "limit_working_days", "second_approval"}
_BRANCH_FIELDS = {"key", "department", "role"}


def parse_definition(data: Any) -> WorkflowDefinition:
    """Validate ``data`` (decoded JSON) and build the definition, or raise ``DefinitionError``
    listing every problem."""
    problems: list[Problem] = []
    stages: list[Stage] = []
    if not _check_object(data, "$", {"stages"}, {"stages"}, problems):
        raise DefinitionError(problems)
    raw_stages = data.get("stages", _MISSING)
    if not isinstance(raw_stages, list) or not raw_stages:
        if raw_stages is not _MISSING:  # a missing field is already reported as required
            problems.append(Problem("$.stages", "must be a non-empty list of stages"))
        raw_stages = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_stages):
        key = raw.get("key") if isinstance(raw, dict) else None
        if isinstance(key, str):
            if key in seen:
                problems.append(Problem(f"$.stages[{index}].key", f"duplicate stage key {key!r}"))
            seen.add(key)
        stage = _parse_stage(raw, f"$.stages[{index}]", problems)
        if stage is not None:
            stages.append(stage)
    if problems:
        raise DefinitionError(problems)
    return WorkflowDefinition(stages=tuple(stages))


def _parse_stage(raw: Any, path: str, problems: list[Problem]) -> Stage | None:
    required = {"key", "name", "branches", "limit_working_days"}
    if not _check_object(raw, path, _STAGE_FIELDS, required, problems):
        return None
    before = len(problems)
    key = _check_pattern(raw, "key", path, KEY_PATTERN, problems)
    name = raw.get("name")
    if _check_object(name, f"{path}.name", set(LANGUAGES), set(LANGUAGES), problems):
        for language in LANGUAGES:
            text = name.get(language)
            if language in name and (not isinstance(text, str) or not text.strip()):
                problems.append(Problem(f"{path}.name.{language}", "must be a non-empty string"))
    branches = _parse_branches(raw.get("branches", _MISSING), f"{path}.branches", problems)
    join = raw.get("join", JoinRule.ALL_APPROVE.value)
    if not isinstance(join, str) or join not in {rule.value for rule in JoinRule}:
        allowed = ", ".join(rule.value for rule in JoinRule)
        problems.append(Problem(f"{path}.join", f"unknown join rule {join!r}; allowed: {allowed}"))
    limit = raw.get("limit_working_days")
    if "limit_working_days" in raw and (type(limit) is not int or limit <= 0):
        problems.append(
            Problem(f"{path}.limit_working_days", "must be a positive whole number of days")
        )
    second_approval = raw.get("second_approval", False)
    if not isinstance(second_approval, bool):
        problems.append(Problem(f"{path}.second_approval", "must be true or false"))
    if len(problems) > before:
        return None
    return Stage(
        key=key,
        name_en=name["en"].strip(),
        name_zh=name["zh"].strip(),
        branches=branches,
        limit_working_days=limit,
        join=JoinRule(join),
        second_approval=second_approval,
    )


def _parse_branches(raw: Any, path: str, problems: list[Problem]) -> tuple[Branch, ...]:
    if not isinstance(raw, list) or not raw:
        if raw is not _MISSING:  # a missing field is already reported as required
            problems.append(Problem(path, "must be a non-empty list of branches"))
        return ()
    branches: list[Branch] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        item_path = f"{path}[{index}]"
        if not _check_object(item, item_path, _BRANCH_FIELDS, _BRANCH_FIELDS, problems):
            continue
        key = _check_pattern(item, "key", item_path, KEY_PATTERN, problems)
        if isinstance(key, str):
            if key in seen:
                problems.append(Problem(f"{item_path}.key", f"duplicate branch key {key!r}"))
            seen.add(key)
        department = _check_pattern(item, "department", item_path, DEPARTMENT_PATTERN, problems)
        role = item.get("role", _MISSING)
        if role is not _MISSING and role not in ROLES:
            problems.append(
                Problem(f"{item_path}.role", f"unknown role {role!r}; allowed: {', '.join(ROLES)}")
            )
        branches.append(Branch(key=key, department=department, role=role))
    return tuple(branches)


def _check_object(
    raw: Any, path: str, allowed: set[str], required: set[str], problems: list[Problem]
) -> bool:
    if not isinstance(raw, dict):
        problems.append(Problem(path, "must be an object"))
        return False
    for field in sorted(required - raw.keys()):
        problems.append(Problem(f"{path}.{field}", "is required"))
    for field in sorted(raw.keys() - allowed, key=str):
        problems.append(Problem(f"{path}.{field}", "is not a known field"))
    return True


def _check_pattern(
    container: dict, field: str, path: str, pattern: str, problems: list[Problem]
) -> Any:
    if field not in container:  # reported as required
        return None
    value = container[field]
    if not isinstance(value, str) or not re.fullmatch(pattern, value):
        problems.append(Problem(f"{path}.{field}", f"must be a string matching {pattern}"))
    return value


# The same rules as JSON Schema (draft 2020-12) for the admin's editor. Uniqueness of keys cannot
# be said in JSON Schema; parse_definition checks it.
DEFINITION_JSON_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Workflow definition",
    "type": "object",
    "required": ["stages"],
    "additionalProperties": False,
    "properties": {"stages": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/stage"}}},
    "$defs": {
        "stage": {
            "type": "object",
            "required": ["key", "name", "branches", "limit_working_days"],
            "additionalProperties": False,
            "properties": {
                "key": {"type": "string", "pattern": KEY_PATTERN},
                "name": {
                    "type": "object",
                    "required": list(LANGUAGES),
                    "additionalProperties": False,
                    "properties": {
                        language: {"type": "string", "minLength": 1, "pattern": r"\S"}
                        for language in LANGUAGES
                    },
                },
                "branches": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": "#/$defs/branch"},
                },
                "join": {"enum": [rule.value for rule in JoinRule], "default": "all_approve"},
                "limit_working_days": {"type": "integer", "minimum": 1},
                "second_approval": {"type": "boolean", "default": False},
            },
        },
        "branch": {
            "type": "object",
            "required": ["key", "department", "role"],
            "additionalProperties": False,
            "properties": {
                "key": {"type": "string", "pattern": KEY_PATTERN},
                "department": {"type": "string", "pattern": DEPARTMENT_PATTERN},
                "role": {"enum": list(ROLES)},
            },
        },
    },
}
