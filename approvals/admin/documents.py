"""Issued documents in the admin: read-only (an issued document never changes; a correction is
a new edition issued by ``document_correct``), for supervisors to find a document by its number
or code and see its status, hash and seal."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from approvals.models import Document
from approvals.selectors.licences import document_status_reason
from audit.admin import ReadOnlyAdminMixin


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "kind", "edition", "status", "department", "issued_at", "signed")
    list_filter = ("kind", "status", "signed")
    # Exact matches only: they use the unique indexes.
    search_fields = ("=number", "=verification_code", "=application__tracking_number")
    list_select_related = ("department",)
    show_full_result_count = False
    fields = (
        "number",
        "kind",
        "edition",
        "supersedes",
        "application",
        "licence",
        "department",
        "verification_code",
        "status",
        "reason_for_status",
        "status_changed_at",
        "issued_by",
        "issued_at",
        "rendered_at",
        "signed",
        "sha256",
        "size",
        "source_key",
    )
    readonly_fields = fields

    @admin.display(description=_("reason for the status"))
    def reason_for_status(self, obj):
        return document_status_reason(obj)
