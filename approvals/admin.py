"""The admin for the approvals app. The audit trail is read-only here: nobody, not even a superuser,
adds, changes or deletes an audit event (the database refuses it as well)."""

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from approvals import (
    admin_api,  # noqa: F401  (registers the API credentials' and webhooks' admin)
    admin_calendar,  # noqa: F401  (registers the calendar's admin)
    admin_catalogue,  # noqa: F401  (registers the catalogue's admin)
)
from approvals.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("sequence", "occurred_at", "actor_label", "action", "object_ref", "outcome")
    list_filter = ("outcome",)
    # Exact matches only: they use the indexes; a substring search would scan the whole trail.
    search_fields = ("=action", "=object_id", "=actor_label", "=request_id")
    ordering = ("-sequence",)
    # Counting the whole trail on every page is slow once it holds millions of events.
    show_full_result_count = False
    list_per_page = 50
    fields = (
        "sequence",
        "occurred_at",
        "actor",
        "actor_label",
        "actor_role",
        "actor_department",
        "on_behalf_of",
        "client_ip",
        "request_id",
        "action",
        "object_type",
        "object_id",
        "changes_display",
        "reason",
        "outcome",
        "previous_hash",
        "hash",
    )
    readonly_fields = fields

    @admin.display(description=_("object"))
    def object_ref(self, obj):
        if not obj.object_type:
            return "—"
        return f"{obj.object_type}:{obj.object_id}"

    @admin.display(description=_("changes"))
    def changes_display(self, obj):
        return format_html(
            "<pre>{}</pre>", json.dumps(obj.changes, ensure_ascii=False, indent=2, sort_keys=True)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
