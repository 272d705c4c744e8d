"""The licence register in the admin: read-only, for supervisors (电子监察). Revocation and
cancellation happen on the issuing department's pages, through the services that audit them."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from approvals.models import Licence
from approvals.selectors.licences import licence_status_reason
from audit.admin import ReadOnlyAdminMixin


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "holder_name",
        "item",
        "department",
        "valid_from",
        "valid_to",
        "status",
        "effective",
    )
    list_filter = ("status", "item", "department")
    search_fields = ("=number", "holder_name")
    list_select_related = ("item", "department")
    show_full_result_count = False
    list_per_page = 50
    fields = (
        "number",
        "application",
        "item",
        "department",
        "holder_kind",
        "holder_name",
        "scope_zh",
        "scope_en",
        "valid_from",
        "valid_to",
        "status",
        "effective",
        "supersedes",
        "reason_for_status",
        "status_changed_at",
        "status_changed_by",
        "reminders_sent",
        "issued_at",
    )
    readonly_fields = fields

    @admin.display(description=_("reason for the status"))
    def reason_for_status(self, obj):
        return licence_status_reason(obj)

    @admin.display(description=_("status today"))
    def effective(self, obj):
        return obj.effective_status_label
