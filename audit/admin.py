"""Every change made through the Django admin leaves an audit event (STYLE.md: an audit trail that
covers the API but not the admin is a known pitfall).

``AuditedAdminMixin`` records ``admin.add``, ``admin.change`` and ``admin.delete`` with the object's
type and id and its changed fields as ``[before, after]``, in the same transaction as the change.
Inline objects get their own events. Identifiers are masked in what is recorded: the audit trail
is read by supervisors and must not become a second copy of personal data.
"""

import datetime
import decimal
import uuid

from django.contrib import admin
from django.db import models, router, transaction

from audit.chain import audit_record, field_changes
from personal_data.masking import mask_id_number, mask_mobile

ADMIN_ADD = "admin.add"
ADMIN_CHANGE = "admin.change"
ADMIN_DELETE = "admin.delete"
HIDDEN = "(hidden)"


def _plain(value):
    """A JSON-friendly form of a field value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # One instant, one spelling: the form's copy is in local time, the stored one in UTC.
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name or None
    return str(value)


def snapshot(obj: models.Model) -> dict:
    """The object's concrete field values (foreign keys as ids), keyed by field name."""
    return {field.name: _plain(field.value_from_object(obj)) for field in obj._meta.concrete_fields}


def _many_to_many_snapshot(obj: models.Model, names: list[str]) -> dict:
    if obj.pk is None:
        return {name: [] for name in names}
    return {
        name: sorted(getattr(obj, name).values_list("pk", flat=True), key=str) for name in names
    }


def mask_value(field_name: str, value):
    """What may be recorded of ``value``: ID numbers and mobile numbers masked, passwords and
    secrets hidden."""
    if value in (None, "", []):
        return value
    name = field_name.lower()
    if "password" in name or "secret" in name:
        return HIDDEN
    if "id_number" in name:
        return mask_id_number(str(value))
    if "mobile" in name:
        return mask_mobile(str(value))
    return value


def masked_changes(before: dict, after: dict) -> dict:
    """``field_changes`` worked out on the real values (so that a change hidden by the mask still
    shows up), then masked."""
    return {
        name: [mask_value(name, old), mask_value(name, new)]
        for name, (old, new) in field_changes(before, after).items()
    }


def record_admin_event(
    request, *, action: str, obj: models.Model, before: dict, after: dict, object_id=None
) -> None:
    audit_record(
        action=action,
        actor=request.user,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk if object_id is None else object_id),
        changes=masked_changes(before, after),
    )


class AuditedAdminMixin:
    """Mix into a ``ModelAdmin`` (before it in the bases) to audit every save and delete."""

    def save_model(self, request, obj, form, change):
        # The form has already copied the new values onto ``obj``: read the old ones back.
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        form._audit_before = snapshot(stored) if stored is not None else {}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # Django's own save_related, with the parent's event written between its many-to-many
        # fields and its inlines, so that the events read in the order of the change.
        obj = form.instance
        names = [field.name for field in obj._meta.many_to_many if field.name in form.fields]
        before = {**getattr(form, "_audit_before", {}), **_many_to_many_snapshot(obj, names)}
        form.save_m2m()
        after = {**snapshot(obj), **_many_to_many_snapshot(obj, names)}
        record_admin_event(
            request,
            action=ADMIN_CHANGE if change else ADMIN_ADD,
            obj=obj,
            before=before,
            after=after,
        )
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        existing = [f.instance for f in formset.initial_forms if f.instance.pk is not None]
        stored = {
            row.pk: snapshot(row)
            for row in formset.model._default_manager.filter(pk__in=[o.pk for o in existing])
        }
        # Deleting an object clears its pk; remember each one first.
        pk_of = {id(instance): instance.pk for instance in existing}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            record_admin_event(request, action=ADMIN_ADD, obj=obj, before={}, after=snapshot(obj))
        for obj, _changed_names in formset.changed_objects:
            record_admin_event(
                request,
                action=ADMIN_CHANGE,
                obj=obj,
                before=stored.get(obj.pk, {}),
                after=snapshot(obj),
            )
        for obj in formset.deleted_objects:
            pk = pk_of.get(id(obj), obj.pk)
            record_admin_event(
                request,
                action=ADMIN_DELETE,
                obj=obj,
                before=stored.get(pk, {}),
                after={},
                object_id=pk,
            )

    def delete_model(self, request, obj):
        pk, before = obj.pk, snapshot(obj)
        super().delete_model(request, obj)
        record_admin_event(
            request, action=ADMIN_DELETE, obj=obj, before=before, after={}, object_id=pk
        )

    def delete_queryset(self, request, queryset):
        # The "delete selected" action does not open a transaction of its own.
        with transaction.atomic(using=router.db_for_write(queryset.model)):
            doomed = [(obj, obj.pk, snapshot(obj)) for obj in queryset]
            super().delete_queryset(request, queryset)
            for obj, pk, before in doomed:
                record_admin_event(
                    request, action=ADMIN_DELETE, obj=obj, before=before, after={}, object_id=pk
                )


class ReadOnlyAdminMixin:
    """Records that only change through the services (or never): the admin shows them, nobody
    adds, changes or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    pass
