"""The supervisors' admin (电子监察): the audit trail with filters that use its indexes, an
application's whole timeline, the chain's status with "verify now", and CSV export of a filtered
view (itself audited). Supervisors only view: nothing here adds, changes or deletes, and the
audit table refuses it at the database level as well.

Fast on millions of rows: no full count (``show_full_result_count = False``), a paginator that
counts at most ``COUNT_CAP`` rows, every filter an equality or range on an indexed column, and
exact-match search only.
"""

from __future__ import annotations

import csv
import datetime as dt
import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Department, User
from approvals.models import Application, RectificationTask, ServiceRating, SupervisionCard
from approvals.selectors import policy
from approvals.selectors.audit_labels import ACTION_LABELS, action_label, actor_display
from approvals.selectors.audit_trail import application_events, timeline_entries
from approvals.services.audit_trail import audit_chain_verify_request, audit_events_export
from approvals.services.case_files import case_file_open
from approvals.views.exports import csv_cell
from audit.admin import ReadOnlyAdminMixin
from audit.models import AuditCheckpoint, AuditEvent

COUNT_CAP = 10_000
# The events a timeline page shows (the admin lists' own page size).
TIMELINE_PAGE_SIZE = 100


class CappedPaginator(Paginator):
    """Counts no further than ``COUNT_CAP`` rows (``SELECT COUNT(*) FROM (… LIMIT n)``): the
    last page of a huge result is not reachable by number, but no page counts the table."""

    @cached_property
    def count(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()


# --- Filters -------------------------------------------------------------------------------------


class DepartmentFilter(admin.SimpleListFilter):
    title = _("department")
    parameter_name = "department"

    def lookups(self, request, model_admin):
        return [(str(d.pk), d.name) for d in Department.objects.filter(is_active=True)]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(actor_department_id=value) if value and value.isdigit() else queryset


class InputFilter(admin.SimpleListFilter):
    """A filter typed into a text box (the admin has none of its own)."""

    template = "admin/approvals/input_filter.html"
    input_type = "text"
    placeholder = ""

    def lookups(self, request, model_admin):
        return ()

    def has_output(self):
        return True

    def choices(self, changelist):
        others = [
            (key, value)
            for key, value in changelist.get_filters_params().items()
            if key != self.parameter_name
        ]
        yield {
            "query_parts": others,
            "value": self.value() or "",
            "input_type": self.input_type,
            "placeholder": self.placeholder,
            "parameter_name": self.parameter_name,
        }


_ACTION_OPTIONS: dict[str, list[tuple[str, str]]] = {}


def _action_options() -> list[tuple[str, str]]:
    """The actions with their labels, by label, sorted once per language (not on every page)."""
    language = get_language() or ""
    options = _ACTION_OPTIONS.get(language)
    if options is None:
        options = _ACTION_OPTIONS[language] = sorted(
            ((code, action_label(code)) for code in ACTION_LABELS), key=lambda c: c[1]
        )
    return options


class ActionFilter(InputFilter):
    """A choice among a hundred actions: one drop-down list, not a hundred links (which push
    every other filter off a phone's screen)."""

    title = _("action")
    parameter_name = "action"
    template = "admin/approvals/select_filter.html"

    def choices(self, changelist):
        for choice in super().choices(changelist):
            choice["options"] = _action_options()
            yield choice

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ActorFilter(InputFilter):
    title = _("actor (e-mail or user number)")
    parameter_name = "actor"

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(actor_id=int(value))
        user_id = User.objects.filter(email__iexact=value).values_list("pk", flat=True).first()
        return queryset.filter(actor_id=user_id) if user_id else queryset.none()


class ObjectFilter(InputFilter):
    title = _("object (type:number, e.g. approvals.application:12)")
    parameter_name = "object"
    placeholder = "approvals.application:12"

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        if not value:
            return queryset
        object_type, _sep, object_id = value.partition(":")
        queryset = queryset.filter(object_type=object_type.strip().lower())
        return queryset.filter(object_id=object_id.strip()) if object_id.strip() else queryset


class _DateFilter(InputFilter):
    input_type = "date"

    def day(self) -> dt.date | None:
        try:
            return parse_date((self.value() or "").strip())
        except ValueError:
            return None

    def start_of(self, day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class OccurredFromFilter(_DateFilter):
    title = _("from (date)")
    parameter_name = "occurred_from"

    def queryset(self, request, queryset):
        day = self.day()
        return queryset.filter(occurred_at__gte=self.start_of(day)) if day else queryset


class OccurredToFilter(_DateFilter):
    title = _("to (date, included)")
    parameter_name = "occurred_to"

    def queryset(self, request, queryset):
        day = self.day()
        if not day:
            return queryset
        return queryset.filter(occurred_at__lt=self.start_of(day + dt.timedelta(days=1)))


# --- The audit trail -----------------------------------------------------------------------------

CSV_COLUMNS = (
    "sequence",
    "occurred_at",
    "actor_label",
    "actor_role",
    "actor_department_id",
    "action",
    "action_label",
    "object_type",
    "object_id",
    "outcome",
    "reason",
    "changes",
    "client_ip",
    "request_id",
    "hash",
)


def may_read_audit_trail(request) -> bool:
    """``policy.may_read_audit_trail`` answered once per request: the admin asks every
    supervision model's permissions for its menu (twelve questions, one answer)."""
    answer = getattr(request, "_may_read_audit_trail", None)
    if answer is None:
        answer = request._may_read_audit_trail = policy.may_read_audit_trail(request.user)
    return answer


class SupervisorViewMixin:
    """Supervision records are read by supervisors holding an active position (or superusers),
    not by anyone who happens to keep the model permission (``policy.may_read_audit_trail``)."""

    def has_view_permission(self, request, obj=None):
        return may_read_audit_trail(request) and super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        return may_read_audit_trail(request) and super().has_module_permission(request)


class _Echo:
    def write(self, value):
        return value


@admin.register(AuditEvent)
class AuditEventAdmin(SupervisorViewMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "sequence",
        "occurred_at",
        "actor_name",
        "action_display",
        "object_ref",
        "outcome",
    )
    list_filter = (
        ActionFilter,
        DepartmentFilter,
        ActorFilter,
        ObjectFilter,
        OccurredFromFilter,
        OccurredToFilter,
        "outcome",
    )
    # Exact matches on indexed columns only: a substring search would scan the whole trail (the
    # actor is found with the actor filter, by e-mail address or user number).
    search_fields = ("=action", "=object_id", "=request_id")
    ordering = ("-sequence",)
    list_select_related = ("actor",)
    # Counting the whole trail on every page is slow once it holds millions of events.
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = CappedPaginator
    list_per_page = 50
    change_list_template = "admin/audit/auditevent/change_list.html"
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

    @admin.display(description=_("actor"))
    def actor_name(self, obj):
        """The person's name as supervisors know it, then the label stored with the event (user
        number and e-mail address at the time), which stays when the account is gone."""
        name = actor_display(obj)
        return name if obj.actor_id is None else f"{name} ({obj.actor_label})"

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, obj):
        label = action_label(obj.action)
        return label if label == obj.action else f"{label} ({obj.action})"

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

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("verify/", wrap(require_POST(self.verify_view)), name="audit_auditevent_verify"),
            path("export/", wrap(self.export_view), name="audit_auditevent_export"),
            path(
                "timeline/<int:application_pk>/",
                wrap(self.timeline_view),
                name="audit_auditevent_timeline",
            ),
            path("timeline/", wrap(self.timeline_lookup_view), name="audit_auditevent_find"),
            *super().get_urls(),
        ]

    def _require_view(self, request) -> None:
        if not self.has_view_permission(request):
            raise PermissionDenied

    def verify_view(self, request):
        self._require_view(request)
        audit_chain_verify_request(actor=request.user)
        messages.success(
            request,
            gettext(
                "The audit chain is being verified. The result is shown here when it is done: "
                "reload the page in a moment."
            ),
        )
        return redirect("admin:index")

    def export_view(self, request):
        self._require_view(request)
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request).select_related(None).order_by("sequence")
        audit_events_export(actor=request.user, filters=dict(request.GET.items()))
        writer = csv.writer(_Echo())

        def rows():
            yield writer.writerow(CSV_COLUMNS)
            for event in queryset.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        csv_cell(value)
                        for value in (
                            event.sequence,
                            event.occurred_at.isoformat(),
                            event.actor_label,
                            event.actor_role,
                            event.actor_department_id,
                            event.action,
                            action_label(event.action),
                            event.object_type,
                            event.object_id,
                            event.outcome,
                            event.reason,
                            json.dumps(event.changes, ensure_ascii=False, sort_keys=True),
                            event.client_ip,
                            event.request_id,
                            event.hash,
                        )
                    ]
                )

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="audit-events-{stamp}.csv"'
        return response

    def timeline_lookup_view(self, request):
        """Find an application by its tracking number, then show its timeline."""
        self._require_view(request)
        number = (request.GET.get("tracking_number") or "").strip()
        if number:
            application = Application.objects.filter(tracking_number=number).first()
            if application is not None:
                return redirect("admin:audit_auditevent_timeline", application.pk)
            messages.error(request, gettext("No application has that tracking number."))
        return redirect("admin:audit_auditevent_changelist")

    def timeline_view(self, request, application_pk: int):
        self._require_view(request)
        application = (
            Application.objects.select_related("service_version", "person", "business")
            .filter(pk=application_pk)
            .first()
        )
        if application is None:
            raise Http404
        case_file_open(actor=request.user, application=application, page="timeline")
        # A case read often, or worked long, holds hundreds of events: a page of them at a time,
        # oldest first, as the admin's lists are paged.
        page = Paginator(application_events(application), TIMELINE_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Timeline of %(number)s")
            % {"number": application.tracking_number or application.pk},
            "application": application,
            "entries": timeline_entries(page.object_list),
            "page": page,
            "changelist_url": reverse("admin:audit_auditevent_changelist"),
        }
        return TemplateResponse(request, "admin/audit/auditevent/timeline.html", context)


# --- Read-only views of what supervisors inspect -----------------------------------------------


class ReadOnlyAdmin(SupervisorViewMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    show_full_result_count = False
    paginator = CappedPaginator


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    """Supervisors look up an application and open its timeline; applications change only
    through the services (the lifecycle), never here."""

    list_display = (
        "tracking_number",
        "service_version",
        "applicant",
        "status",
        "submitted_at",
        "timeline",
    )
    list_filter = ("status",)
    search_fields = ("=tracking_number",)
    list_select_related = ("service_version__item", "person", "business")
    ordering = ("-pk",)
    fields = (
        "tracking_number",
        "service_version",
        "applicant",
        "status",
        "submitted_at",
        "received_on",
        "accepted_on",
        "decision_due_on",
        "promised_due_on",
        "decided_on",
        "timeline",
    )
    readonly_fields = fields

    @admin.display(description=_("applicant"))
    def applicant(self, obj):
        if obj.business_id:
            return obj.business.name
        return str(obj.person) if obj.person_id else "—"

    @admin.display(description=_("timeline"))
    def timeline(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:audit_auditevent_timeline", args=[obj.pk]),
            gettext("Timeline"),
        )


@admin.register(SupervisionCard)
class SupervisionCardAdmin(ReadOnlyAdmin):
    list_display = ("issued_on", "colour", "department", "application", "reason")
    list_filter = ("colour", "department")
    list_select_related = ("department", "application")
    ordering = ("-issued_on", "-pk")


@admin.register(ServiceRating)
class ServiceRatingAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "department", "application", "grade")
    list_filter = ("grade", "department")
    list_select_related = ("department", "application")
    fields = ("application", "department", "grade", "comment", "created_at")
    readonly_fields = fields


@admin.register(RectificationTask)
class RectificationTaskAdmin(ReadOnlyAdmin):
    list_display = ("due_on", "department", "status", "done_at")
    list_filter = ("status", "department")
    list_select_related = ("department",)


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "created_at", "head_hash", "key_id")
    fields = ("sequence", "head_hash", "created_at", "key_id", "signature")
    readonly_fields = fields
