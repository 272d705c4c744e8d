"""Drafting, publishing and retiring 一件事 theme versions (the catalogue administrator's
use cases).

As with a service, a published theme version never changes (a case keeps the version it was
filed under): a change is a new draft, checked in full when it is published — the definition
holds together (``approvals.domain.themes.definition_problems``), every member's service is
published, and what the theme maps onto a member (shared fields, shared materials, the licence a
prerequisite stands in for) exists in that member's published version — and then replaces the
version published before it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.domain import themes
from approvals.dynamic_forms import check_form_schema
from approvals.models import (
    Material,
    ServiceVersion,
    ThemeItem,
    ThemeMember,
    ThemeVersion,
    VersionStatus,
)
from approvals.selectors.themes import LICENCE_ATTRIBUTES, domain_members, is_fixed
from approvals.services.catalogue import require_catalogue_actor
from audit.chain import audit_record

# The content of a theme version that a new draft copies (everything but identity and lifecycle).
THEME_CONTENT_FIELDS = (
    "name_zh",
    "name_en",
    "summary_zh",
    "summary_en",
    "for_persons",
    "for_businesses",
    "lead_department",
    "search_keywords_zh",
    "search_keywords_en",
    "questions",
    "shared_fields",
    "shared_materials",
)
THEME_MEMBER_FIELDS = (
    "key",
    "position",
    "service_item",
    "condition",
    "field_map",
    "material_map",
    "depends_on",
)


def next_theme_version_number(item: ThemeItem) -> int:
    return (item.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1


def _shared_fields_schema(shared_fields: list) -> dict:
    """The shared fields as a form schema of their own, so that the service forms' checks (types,
    titles in both languages, prefill sources) apply to them unchanged."""
    fields = [f for f in shared_fields if isinstance(f, dict) and isinstance(f.get("key"), str)]
    return {
        "type": "object",
        "properties": {f["key"]: f.get("schema") for f in fields},
        "required": [f["key"] for f in fields if f.get("required")],
        "x-steps": [
            {
                "key": "shared",
                "title": "Shared fields",
                "x-title-zh": "共用信息",
                "fields": [f["key"] for f in fields],
            }
        ],
    }


def _question_problems(questions: list) -> list[str]:
    problems = []
    for question in questions:
        if not isinstance(question, dict):
            problems.append(_("Every guiding question must be an object."))
            continue
        key = question.get("key")
        if not all(str(question.get(name) or "").strip() for name in ("text_zh", "text_en")):
            problems.append(
                _("The question “%(key)s” needs its text in Chinese and in English.") % {"key": key}
            )
        if question.get("kind") == "choice":
            choices = question.get("choices")
            if not isinstance(choices, list) or len(choices) < 2:
                problems.append(
                    _("The question “%(key)s” needs at least two choices.") % {"key": key}
                )
            elif not all(
                isinstance(c, dict) and "value" in c and c.get("label_zh") and c.get("label_en")
                for c in choices
            ):
                problems.append(
                    _("Each choice of “%(key)s” needs a value and labels in both languages.")
                    % {"key": key}
                )
    return problems


def _shape_problems(version: ThemeVersion) -> list[str]:
    problems = []
    for name in ("questions", "shared_fields", "shared_materials"):
        value = getattr(version, name)
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            problems.append(_("“%(name)s” must be a list of objects.") % {"name": name})
    return problems


def _member_shape_problems(member: ThemeMember) -> list[str]:
    problems = []
    for name in ("field_map", "material_map"):
        value = getattr(member, name) or {}
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            problems.append(
                _("Member “%(member)s”: “%(name)s” must map keys to keys.")
                % {"member": member.key, "name": name}
            )
    depends = member.depends_on or []
    if not isinstance(depends, list) or not all(
        isinstance(d, dict)
        and isinstance(d.get("member"), str)
        and isinstance(d.get("fill") or {}, dict)
        for d in depends
    ):
        problems.append(
            _("Member “%(member)s”: “waits for” must be a list of {member, cite_as}.")
            % {"member": member.key}
        )
    return problems


def _published_services(members: list[ThemeMember]) -> dict[int, ServiceVersion]:
    return {
        service.item_id: service
        for service in ServiceVersion.objects.filter(
            item__in=[m.service_item_id for m in members], status=VersionStatus.PUBLISHED
        ).prefetch_related(Prefetch("materials", Material.objects.order_by("position", "pk")))
    }


def theme_definition_problems(version: ThemeVersion, members: list[ThemeMember]) -> list[str]:
    """What is wrong with the theme's own definition, whatever the services it names: the shapes,
    the questions, the conditions and prerequisites, the shared fields' schemas (what an import
    checks before storing a draft)."""
    problems = _shape_problems(version)
    problems += [p for m in members for p in _member_shape_problems(m)]
    if problems:
        return problems
    if not members:
        problems.append(_("A theme needs at least one member service."))
    if not (version.for_persons or version.for_businesses):
        problems.append(_("Say who may apply: natural persons, businesses or both."))
    if not (version.name_zh.strip() and version.name_en.strip()):
        problems.append(_("A theme needs its name in Chinese and in English."))
    if version.lead_department_id and not version.lead_department.is_active:
        problems.append(_("The accepting window's department is not active."))
    problems += themes.definition_problems(
        questions=version.questions,
        shared_fields=version.shared_fields,
        shared_materials=version.shared_materials,
        members=domain_members(members),
    )
    problems += _question_problems(version.questions)
    if version.shared_fields:
        problems += [
            _("Shared fields: %(problem)s") % {"problem": problem}
            for problem in check_form_schema(_shared_fields_schema(version.shared_fields))
        ]
    return problems


def theme_version_problems(version: ThemeVersion, members: list[ThemeMember]) -> list[str]:
    """Everything that keeps ``version`` (with ``members``) from being published; empty when it
    may be published. Members are read against their services' versions published now."""
    problems = theme_definition_problems(version, members)
    if problems:
        return problems
    shared = {f["key"]: f for f in version.shared_fields}
    problems += [
        _("The fixed value of the shared field “%(key)s” is not one of its choices.") % {"key": key}
        for key, f in shared.items()
        if is_fixed(f) and not _value_fits(f.get("schema") or {}, f["value"])
    ]
    shared_materials = {m.get("key") for m in version.shared_materials}
    published = _published_services(members)
    for member in members:
        service = published.get(member.service_item_id)
        if service is None:
            problems.append(
                _("Member “%(member)s”: the service %(code)s has no published version.")
                % {"member": member.key, "code": member.service_item.code}
            )
            continue
        problems += _mapping_problems(member, service, shared, shared_materials)
    return problems


def _value_fits(schema: dict, value) -> bool:
    """Whether a fixed value is one the field accepts (its choices, or its type)."""
    if "enum" in schema:
        return value in schema["enum"]
    kinds = {"string": str, "boolean": bool, "integer": int, "number": (int, float)}
    kind = kinds.get(schema.get("type"))
    return kind is not None and isinstance(value, kind)


def _mapping_problems(
    member: ThemeMember, service: ServiceVersion, shared: dict, shared_materials: set
) -> list[str]:
    """What the theme maps onto ``member`` that its service's published version does not have."""
    problems = []
    properties = (service.form_schema or {}).get("properties", {})
    material_keys = {m.key for m in service.materials.all()}
    names = {"member": member.key, "code": service.item.code}
    for shared_key, target in (member.field_map or {}).items():
        if shared_key not in shared:
            problems.append(
                _("Member “%(member)s” maps “%(shared)s”, which is not a shared field.")
                % {**names, "shared": shared_key}
            )
        elif target not in properties:
            problems.append(
                _("Member “%(member)s”: the form of %(code)s has no field “%(target)s”.")
                % {**names, "target": target}
            )
        elif properties[target].get("type") != (shared[shared_key].get("schema") or {}).get("type"):
            problems.append(
                _(
                    "Member “%(member)s”: the shared field “%(shared)s” is of another type "
                    "than the field “%(target)s” of %(code)s."
                )
                % {**names, "shared": shared_key, "target": target}
            )
        elif is_fixed(shared[shared_key]) and not _value_fits(
            properties[target], shared[shared_key]["value"]
        ):
            problems.append(
                _(
                    "Member “%(member)s”: the field “%(target)s” of %(code)s does not accept "
                    "the fixed value of “%(shared)s”."
                )
                % {**names, "shared": shared_key, "target": target}
            )
    targets = list((member.material_map or {}).values())
    for shared, target in (member.material_map or {}).items():
        if shared not in shared_materials:
            problems.append(
                _("Member “%(member)s” maps “%(shared)s”, which is not a shared material.")
                % {**names, "shared": shared}
            )
        elif target not in material_keys:
            problems.append(
                _("Member “%(member)s”: %(code)s has no material “%(target)s”.")
                % {**names, "target": target}
            )
    for target in sorted({t for t in targets if targets.count(t) > 1}):
        problems.append(
            _("Member “%(member)s”: two shared materials cover “%(target)s”.")
            % {**names, "target": target}
        )
    for dependency in member.depends_on or []:
        for target, attribute in (dependency.get("fill") or {}).items():
            if (
                attribute not in LICENCE_ATTRIBUTES
                or properties.get(target, {}).get("type") != "string"
            ):
                problems.append(
                    _(
                        "Member “%(member)s” fills “%(target)s” from the licence of "
                        "“%(prerequisite)s”: %(code)s needs a text field of that name, and the "
                        "licence gives only %(attributes)s."
                    )
                    % {
                        **names,
                        "target": target,
                        "prerequisite": dependency["member"],
                        "attributes": ", ".join(LICENCE_ATTRIBUTES),
                    }
                )
        cite_as = dependency.get("cite_as") or ""
        if cite_as and cite_as not in material_keys:
            problems.append(
                _(
                    "Member “%(member)s” cites the licence of “%(prerequisite)s” as "
                    "“%(target)s”, which %(code)s does not ask for."
                )
                % {**names, "prerequisite": dependency["member"], "target": cite_as}
            )
    return problems


@transaction.atomic
def theme_version_publish(*, actor, version: ThemeVersion) -> ThemeVersion:
    """Publish a draft after checking it in full; the version published before it is retired."""
    require_catalogue_actor(actor)
    ThemeItem.objects.select_for_update().get(pk=version.item_id)
    version = (
        ThemeVersion.objects.select_for_update()
        .select_related("item", "lead_department")
        .get(pk=version.pk)
    )
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    members = list(version.members.select_related("service_item"))
    problems = theme_version_problems(version, members)
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    previous = (
        ThemeVersion.objects.select_for_update()
        .filter(item_id=version.item_id, status=VersionStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status, previous.retired_at = VersionStatus.RETIRED, now
        previous.save(update_fields=["status", "retired_at"])
    version.status, version.published_at = VersionStatus.PUBLISHED, now
    version.save(update_fields=["status", "published_at"])
    audit_record(
        action="theme.published",
        actor=actor,
        obj=version,
        changes={
            "status": [VersionStatus.DRAFT, VersionStatus.PUBLISHED],
            "published_version": [previous.number if previous else None, version.number],
            "members": [None, [m.key for m in members]],
        },
        reason=version.item.code,
    )
    return version


@transaction.atomic
def theme_version_retire(*, actor, version: ThemeVersion) -> ThemeVersion:
    """Withdraw a published theme: it is no longer offered until another version is published.
    Cases filed under it keep it."""
    require_catalogue_actor(actor)
    version = ThemeVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Only the published version can be retired."))
    version.status, version.retired_at = VersionStatus.RETIRED, timezone.now()
    version.save(update_fields=["status", "retired_at"])
    audit_record(
        action="theme.retired",
        actor=actor,
        obj=version,
        changes={"status": [VersionStatus.PUBLISHED, VersionStatus.RETIRED]},
        reason=version.item.code,
    )
    return version


@transaction.atomic
def theme_version_draft(
    *, actor, item: ThemeItem, from_version: ThemeVersion | None = None
) -> ThemeVersion:
    """A new draft of ``item`` with the next number, copying the content and members of
    ``from_version`` (by default the latest version)."""
    require_catalogue_actor(actor)
    # Locking the item serialises drafts of one theme, so that two never take the same number.
    item = ThemeItem.objects.select_for_update().get(pk=item.pk)
    source = from_version or item.versions.order_by("-number").first()
    if source is None:
        raise ValidationError(_("This theme has no version to copy yet; add one first."))
    if source.item_id != item.pk:
        raise ValidationError(_("The version to copy belongs to another theme."))
    draft = ThemeVersion.objects.create(
        item=item,
        number=next_theme_version_number(item),
        status=VersionStatus.DRAFT,
        **{name: getattr(source, name) for name in THEME_CONTENT_FIELDS},
    )
    ThemeMember.objects.bulk_create(
        ThemeMember(version=draft, **{name: getattr(member, name) for name in THEME_MEMBER_FIELDS})
        for member in source.members.all()
    )
    audit_record(
        action="theme.drafted",
        actor=actor,
        obj=draft,
        changes={"item": [None, item.code], "number": [None, draft.number]},
        reason=f"copy of version {source.number}",
    )
    return draft
