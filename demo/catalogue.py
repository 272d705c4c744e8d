"""The demo city's service catalogue (办事指南): one JSON file per service in ``demo/catalogue/``,
in the catalogue's export format (``portal-service/1``, what ``manage.py export_service`` writes),
listed in order by ``demo/catalogue/index.json``; ``seed_catalogue`` publishes them.

Department codes are those of ``demo/accounts.py``. Seeding is keyed on the item code and never
edits a published version: when a file differs from what is published, its content is read by the
catalogue's import (``DraftContent``) as a new draft and published, retiring the old version.
The builders below (``department_workflow`` and what it uses) make workflow definitions for tests.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction

from accounts.models import Department
from approvals.models import ServiceItem, ThemeItem, VersionStatus
from approvals.services.catalogue import service_version_publish
from approvals.services.catalogue_io import (
    FORMAT,
    THEME_FORMAT,
    DraftContent,
    ThemeDraftContent,
    theme_version_content,
    version_content,
)
from approvals.services.themes_catalogue import theme_version_publish
from audit.chain import audit_record

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
# The 一件事 themes built from the services above, in the theme export format (``portal-theme/1``).
THEMES_DIR = CATALOGUE_DIR / "themes"


WINDOW = "fz-window"


def branch(key: str, department: str, role: str) -> dict:
    return {"key": key, "department": department, "role": role}


def stage(key: str, en: str, zh: str, branches: list[dict], days: int, *, second=False) -> dict:
    stage_ = {
        "key": key,
        "name": {"en": en, "zh": zh},
        "branches": branches,
        "join": "all_approve",
        "limit_working_days": days,
    }
    if second:
        stage_["second_approval"] = True
    return stage_


def intake(days: int = 1) -> dict:
    """The service centre's window checks the materials (Art. 32)."""
    return stage(
        "intake", "Window intake", "窗口受理", [branch("window", WINDOW, "intake_clerk")], days
    )


def department_workflow(
    department: str,
    *,
    review_days: int,
    decision_days: int,
    review_en: str = "Review",
    review_zh: str = "审查",
    second_approval: bool = False,
) -> dict:
    """Window intake → the department's review → its decision."""
    return {
        "stages": [
            intake(),
            stage(
                "review",
                review_en,
                review_zh,
                [branch("review", department, "reviewer")],
                review_days,
            ),
            stage(
                "decision",
                "Decision",
                "决定",
                [branch("decision", department, "approver")],
                decision_days,
                second=second_approval,
            ),
        ]
    }


def _spec(data: dict[str, Any]) -> dict[str, Any]:
    """An export file as the seeding reads it: the item's keys and its one version's content."""
    if data.get("format") != FORMAT or len(data.get("versions", ())) != 1:
        raise ValueError(f"{data.get('code')}: not a one-version {FORMAT} export")
    return {
        "code": data["code"],
        "department": data["department"],
        "topic": data["topic"],
        "version": data["versions"][0],
    }


@cache
def _catalogue() -> tuple[tuple[str, dict[str, Any]], ...]:
    index = json.loads((CATALOGUE_DIR / "index.json").read_text(encoding="utf-8"))
    return tuple(
        (entry["name"], _spec(json.loads((CATALOGUE_DIR / entry["file"]).read_text("utf-8"))))
        for entry in index
    )


# The company registration comes first: other services' materials cite the licence it issues.
DEMO_SERVICES: tuple[dict[str, Any], ...] = tuple(spec for _name, spec in _catalogue())


def __getattr__(name: str) -> dict[str, Any]:
    """``FOOD_BUSINESS_LICENCE`` and the other services by the names the Python catalogue had."""
    for known, spec in _catalogue():
        if known == name:
            return spec
    raise AttributeError(name)


def _seed_service(spec: dict, *, actor) -> bool:
    """Bring one service to the content above; True when anything was created or published."""
    department = Department.objects.get(code=spec["department"])
    item = ServiceItem.objects.select_for_update().filter(code=spec["code"]).first()
    item_changed = False
    if item is None:
        item = ServiceItem.objects.create(
            code=spec["code"], department=department, topic=spec["topic"]
        )
        audit_record(
            action="catalogue.item_created",
            actor=actor,
            obj=item,
            changes={"code": [None, item.code], "department": [None, department.code]},
            reason="demo catalogue",
        )
        item_changed = True
    elif (item.department_id, item.topic) != (department.pk, spec["topic"]):
        before = {"department": item.department.code, "topic": item.topic}
        item.department, item.topic = department, spec["topic"]
        item.save(update_fields=["department", "topic"])
        audit_record(
            action="catalogue.item_changed",
            actor=actor,
            obj=item,
            changes={
                "department": [before["department"], department.code],
                "topic": [before["topic"], item.topic],
            },
            reason="demo catalogue",
        )
        item_changed = True
    draft = DraftContent(item, spec["version"], spec["code"])
    draft.problems.raise_if_any()
    published = item.versions.filter(status=VersionStatus.PUBLISHED).first()
    if published is not None and version_content(published, template_names=False) == (
        draft.content()
    ):
        return item_changed
    version = draft.save_draft()
    audit_record(
        action="catalogue.drafted",
        actor=actor,
        obj=version,
        changes={"item": [None, item.code], "number": [None, version.number]},
        reason="demo catalogue",
    )
    service_version_publish(actor=actor, version=version)
    return True


@transaction.atomic
def seed_catalogue(*, actor=None) -> int:
    """Publish the demo catalogue; the number of services created or changed (0 when it is
    already in place). The demo departments must exist (``seed_demo`` creates them first)."""
    return sum(_seed_service(spec, actor=actor) for spec in DEMO_SERVICES)


def demo_themes() -> list[dict[str, Any]]:
    """The demo themes' export files, in file name order."""
    themes = []
    for path in sorted(THEMES_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != THEME_FORMAT or len(data.get("versions", ())) != 1:
            raise ValueError(f"{path.name}: not a one-version {THEME_FORMAT} export")
        themes.append(data)
    return themes


def _seed_theme(data: dict, *, actor) -> bool:
    """Bring one theme to the file's content; True when anything was created or published."""
    item = ThemeItem.objects.select_for_update().filter(code=data["code"]).first()
    created = item is None
    if created:
        item = ThemeItem.objects.create(code=data["code"])
        audit_record(
            action="theme.item_created",
            actor=actor,
            obj=item,
            changes={"code": [None, item.code]},
            reason="demo catalogue",
        )
    draft = ThemeDraftContent(item, data["versions"][0], data["code"])
    draft.problems.raise_if_any()
    published = item.versions.filter(status=VersionStatus.PUBLISHED).first()
    if published is not None and theme_version_content(published) == draft.content():
        return created
    version = draft.save_draft()
    audit_record(
        action="theme.drafted",
        actor=actor,
        obj=version,
        changes={"item": [None, item.code], "number": [None, version.number]},
        reason="demo catalogue",
    )
    theme_version_publish(actor=actor, version=version)
    return True


@transaction.atomic
def seed_themes(*, actor=None) -> int:
    """Publish the demo themes (after ``seed_catalogue``: their members are its services); the
    number of themes created or changed (0 when they are already in place)."""
    return sum(_seed_theme(data, actor=actor) for data in demo_themes())
