"""Moving a service between installations as JSON: ``export_service`` writes every version of a
service item with its materials; ``import_service`` reads such a file back as new DRAFT versions
(a published version is never altered; an administrator publishes the draft after a look).

Template files are not carried: the file keeps each material's template file name, and the
templates are uploaded again on the receiving installation. The guide's forms to download (样表 and
blank forms) are carried, base64-encoded, and inspected on import as any upload is
(``approvals.security.uploads``).
"""

from __future__ import annotations

import base64
import binascii
import decimal
import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accounts.models import Department
from approvals.models import (
    GuideForm,
    Material,
    ServiceItem,
    ServiceTopic,
    ServiceVersion,
    ThemeItem,
    ThemeMember,
    ThemeVersion,
    VersionStatus,
)
from approvals.security.uploads import UploadRejected, inspect_upload
from approvals.services.catalogue import (
    CONTENT_FIELDS,
    GUIDE_DETAIL_TEXT_FIELDS,
    next_version_number,
    require_catalogue_actor,
    version_problems,
)
from approvals.services.themes_catalogue import (
    THEME_CONTENT_FIELDS,
    next_theme_version_number,
    theme_definition_problems,
)
from audit.chain import audit_record

FORMAT = "portal-service/1"
TEMPLATES_NOTE = (
    "Template files are not included; upload them again after import. "
    "template_name gives each material's original template file name."
)
_TEXT_FIELDS = {
    "name_zh",
    "name_en",
    "item_type",
    "legal_basis_zh",
    "legal_basis_en",
    "conditions_zh",
    "conditions_en",
    "procedure_zh",
    "procedure_en",
    "fee_basis_zh",
    "fee_basis_en",
    "certificate_name_zh",
    "certificate_name_en",
    "search_keywords_zh",
    "search_keywords_en",
    *GUIDE_DETAIL_TEXT_FIELDS,
}
_BOOLEAN_FIELDS = {"for_persons", "for_businesses", "on_the_spot"}
_DAY_FIELDS = {"statutory_limit_days", "promised_limit_days"}
_MATERIAL_TEXT_FIELDS = {
    "key",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "medium",
    "reusable_licence_item_code",
}
_MATERIAL_FIELDS = _MATERIAL_TEXT_FIELDS | {"position", "required", "template_name"}
_VERSION_KEYS = set(CONTENT_FIELDS) | {
    "co_departments",
    "materials",
    "guide_forms",
    "number",
    "status",
}
_GUIDE_FORM_TEXT_FIELDS = {"key", "kind", "name_zh", "name_en", "file_name", "content_base64"}
_GUIDE_FORM_FIELDS = _GUIDE_FORM_TEXT_FIELDS | {"position"}
# A form to download is a page or two; the import file as a whole is limited by the admin.
GUIDE_FORM_MAX_BYTES = 5 * 1024 * 1024


# --- Export ---------------------------------------------------------------------------------------


def _fee(value) -> str:
    return f"{decimal.Decimal(value):.2f}"


def _material_content(material: Material, *, template_names: bool) -> dict[str, Any]:
    content = {
        "key": material.key,
        "position": material.position,
        "name_zh": material.name_zh,
        "name_en": material.name_en,
        "description_zh": material.description_zh,
        "description_en": material.description_en,
        "required": material.required,
        "medium": material.medium,
        "reusable_licence_item_code": material.reusable_licence_item_code,
    }
    if template_names:
        content["template_name"] = (
            os.path.basename(material.template.name) if material.template else ""
        )
    return content


def _guide_form_content(form: GuideForm, *, files: bool) -> dict[str, Any]:
    content = {
        "key": form.key,
        "position": form.position,
        "kind": form.kind,
        "name_zh": form.name_zh,
        "name_en": form.name_en,
    }
    if files:
        with form.file.open("rb") as handle:
            data = handle.read()
        content["file_name"] = os.path.basename(form.file.name)
        content["content_base64"] = base64.b64encode(data).decode("ascii")
    return content


def content_of(
    version: ServiceVersion,
    *,
    co_department_codes: list[str],
    materials: list[Material],
    guide_forms: list[GuideForm] = (),
    template_names: bool = True,
) -> dict[str, Any]:
    """The JSON form of a version's content (saved or not): what export writes and import reads.
    Without ``template_names``, no file names and no file content (for comparing content)."""
    content: dict[str, Any] = {name: getattr(version, name) for name in CONTENT_FIELDS}
    content["fee_amount"] = _fee(version.fee_amount)
    content["co_departments"] = sorted(co_department_codes)
    ordered = sorted(materials, key=lambda m: (m.position, m.key))
    content["materials"] = [_material_content(m, template_names=template_names) for m in ordered]
    content["guide_forms"] = [
        _guide_form_content(form, files=template_names)
        for form in sorted(guide_forms, key=lambda f: (f.position, f.key))
    ]
    return content


def version_content(version: ServiceVersion, *, template_names: bool = True) -> dict[str, Any]:
    return content_of(
        version,
        co_department_codes=[d.code for d in version.co_departments.all()],
        materials=list(version.materials.all()),
        guide_forms=list(version.guide_forms.all()),
        template_names=template_names,
    )


def export_service(item: ServiceItem) -> dict[str, Any]:
    """Every version of ``item``, oldest first, with its materials (template files omitted)."""
    versions = item.versions.order_by("number").prefetch_related(
        "co_departments", "materials", "guide_forms"
    )
    return {
        "format": FORMAT,
        "code": item.code,
        "department": item.department.code,
        "topic": item.topic,
        "note": TEMPLATES_NOTE,
        "versions": [
            {"number": v.number, "status": v.status, **version_content(v)} for v in versions
        ],
    }


# --- Import ---------------------------------------------------------------------------------------


class _Problems:
    def __init__(self):
        self.messages: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.messages.append(f"{path}: {message}")

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def _check_types(raw: dict, path: str, problems: _Problems, *, text, booleans, integers) -> None:
    for name in sorted(raw.keys() & text):
        if not isinstance(raw[name], str):
            problems.add(f"{path}.{name}", _("must be text"))
    for name in sorted(raw.keys() & booleans):
        if not isinstance(raw[name], bool):
            problems.add(f"{path}.{name}", _("must be true or false"))
    for name in sorted(raw.keys() & integers):
        if type(raw[name]) is not int or raw[name] < 0:
            problems.add(f"{path}.{name}", _("must be a whole number, zero or more"))


def _unknown_keys(raw: dict, allowed: set[str], path: str, problems: _Problems) -> None:
    for name in sorted(raw.keys() - allowed, key=str):
        problems.add(f"{path}.{name}", _("is not a known field"))


def _fits(
    raw: Any, path: str, problems: _Problems, allowed: set[str], required=(), **types
) -> bool:
    """Whether ``raw`` is an object of known fields, the ``required`` ones present, each of its
    type (``text``, ``booleans``, ``integers`` as for ``_check_types``); problems noted."""
    if not isinstance(raw, dict):
        problems.add(path, _("must be an object"))
        return False
    before = len(problems.messages)
    _unknown_keys(raw, allowed, path, problems)
    for name in required:
        if name not in raw:
            problems.add(f"{path}.{name}", _("is required"))
    _check_types(raw, path, problems, **{"booleans": set(), "integers": set(), **types})
    return len(problems.messages) == before


class DraftContent:
    """A version's content read from JSON into unsaved rows, with every problem found."""

    def __init__(self, item: ServiceItem, raw: Any, path: str):
        self.item = item
        self.problems = _Problems()
        self.version: ServiceVersion | None = None
        self.co_departments: list[Department] = []
        self.materials: list[Material] = []
        self.guide_forms: list[GuideForm] = []
        self._read(raw, path)

    def _read(self, raw: Any, path: str) -> None:
        problems = self.problems
        if not isinstance(raw, dict):
            problems.add(path, _("must be an object"))
            return
        _fits(
            raw,
            path,
            problems,
            _VERSION_KEYS,
            ("name_zh", "name_en", "item_type", "statutory_limit_days"),
            text=_TEXT_FIELDS,
            booleans=_BOOLEAN_FIELDS,
            integers=_DAY_FIELDS,
        )
        years = raw.get("licence_valid_years")
        if years is not None and (type(years) is not int or not 1 <= years <= 99):
            problems.add(
                f"{path}.licence_valid_years",
                _("must be a number of years from 1 to 99, or null for a licence without end"),
            )
        for name in ("form_schema", "workflow_definition", "commitment_scheme"):
            if name in raw and not isinstance(raw[name], dict):
                problems.add(f"{path}.{name}", _("must be an object"))
        try:
            fee = decimal.Decimal(str(raw.get("fee_amount", "0")))
            if not fee.is_finite():
                raise decimal.InvalidOperation
        except decimal.InvalidOperation:
            problems.add(f"{path}.fee_amount", _("must be an amount in yuan"))
            fee = decimal.Decimal(0)
        codes = raw.get("co_departments", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            problems.add(f"{path}.co_departments", _("must be a list of department codes"))
            codes = []
        raw_materials = raw.get("materials", [])
        if not isinstance(raw_materials, list):
            problems.add(f"{path}.materials", _("must be a list"))
            raw_materials = []
        raw_forms = raw.get("guide_forms", [])
        if not isinstance(raw_forms, list):
            problems.add(f"{path}.guide_forms", _("must be a list"))
            raw_forms = []
        visits = raw.get("visits_needed")
        if visits is not None and (type(visits) is not int or not 0 <= visits <= 99):
            problems.add(
                f"{path}.visits_needed",
                _("must be a number of trips from 0 to 99, or null when not stated"),
            )
        if problems.messages:
            return
        fields = {name: raw[name] for name in CONTENT_FIELDS if name in raw}
        fields.setdefault("promised_limit_days", raw["statutory_limit_days"])
        fields["fee_amount"] = fee
        self.version = ServiceVersion(item=self.item, status=VersionStatus.DRAFT, **fields)
        departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
        for code in codes:
            if code not in departments:
                problems.add(
                    f"{path}.co_departments",
                    _("no department has the code “%(code)s”") % {"code": code},
                )
        self.co_departments = list(departments.values())
        for index, raw_material in enumerate(raw_materials):
            self._read_material(raw_material, f"{path}.materials[{index}]", index)
        for index, raw_form in enumerate(raw_forms):
            self._read_guide_form(raw_form, f"{path}.guide_forms[{index}]", index)
        keys = [form.key for form in self.guide_forms]
        for key in sorted({key for key in keys if keys.count(key) > 1}):
            problems.add(
                f"{path}.guide_forms", _("The form key “%(key)s” is used twice.") % {"key": key}
            )
        for field, messages in version_problems(self.version, self.materials).items():
            for message in messages:
                problems.add(f"{path}.{field}", message)

    def _row_fits(self, raw: Any, path: str, allowed: set[str], **types) -> bool:
        """Whether ``raw`` is an object of known fields of the right types (problems noted)."""
        return _fits(raw, path, self.problems, allowed, **types)

    def _row_is_clean(self, row, path: str, exclude: list[str]) -> bool:
        """The model's own field checks on an unsaved row (problems noted)."""
        try:
            row.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.problems.add(f"{path}.{field}", message)
            return False
        return True

    def _read_material(self, raw: Any, path: str, index: int) -> None:
        if not self._row_fits(
            raw,
            path,
            _MATERIAL_FIELDS,
            text=_MATERIAL_TEXT_FIELDS | {"template_name"},
            booleans={"required"},
            integers={"position"},
        ):
            return
        fields = {name: raw[name] for name in _MATERIAL_FIELDS - {"template_name"} if name in raw}
        fields.setdefault("position", index + 1)
        material = Material(version=self.version, **fields)
        if self._row_is_clean(material, path, ["version", "template"]):
            self.materials.append(material)

    def _read_guide_form(self, raw: Any, path: str, index: int) -> None:
        problems = self.problems
        if not self._row_fits(
            raw,
            path,
            _GUIDE_FORM_FIELDS,
            text=_GUIDE_FORM_TEXT_FIELDS,
            booleans=set(),
            integers={"position"},
        ):
            return
        missing = [
            n for n in ("key", "kind", "name_zh", "name_en", "content_base64") if n not in raw
        ]
        for name in missing:
            problems.add(f"{path}.{name}", _("is required"))
        if missing:
            return
        try:
            data = base64.b64decode(raw["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            problems.add(f"{path}.content_base64", _("is not base64"))
            return
        # The file is as hostile as any upload: the same inspection (type from the content, no
        # active PDF content, no polyglots), and it is stored under a generated name.
        upload = ContentFile(data, name=raw.get("file_name") or "form")
        try:
            inspected = inspect_upload(upload, max_bytes=GUIDE_FORM_MAX_BYTES)
        except UploadRejected as exc:
            problems.add(f"{path}.content_base64", exc.message)
            return
        fields = {name: raw[name] for name in ("key", "kind", "name_zh", "name_en")}
        form = GuideForm(version=self.version, position=raw.get("position", index + 1), **fields)
        if self._row_is_clean(form, path, ["version", "file"]):
            form.file = ContentFile(data, name=f"form.{inspected.extension}")
            self.guide_forms.append(form)

    def content(self) -> dict[str, Any]:
        """The content in export form, for comparing with a stored version."""
        return content_of(
            self.version,
            co_department_codes=[d.code for d in self.co_departments],
            materials=self.materials,
            guide_forms=self.guide_forms,
            template_names=False,
        )

    def save_draft(self) -> ServiceVersion:
        """Store the content as the item's next draft version (the item must be locked)."""
        self.problems.raise_if_any()
        version = self.version
        version.number = next_version_number(self.item)
        version.save()
        version.co_departments.set(self.co_departments)
        for material in self.materials:
            material.version = version
        Material.objects.bulk_create(self.materials)
        for form in self.guide_forms:
            form.version = version
            form.save()  # one by one: each stores its file
        return version


def _read_item(data: Any, problems: _Problems) -> tuple[str, Department | None, str]:
    if not isinstance(data, dict):
        problems.add("$", _("must be an object"))
        problems.raise_if_any()
    if data.get("format", FORMAT) != FORMAT:
        problems.add("$.format", _("unknown format; expected “%(format)s”") % {"format": FORMAT})
    _unknown_keys(
        data, {"format", "code", "department", "topic", "note", "versions"}, "$", problems
    )
    _check_code_and_versions(
        data, problems, max_length=ServiceItem._meta.get_field("code").max_length
    )
    code = data.get("code")
    topic = data.get("topic")
    if topic not in ServiceTopic.values:
        problems.add(
            "$.topic", _("must be one of: %(topics)s") % {"topics": ", ".join(ServiceTopic.values)}
        )
    department = Department.objects.filter(code=data.get("department")).first()
    if department is None:
        problems.add(
            "$.department",
            _("no department has the code “%(code)s”") % {"code": data.get("department")},
        )
    problems.raise_if_any()
    return code, department, topic


def _check_code_and_versions(data: dict, problems: _Problems, *, max_length: int) -> None:
    code = data.get("code")
    if not isinstance(code, str) or not code.strip():
        problems.add("$.code", _("is required"))
    elif len(code) > max_length:
        problems.add("$.code", _("is too long"))
    versions = data.get("versions")
    if not isinstance(versions, list) or not versions:
        problems.add("$.versions", _("must be a non-empty list of versions"))


def _save_drafts(item, versions: list, reader, problems: _Problems) -> list[int]:
    """Every version read by ``reader`` (oldest number first) and stored as a new draft of
    ``item`` when none has a problem; the new drafts' numbers."""
    ordered = sorted(
        enumerate(versions),
        key=lambda pair: pair[1].get("number", 0) if isinstance(pair[1], dict) else 0,
    )
    drafts = [reader(item, raw, f"$.versions[{index}]") for index, raw in ordered]
    for draft in drafts:
        problems.messages += draft.problems.messages
    problems.raise_if_any()
    return [draft.save_draft().number for draft in drafts]


@transaction.atomic
def import_service(data: Any, *, actor) -> ServiceItem:
    """Create the service item if this installation lacks it, and add every version in ``data``
    as a new draft. Nothing is stored unless everything is valid. The returned item's
    ``imported_numbers`` lists the new draft versions."""
    require_catalogue_actor(actor)
    problems = _Problems()
    code, department, topic = _read_item(data, problems)
    item = ServiceItem.objects.select_for_update().filter(code=code).first()
    created = item is None
    if created:
        item = ServiceItem(code=code, department=department, topic=topic)
        item.full_clean()
        item.save()
    numbers = _save_drafts(item, data["versions"], DraftContent, problems)
    audit_record(
        action="catalogue.imported",
        actor=actor,
        obj=item,
        changes={"item_created": [None, created], "draft_versions": [None, numbers]},
        reason=code,
    )
    item.imported_numbers = numbers
    return item


# --- 一件事 themes --------------------------------------------------------------------------------
# A theme travels as ``portal-theme/1``: every version with its questions, shared fields and
# materials, and its members. Member services are named by item code and the accepting window by
# department code, so the file means the same on an installation with other row ids; the services
# must exist there (import them first). A theme's definition is checked on import; whether the
# members' published versions have what the theme maps onto them is checked when it is published.

THEME_FORMAT = "portal-theme/1"
_THEME_TEXT_FIELDS = {
    "name_zh",
    "name_en",
    "summary_zh",
    "summary_en",
    "search_keywords_zh",
    "search_keywords_en",
    "lead_department",
}
_THEME_LIST_FIELDS = ("questions", "shared_fields", "shared_materials")
_THEME_VERSION_KEYS = (
    _THEME_TEXT_FIELDS
    | {"for_persons", "for_businesses", "members", "number", "status"}
    | set(_THEME_LIST_FIELDS)
)
_THEME_MEMBER_KEYS = {
    "key",
    "position",
    "service",
    "condition",
    "field_map",
    "material_map",
    "depends_on",
}


def _theme_member_content(member: ThemeMember, service_code: str) -> dict[str, Any]:
    return {
        "key": member.key,
        "position": member.position,
        "service": service_code,
        "condition": member.condition or {},
        "field_map": member.field_map or {},
        "material_map": member.material_map or {},
        "depends_on": member.depends_on or [],
    }


def theme_content_of(
    version: ThemeVersion, *, department_code: str, members: list[tuple[ThemeMember, str]]
) -> dict[str, Any]:
    """The JSON form of a theme version's content (saved or not), ``members`` as (member, service
    item code) pairs: what export writes and import reads."""
    content: dict[str, Any] = {
        name: getattr(version, name) for name in sorted(_THEME_TEXT_FIELDS - {"lead_department"})
    }
    content.update(
        for_persons=version.for_persons,
        for_businesses=version.for_businesses,
        lead_department=department_code,
        **{name: getattr(version, name) for name in _THEME_LIST_FIELDS},
    )
    ordered = sorted(members, key=lambda pair: (pair[0].position, pair[0].key))
    content["members"] = [_theme_member_content(member, code) for member, code in ordered]
    return content


def theme_version_content(version: ThemeVersion) -> dict[str, Any]:
    return theme_content_of(
        version,
        department_code=version.lead_department.code,
        members=[(m, m.service_item.code) for m in version.members.all()],
    )


def export_theme(item: ThemeItem) -> dict[str, Any]:
    """Every version of the theme ``item``, oldest first, with its members."""
    versions = (
        item.versions.order_by("number")
        .select_related("lead_department")
        .prefetch_related(Prefetch("members", ThemeMember.objects.select_related("service_item")))
    )
    return {
        "format": THEME_FORMAT,
        "code": item.code,
        "versions": [
            {"number": v.number, "status": v.status, **theme_version_content(v)} for v in versions
        ],
    }


class ThemeDraftContent:
    """A theme version's content read from JSON into unsaved rows, with every problem found."""

    def __init__(self, item: ThemeItem, raw: Any, path: str):
        self.item = item
        self.problems = _Problems()
        self.version: ThemeVersion | None = None
        self.members: list[ThemeMember] = []
        self._read(raw, path)

    def _read(self, raw: Any, path: str) -> None:
        problems = self.problems
        if not _fits(
            raw,
            path,
            problems,
            _THEME_VERSION_KEYS,
            ("name_zh", "name_en", "lead_department", "members"),
            text=_THEME_TEXT_FIELDS,
            booleans={"for_persons", "for_businesses"},
        ):
            return
        for name in (*_THEME_LIST_FIELDS, "members"):
            if name in raw and not isinstance(raw[name], list):
                problems.add(f"{path}.{name}", _("must be a list"))
        if problems.messages:
            return
        department = Department.objects.filter(code=raw["lead_department"]).first()
        if department is None:
            problems.add(
                f"{path}.lead_department",
                _("no department has the code “%(code)s”") % {"code": raw["lead_department"]},
            )
            return
        fields = {
            name: raw[name]
            for name in THEME_CONTENT_FIELDS
            if name in raw and name != "lead_department"
        }
        self.version = ThemeVersion(
            item=self.item, status=VersionStatus.DRAFT, lead_department=department, **fields
        )
        codes = {m.get("service") for m in raw["members"] if isinstance(m, dict)}
        services = {s.code: s for s in ServiceItem.objects.filter(code__in=[c for c in codes if c])}
        for index, raw_member in enumerate(raw["members"]):
            self._read_member(raw_member, f"{path}.members[{index}]", index, services)
        if problems.messages:
            return
        for message in theme_definition_problems(self.version, self.members):
            problems.add(path, message)

    def _read_member(self, raw: Any, path: str, index: int, services: dict) -> None:
        problems = self.problems
        fits = _fits(
            raw,
            path,
            problems,
            _THEME_MEMBER_KEYS,
            ("key", "service"),
            text={"key", "service"},
            integers={"position"},
        )
        if not fits:
            return
        before = len(problems.messages)
        for name in ("condition", "field_map", "material_map"):
            if name in raw and not isinstance(raw[name], dict):
                problems.add(f"{path}.{name}", _("must be an object"))
        if "depends_on" in raw and not isinstance(raw["depends_on"], list):
            problems.add(f"{path}.depends_on", _("must be a list"))
        if len(problems.messages) > before:
            return
        service = services.get(raw["service"])
        if service is None:
            problems.add(
                f"{path}.service",
                _("no service has the code “%(code)s”; import the service first")
                % {"code": raw["service"]},
            )
            return
        member = ThemeMember(
            version=self.version,
            key=raw["key"],
            position=raw.get("position", index),
            service_item=service,
            condition=raw.get("condition") or {},
            field_map=raw.get("field_map") or {},
            material_map=raw.get("material_map") or {},
            depends_on=raw.get("depends_on") or [],
        )
        try:
            # The maps may be empty (a member asked nothing shared); their shapes are checked with
            # the definition.
            member.full_clean(exclude=["version", "field_map"], validate_unique=False)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    problems.add(f"{path}.{field}", message)
            return
        self.members.append(member)

    def content(self) -> dict[str, Any]:
        """The content in export form, for comparing with a stored version."""
        return theme_content_of(
            self.version,
            department_code=self.version.lead_department.code,
            members=[(m, m.service_item.code) for m in self.members],
        )

    def save_draft(self) -> ThemeVersion:
        """Store the content as the theme's next draft version (the item must be locked)."""
        self.problems.raise_if_any()
        version = self.version
        version.number = next_theme_version_number(self.item)
        version.save()
        for member in self.members:
            member.version = version
        ThemeMember.objects.bulk_create(self.members)
        return version


@transaction.atomic
def import_theme(data: Any, *, actor) -> ThemeItem:
    """Create the theme if this installation lacks it, and add every version in ``data`` as a new
    draft. Nothing is stored unless everything is valid. The returned item's
    ``imported_numbers`` lists the new draft versions."""
    require_catalogue_actor(actor)
    problems = _Problems()
    if not isinstance(data, dict):
        problems.add("$", _("must be an object"))
        problems.raise_if_any()
    if data.get("format") != THEME_FORMAT:
        problems.add(
            "$.format", _("unknown format; expected “%(format)s”") % {"format": THEME_FORMAT}
        )
    _unknown_keys(data, {"format", "code", "note", "versions"}, "$", problems)
    _check_code_and_versions(
        data, problems, max_length=ThemeItem._meta.get_field("code").max_length
    )
    problems.raise_if_any()
    code, versions = data["code"], data["versions"]
    item = ThemeItem.objects.select_for_update().filter(code=code).first()
    created = item is None
    if created:
        item = ThemeItem.objects.create(code=code)
    numbers = _save_drafts(item, versions, ThemeDraftContent, problems)
    audit_record(
        action="theme.imported",
        actor=actor,
        obj=item,
        changes={"item_created": [None, created], "draft_versions": [None, numbers]},
        reason=code,
    )
    item.imported_numbers = numbers
    return item
