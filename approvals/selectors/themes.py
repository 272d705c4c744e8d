"""一件事 themes read for the guide, the form and the API: what applies to an applicant after the
guiding questions, and what they are asked — each shared field and material once.

``theme_plan(version, answers)`` is the one reading of a theme: the guide shows it, the case's
form asks what it lists, the submission files the members it names, and the burden count
(``faced_counts``) compares it with applying for the same members one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from approvals import dynamic_forms
from approvals.domain import themes
from approvals.models import (
    Material,
    ServiceVersion,
    ThemeMember,
    ThemeVersion,
    VersionStatus,
)
from approvals.models.catalogue import _bilingual


@dataclass
class MemberPlan:
    """One member that applies: its service's published version, and what the applicant is asked
    for it beyond the shared fields and materials."""

    member: ThemeMember
    version: ServiceVersion
    waits_for: list[str]
    # The member's form fields that no shared field answers, by step (step key → field names).
    own_fields: dict[str, list[str]]
    # The member's materials that no shared material covers and no prerequisite's licence stands
    # in for.
    own_materials: list[Material]
    # Member material key → the prerequisite member whose licence is cited for it (材料复用).
    cited_from: dict[str, str]
    # Member form field key → the shared field that answers it.
    shared_field_of: dict[str, str]
    # Member material key → the shared material that covers it.
    shared_material_of: dict[str, str]
    # Member form field key → the value the theme sets without asking (a shared field with a
    # fixed ``value``: the theme knows it — a restaurant is a catering business).
    fixed_values: dict = field(default_factory=dict)
    # Member form field key → (prerequisite member key, licence attribute): filled in from the
    # prerequisite's licence once it is issued (一数一源: a registration's licence number is the
    # credit code it assigns), never asked.
    from_licence: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.member.key


@dataclass
class SharedMaterial:
    """A material uploaded once, with the members that need it (in the plan's order)."""

    key: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    members: list[str]
    required: bool

    @property
    def name(self) -> str:
        return _bilingual(self, "name")

    @property
    def description(self) -> str:
        return _bilingual(self, "description")


@dataclass
class ThemePlan:
    version: ThemeVersion
    answers: dict
    members: list[MemberPlan]  # the members that apply, each after those it waits for
    skipped: list[ThemeMember]  # the members the answers do not need
    shared_fields: list[dict]  # those asked that an applying member uses, in declared order
    shared_materials: list[SharedMaterial]  # those at least one applying member needs
    statutory_days: int  # the longest chain of statutory limits (members run in parallel)
    promised_days: int
    sequential_statutory_days: int  # the same members one after another
    fee_total: Decimal
    departments: list = field(default_factory=list)
    # The shared fields with a fixed value an applying member uses (set, not asked).
    fixed_fields: list[dict] = field(default_factory=list)

    def member(self, key: str) -> MemberPlan:
        return next(plan for plan in self.members if plan.key == key)


def _published_theme_versions():
    return ThemeVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "item", "lead_department"
    )


def published_themes():
    """The themes open for applications, by code."""
    return _published_theme_versions().order_by("item__code")


def get_published_theme(code: str) -> ThemeVersion:
    """The published version of the theme ``code``, or 404."""
    version = _published_theme_versions().filter(item__code=code).first()
    if version is None:
        raise Http404
    return version


def is_fixed(shared_field: dict) -> bool:
    """Whether a shared field has a value the theme sets instead of asking."""
    return "value" in shared_field


# What a prerequisite's licence can fill into a member's form (``depends_on[].fill``).
LICENCE_ATTRIBUTES = ("number", "holder_name")


def values_from_licences(plan: MemberPlan, licences: dict) -> dict:
    """The member's fields its prerequisites' licences fill (``licences``: member key → Licence,
    those issued so far): what the progress files into a waiting member's application when it
    starts, beside the licence it cites (a registration's licence number is the credit code)."""
    return {
        target: getattr(licences[prerequisite], attribute)
        for target, (prerequisite, attribute) in plan.from_licence.items()
        if licences.get(prerequisite) is not None
    }


def _members_with_versions(version: ThemeVersion) -> list[tuple[ThemeMember, ServiceVersion]]:
    """The theme's members with their services' published versions (and those versions'
    materials and departments), in three queries whatever the number of members. A member whose
    service has no published version is left out: it cannot be applied for now."""
    members = list(version.members.select_related("service_item__department"))
    published = {
        service.item_id: service
        for service in ServiceVersion.objects.filter(
            item__in=[m.service_item_id for m in members], status=VersionStatus.PUBLISHED
        )
        .select_related("item__department")
        .prefetch_related(Prefetch("materials", Material.objects.order_by("position", "pk")))
    }
    return [(m, published[m.service_item_id]) for m in members if m.service_item_id in published]


def domain_members(members) -> list[themes.Member]:
    return [
        themes.Member(
            key=m.key,
            condition=m.condition or {},
            depends_on=tuple(d["member"] for d in m.depends_on or []),
        )
        for m in members
    ]


def theme_plan(version: ThemeVersion, answers: dict | None = None) -> ThemePlan:
    """What applies to ``answers`` (the guiding questions' answers) and what is asked for it."""
    answers = dict(answers or {})
    pairs = _members_with_versions(version)
    described = domain_members(m for m, _ in pairs)
    applying = themes.members_applying(described, answers)
    order = themes.start_order(described, applying)
    waits = themes.prerequisites(described, applying)
    by_key = {m.key: (m, service) for m, service in pairs}

    plans = [_member_plan(by_key[key][0], by_key[key][1], waits[key], version) for key in order]
    statutory = {key: by_key[key][1].statutory_limit_days for key in order}
    promised = {key: by_key[key][1].promised_limit_days for key in order}
    used_fields = {shared for plan in plans for shared in plan.shared_field_of.values()}
    departments = []
    for plan in plans:
        department = plan.version.item.department
        if department not in departments:
            departments.append(department)
    return ThemePlan(
        version=version,
        answers=answers,
        members=plans,
        skipped=[m for m, _ in pairs if m.key not in applying],
        shared_fields=[
            f for f in version.shared_fields if f["key"] in used_fields and not is_fixed(f)
        ],
        fixed_fields=[f for f in version.shared_fields if f["key"] in used_fields and is_fixed(f)],
        shared_materials=_shared_materials(version, plans),
        statutory_days=themes.longest_path(described, applying, statutory),
        promised_days=themes.longest_path(described, applying, promised),
        sequential_statutory_days=themes.sequential_total(order, statutory),
        fee_total=sum((plan.version.fee_amount for plan in plans), Decimal(0)),
        departments=departments,
    )


def _member_plan(
    member: ThemeMember, service: ServiceVersion, waits_for: list[str], version: ThemeVersion
) -> MemberPlan:
    declared_fields = {f["key"] for f in version.shared_fields}
    declared_materials = {m["key"] for m in version.shared_materials}
    shared_field_of = {
        target: shared for shared, target in member.field_map.items() if shared in declared_fields
    }
    shared_material_of = {
        target: shared
        for shared, target in (member.material_map or {}).items()
        if shared in declared_materials
    }
    cited_from = {
        d["cite_as"]: d["member"]
        for d in member.depends_on or []
        if d.get("cite_as") and d["member"] in waits_for
    }
    fixed = {f["key"]: f["value"] for f in version.shared_fields if is_fixed(f)}
    fixed_values = {
        target: fixed[shared] for target, shared in shared_field_of.items() if shared in fixed
    }
    from_licence = {
        target: (d["member"], attribute)
        for d in member.depends_on or []
        if d["member"] in waits_for
        for target, attribute in (d.get("fill") or {}).items()
    }
    own_fields = {
        step.key: [
            name for name in step.fields if name not in shared_field_of and name not in from_licence
        ]
        for step in dynamic_forms.steps(service.form_schema)
    }
    own_materials = [
        material
        for material in service.materials.all()
        if material.key not in shared_material_of and material.key not in cited_from
    ]
    return MemberPlan(
        member=member,
        version=service,
        waits_for=waits_for,
        own_fields={step: names for step, names in own_fields.items() if names},
        own_materials=own_materials,
        cited_from=cited_from,
        shared_field_of=shared_field_of,
        shared_material_of=shared_material_of,
        fixed_values=fixed_values,
        from_licence=from_licence,
    )


def _shared_materials(version: ThemeVersion, plans: list[MemberPlan]) -> list[SharedMaterial]:
    shared = []
    for declared in version.shared_materials:
        needing = [p for p in plans if declared["key"] in p.shared_material_of.values()]
        if not needing:
            continue
        required = any(
            material.required
            for plan in needing
            for material in plan.version.materials.all()
            if plan.shared_material_of.get(material.key) == declared["key"]
        )
        shared.append(
            SharedMaterial(
                key=declared["key"],
                name_zh=declared.get("name_zh", ""),
                name_en=declared.get("name_en", ""),
                description_zh=declared.get("description_zh", ""),
                description_en=declared.get("description_en", ""),
                members=[p.key for p in needing],
                required=required,
            )
        )
    return shared


@dataclass(frozen=True)
class Burden:
    fields: int
    uploads: int

    @property
    def total(self) -> int:
        return self.fields + self.uploads


def faced_counts(plan: ThemePlan) -> tuple[Burden, Burden]:
    """What the applicant faces for the theme (the questions, each shared field once, each
    member's own fields; each shared material once, each member's own materials) against the
    same members applied for one by one (every field of every form, every material slot)."""
    as_theme = Burden(
        fields=len(plan.version.questions)
        + len(plan.shared_fields)
        + sum(len(names) for p in plan.members for names in p.own_fields.values()),
        uploads=len(plan.shared_materials) + sum(len(p.own_materials) for p in plan.members),
    )
    one_by_one = Burden(
        fields=sum(
            len(step.fields)
            for p in plan.members
            for step in dynamic_forms.steps(p.version.form_schema)
        ),
        uploads=sum(len(p.version.materials.all()) for p in plan.members),
    )
    return as_theme, one_by_one


def theme_catalogue(query: str = ""):
    """The published themes for the public list, each with ``member_count``; with ``query``, those
    whose names or search keywords contain it (a handful of rows: a plain scan)."""
    versions = published_themes().annotate(member_count=Count("members"))
    query = query.strip()
    if query:
        versions = versions.filter(
            Q(name_zh__icontains=query)
            | Q(name_en__icontains=query)
            | Q(search_keywords_zh__icontains=query)
            | Q(search_keywords_en__icontains=query)
            | Q(item__code__iexact=query)
        )
    return versions
