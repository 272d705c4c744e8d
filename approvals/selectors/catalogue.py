"""Reads of the public service catalogue: only published versions are ever shown to the public."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accounts.models import Department
from approvals.models import ApplicantKind, GuideForm, Material, ServiceVersion, VersionStatus


def _published() -> QuerySet[ServiceVersion]:
    return (
        ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("item", "item__department")
        .prefetch_related(
            "co_departments",
            Prefetch("materials", queryset=Material.objects.order_by("position", "pk")),
        )
    )


def _department_q(department: Department | str) -> Q:
    """Services the department implements or co-handles (并联审批)."""
    if isinstance(department, Department):
        implementing, co_handled = Q(item__department=department), Q(department=department)
    else:
        implementing, co_handled = (
            Q(item__department__code=department),
            Q(department__code=department),
        )
    co_versions = ServiceVersion.co_departments.through.objects.filter(co_handled).values(
        "serviceversion_id"
    )
    return implementing | Q(pk__in=co_versions)


def published_versions(
    *,
    query: str = "",
    department: Department | str | None = None,
    applicant_kind: str | None = None,
    topic: str | None = None,
) -> QuerySet[ServiceVersion]:
    """The published version of every service matching the search words (item code, Chinese or
    English name) and the filters, with departments and materials loaded."""
    versions = _published()
    for word in query.split():
        versions = versions.filter(
            Q(item__code__icontains=word) | Q(name_zh__icontains=word) | Q(name_en__icontains=word)
        )
    if department:
        versions = versions.filter(_department_q(department))
    if applicant_kind == ApplicantKind.PERSON:
        versions = versions.filter(for_persons=True)
    elif applicant_kind == ApplicantKind.BUSINESS:
        versions = versions.filter(for_businesses=True)
    if topic:
        versions = versions.filter(item__topic=topic)
    return versions.order_by("item__topic", "item__code")


def get_published_version(code: str) -> ServiceVersion:
    """The published version of the service with this item code, or 404."""
    version = _published().filter(item__code=code).first()
    if version is None:
        raise Http404("No published service with this code.")
    return version


def _published_part(model, code: str, key: str):
    """A keyed part (material, form) of the published version of a service, or 404."""
    part = (
        model.objects.filter(
            version__status=VersionStatus.PUBLISHED, version__item__code=code, key=key
        )
        .select_related("version__item")
        .first()
    )
    if part is None:
        raise Http404(f"No such {model._meta.model_name}.")
    return part


def get_published_material(code: str, key: str) -> Material:
    """A material of the published version of a service (for its template download), or 404."""
    return _published_part(Material, code, key)


def get_published_guide_form(code: str, key: str) -> GuideForm:
    """A form to download from the guide of a published version, or 404: the forms of drafts and
    retired versions are not reachable."""
    return _published_part(GuideForm, code, key)


def department_names(codes: set[str]) -> dict[str, str]:
    """The name (in the active language) of each department code in ``codes``."""
    if not codes:
        return {}
    return {d.code: d.name for d in Department.objects.filter(code__in=codes)}


def published_names(codes: set[str]) -> dict[str, str]:
    """The published name (in the active language) of each service item code in ``codes``."""
    if not codes:
        return {}
    return {
        version.item.code: version.name
        for version in ServiceVersion.objects.filter(
            status=VersionStatus.PUBLISHED, item__code__in=codes
        ).select_related("item")
    }


def guide_departments() -> QuerySet[Department]:
    """Departments that implement or co-handle at least one published service (the filter's
    choices)."""
    published = ServiceVersion.objects.filter(status=VersionStatus.PUBLISHED)
    return (
        Department.objects.filter(
            Q(service_items__versions__in=published) | Q(co_handled_versions__in=published)
        )
        .distinct()
        .order_by("code")
    )
