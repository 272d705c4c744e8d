"""Drafting, publishing and retiring service versions (the catalogue administrator's use cases).

A published version never changes (an application keeps the version it was filed under): a change
to a service is a new draft, which is checked in full when it is published and then replaces the
version published before it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.domain.guide_details import GUIDE_LIST_FIELDS, guide_list_problems
from approvals.domain.service_search import search_document
from approvals.models import (
    GuideForm,
    Material,
    ServiceItem,
    ServiceSearchDocument,
    ServiceVersion,
    VersionStatus,
)
from approvals.selectors import policy
from audit.chain import audit_record

# Where to go (Art. 30 and practice): plain texts on the version.
GUIDE_DETAIL_TEXT_FIELDS = (
    "window_address_zh",
    "window_address_en",
    "opening_hours_zh",
    "opening_hours_en",
    "window_phone",
    "transit_zh",
    "transit_en",
)
# The content of a version that a new draft copies (everything but identity and lifecycle).
CONTENT_FIELDS = (
    "name_zh",
    "name_en",
    "item_type",
    "for_persons",
    "for_businesses",
    "legal_basis_zh",
    "legal_basis_en",
    "conditions_zh",
    "conditions_en",
    "procedure_zh",
    "procedure_en",
    "statutory_limit_days",
    "promised_limit_days",
    "fee_amount",
    "fee_basis_zh",
    "fee_basis_en",
    "search_keywords_zh",
    "search_keywords_en",
    "on_the_spot",
    *GUIDE_DETAIL_TEXT_FIELDS,
    "visits_needed",
    "channels",
    "faq",
    "legal_basis_links",
    "licence_valid_years",
    "certificate_name_zh",
    "certificate_name_en",
    "form_schema",
    "workflow_definition",
    "commitment_scheme",
)
MATERIAL_FIELDS = (
    "key",
    "position",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "required",
    "medium",
    "template",
    "reusable_licence_item_code",
)
GUIDE_FORM_FIELDS = ("key", "position", "kind", "name_zh", "name_en", "file")


def require_catalogue_actor(actor) -> None:
    # ``actor=None`` is the system itself: a management command run by the operator, or seeding.
    if actor is not None:
        policy.require_catalogue_admin(actor)


def next_version_number(item: ServiceItem) -> int:
    return (item.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1


@transaction.atomic
def service_version_draft(
    *, actor, item: ServiceItem, from_version: ServiceVersion | None = None
) -> ServiceVersion:
    """A new draft of ``item`` with the next number, copying the content and materials of
    ``from_version`` (by default the latest version)."""
    require_catalogue_actor(actor)
    # Locking the item serialises drafts of one item, so that two never take the same number.
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    source = from_version or item.versions.order_by("-number").first()
    if source is None:
        raise ValidationError(_("This service has no version to copy yet; add one first."))
    if source.item_id != item.pk:
        raise ValidationError(_("The version to copy belongs to another service."))
    draft = ServiceVersion(
        item=item,
        number=next_version_number(item),
        status=VersionStatus.DRAFT,
        **{name: getattr(source, name) for name in CONTENT_FIELDS},
    )
    draft.save()
    draft.co_departments.set(source.co_departments.all())
    Material.objects.bulk_create(
        Material(version=draft, **{name: getattr(material, name) for name in MATERIAL_FIELDS})
        for material in source.materials.all()
    )
    # The files are shared, not copied: a stored file is never changed or deleted.
    GuideForm.objects.bulk_create(
        GuideForm(version=draft, **{name: getattr(form, name) for name in GUIDE_FORM_FIELDS})
        for form in source.guide_forms.all()
    )
    audit_record(
        action="catalogue.drafted",
        actor=actor,
        obj=draft,
        changes={"item": [None, item.code], "number": [None, draft.number]},
        reason=f"copy of version {source.number}",
    )
    return draft


def version_problems(version: ServiceVersion, materials: list[Material]) -> dict[str, list[str]]:
    """Everything that keeps ``version`` (with ``materials``) from being published, by field;
    empty when it may be published."""
    from approvals.domain.workflow import DefinitionError, parse_definition
    from approvals.dynamic_forms import check_form_schema

    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    try:
        # The model's clean() words the limit and applicant-kind rules better than the
        # constraints would.
        version.full_clean(
            exclude=["item", "number", "form_schema", "workflow_definition"],
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(field, message)
    for field in ("statutory_limit_days", "promised_limit_days"):
        if getattr(version, field) is not None and getattr(version, field) < 1:
            # Even a matter handled on the spot is tracked against a limit of one working day.
            add(field, _("A time limit is at least one working day."))
    if version.fee_amount is not None and version.fee_amount < 0:
        add("fee_amount", _("The fee cannot be negative."))
    if (
        version.fee_amount
        and version.fee_amount > 0
        and not (version.fee_basis_zh.strip() and version.fee_basis_en.strip())
    ):
        # Art. 58: a fee needs a legal basis, and the guide states it.
        add("fee_basis_en", _("A fee needs its legal basis, in Chinese and in English."))

    for problem in check_form_schema(version.form_schema):
        add("form_schema", problem)
    for field in GUIDE_LIST_FIELDS:
        for problem in guide_list_problems(field, getattr(version, field)):
            add(field, problem)

    try:
        definition = parse_definition(version.workflow_definition)
    except DefinitionError as exc:
        for problem in exc.problems:
            add("workflow_definition", str(problem))
    else:
        from accounts.models import Department

        wanted = {branch.department for stage in definition.stages for branch in stage.branches}
        known = set(
            Department.objects.filter(code__in=wanted, is_active=True).values_list(
                "code", flat=True
            )
        )
        for code in sorted(wanted - known):
            add(
                "workflow_definition",
                _("No active department has the code “%(code)s”.") % {"code": code},
            )

    keys = [material.key for material in materials]
    scheme = version.commitment_scheme or {}
    properties = (version.form_schema or {}).get("properties", {})
    for key in scheme.get("replaces", []):
        if key not in keys:
            add(
                "commitment_scheme",
                _("The pledge replaces “%(key)s”, which is not a material.") % {"key": key},
            )
    for name in ("choice_field", "pledge_field"):
        if scheme and scheme.get(name) and scheme[name] not in properties:
            add(
                "commitment_scheme",
                _("The pledge names the field “%(name)s”, which the form does not have.")
                % {"name": scheme[name]},
            )
    for key in sorted({key for key in keys if keys.count(key) > 1}):
        add("materials", _("The material key “%(key)s” is used twice.") % {"key": key})
    licence_codes = {m.reusable_licence_item_code for m in materials} - {""}
    known_items = set(
        ServiceItem.objects.filter(code__in=licence_codes).values_list("code", flat=True)
    )
    for code in sorted(licence_codes - known_items - {version.item.code}):
        add(
            "materials",
            _("The licence that can stand in for a material names “%(code)s”, no such service.")
            % {"code": code},
        )
    return problems


def version_search_entries(version: ServiceVersion) -> list[list]:
    """The search words of ``version``: its names, keywords and synonyms, and item code."""
    return search_document(
        code=version.item.code,
        name_zh=version.name_zh,
        name_en=version.name_en,
        keywords_zh=version.search_keywords_zh,
        keywords_en=version.search_keywords_en,
    )


@transaction.atomic
def service_version_publish(*, actor, version: ServiceVersion) -> ServiceVersion:
    """Publish a draft after checking it in full; the version published before it is retired."""
    require_catalogue_actor(actor)
    ServiceItem.objects.select_for_update().get(pk=version.item_id)
    version = ServiceVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    problems = version_problems(version, list(version.materials.all()))
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    previous = (
        ServiceVersion.objects.select_for_update()
        .filter(item_id=version.item_id, status=VersionStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status, previous.retired_at = VersionStatus.RETIRED, now
        previous.save(update_fields=["status", "retired_at"])
        ServiceSearchDocument.objects.filter(version=previous).delete()
    version.status, version.published_at = VersionStatus.PUBLISHED, now
    version.save(update_fields=["status", "published_at"])
    # Segmented once here, so that no search segments a guide.
    ServiceSearchDocument.objects.create(version=version, entries=version_search_entries(version))
    audit_record(
        action="catalogue.published",
        actor=actor,
        obj=version,
        changes={
            "status": [VersionStatus.DRAFT, VersionStatus.PUBLISHED],
            "published_version": [previous.number if previous else None, version.number],
        },
        reason=version.item.code,
    )
    return version


@transaction.atomic
def service_version_retire(*, actor, version: ServiceVersion) -> ServiceVersion:
    """Withdraw a published version: the service is no longer offered until another is published.
    Applications filed under it keep it."""
    require_catalogue_actor(actor)
    version = ServiceVersion.objects.select_for_update().select_related("item").get(pk=version.pk)
    if version.status != VersionStatus.PUBLISHED:
        raise ValidationError(_("Only the published version can be retired."))
    version.status, version.retired_at = VersionStatus.RETIRED, timezone.now()
    version.save(update_fields=["status", "retired_at"])
    ServiceSearchDocument.objects.filter(version=version).delete()
    audit_record(
        action="catalogue.retired",
        actor=actor,
        obj=version,
        changes={"status": [VersionStatus.PUBLISHED, VersionStatus.RETIRED]},
        reason=version.item.code,
    )
    return version
