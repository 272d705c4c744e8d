"""The admin for the service catalogue: service items and their versions with materials.

Only a draft can be edited. A published or retired version opens read-only, materials included
(an application keeps the version it was filed under). The lifecycle goes through the catalogue
services, as admin actions: publish (which checks the whole version and retires the one before),
retire, and a new draft from a version. A service can be exported as JSON and imported on another
installation as new drafts. Every change is audited.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import transaction
from django.forms.fields import InvalidJSONInput
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.domain.guide_details import guide_list_problems
from approvals.models import GuideForm, Material, ServiceItem, ServiceVersion, VersionStatus
from approvals.security.uploads import UploadRejected, inspect_upload
from approvals.selectors import policy
from approvals.services.catalogue import (
    next_version_number,
    service_version_draft,
    service_version_publish,
    service_version_retire,
)
from approvals.services.catalogue_io import export_service, import_service
from approvals.views.attachments import content_disposition
from audit.admin import AuditedModelAdmin
from audit.chain import audit_record

TEMPLATE_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "jpg", "jpeg", "png"]
MAX_TEMPLATE_BYTES = 10 * 1024 * 1024
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _problem_list(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, field_messages in exc.message_dict.items()
            for message in field_messages
        ]
    return list(exc.messages)


def _report_problems(request, heading: str, problems: list[str]) -> None:
    messages.error(
        request,
        format_html(
            "{}<ul>{}</ul>", heading, format_html_join("", "<li>{}</li>", ((p,) for p in problems))
        ),
    )


# --- Versions -------------------------------------------------------------------------------------


class PrettyJSONField(forms.JSONField):
    """JSON shown indented, with Chinese characters as they are, so that it can be edited."""

    def prepare_value(self, value):
        if isinstance(value, InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


class ServiceVersionAdminForm(forms.ModelForm):
    """Checks the form schema and the workflow definition on every save, with each problem shown
    beside the field (the same checks as publishing)."""

    class Meta:
        model = ServiceVersion
        fields = "__all__"  # noqa: DJ007 -- the admin's fieldsets choose what is shown
        field_classes = {
            "form_schema": PrettyJSONField,
            "workflow_definition": PrettyJSONField,
            "channels": PrettyJSONField,
            "faq": PrettyJSONField,
            "legal_basis_links": PrettyJSONField,
        }
        widgets = {
            **{
                f"{field}_{language}": forms.Textarea(attrs={"rows": 3, "cols": 40})
                for field in ("window_address", "opening_hours", "transit")
                for language in ("zh", "en")
            },
            "channels": forms.Textarea(attrs={"rows": 8, "cols": 100, "spellcheck": "false"}),
            "faq": forms.Textarea(attrs={"rows": 12, "cols": 100}),
            "legal_basis_links": forms.Textarea(
                attrs={"rows": 8, "cols": 100, "spellcheck": "false"}
            ),
            "form_schema": forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
            "workflow_definition": forms.Textarea(
                attrs={"rows": 16, "cols": 100, "spellcheck": "false"}
            ),
        }

    def clean_form_schema(self):
        from approvals.dynamic_forms import check_form_schema

        schema = self.cleaned_data["form_schema"]
        problems = check_form_schema(schema)
        if problems:
            raise ValidationError(problems)
        return schema

    def _guide_list(self, field: str):
        value = self.cleaned_data[field]
        if value in (None, ""):
            return []
        problems = guide_list_problems(field, value)
        if problems:
            raise ValidationError(problems)
        return value

    def clean_channels(self):
        return self._guide_list("channels")

    def clean_faq(self):
        return self._guide_list("faq")

    def clean_legal_basis_links(self):
        return self._guide_list("legal_basis_links")

    def clean_workflow_definition(self):
        from approvals.domain.workflow import DefinitionError, parse_definition

        definition = self.cleaned_data["workflow_definition"]
        try:
            parse_definition(definition)
        except DefinitionError as exc:
            raise ValidationError([str(problem) for problem in exc.problems]) from exc
        return definition


class MaterialInlineForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = "__all__"  # noqa: DJ007 -- the inline's fields choose what is shown

    def clean_template(self):
        template = self.cleaned_data.get("template")
        if template and hasattr(template, "size"):
            FileExtensionValidator(TEMPLATE_EXTENSIONS)(template)
            if template.size > MAX_TEMPLATE_BYTES:
                raise ValidationError(gettext("A template may be at most 10 MB."))
        return template


class DraftOnlyInlineMixin:
    """An inline whose rows are part of their version: editable only while it is a draft."""

    # The rows (materials, forms to download, a theme's members) are parts of their version:
    # whoever may see the catalogue sees them, and a catalogue administrator
    # (policy.is_catalogue_admin) edits them while it is a draft; no permission of their own to
    # grant by hand. A published or retired version's parts are read-only.
    def _parent_is_draft(self, obj) -> bool:
        return obj is None or obj.is_editable

    def _may_edit(self, request, obj) -> bool:
        return self._parent_is_draft(obj) and policy.is_catalogue_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return policy.is_catalogue_reader(request.user)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)


class MaterialInline(DraftOnlyInlineMixin, admin.StackedInline):
    model = Material
    form = MaterialInlineForm
    extra = 0
    fields = (
        ("key", "position"),
        ("name_zh", "name_en"),
        ("description_zh", "description_en"),
        ("required", "medium"),
        "template",
        "reusable_licence_item_code",
    )


class GuideFormInlineForm(forms.ModelForm):
    """A form to download from the guide, inspected as hostile (approvals.security.uploads): only a
    PDF without active content or a clean image, whatever its name says."""

    class Meta:
        model = GuideForm
        fields = "__all__"  # noqa: DJ007 -- the inline's fields choose what is shown

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                inspected = inspect_upload(upload, max_bytes=MAX_TEMPLATE_BYTES)
            except UploadRejected as exc:
                raise ValidationError(exc.message) from exc
            # Stored under a generated name with the extension of the detected type.
            upload.name = f"form.{inspected.extension}"
        return upload


class GuideFormInline(MaterialInline):
    model = GuideForm
    form = GuideFormInlineForm
    fields = (("key", "position"), "kind", ("name_zh", "name_en"), "file")


class CatalogueVersionAdmin(AuditedModelAdmin):
    """The admin of a catalogue version (a service's or a theme's): drafts edited, published and
    retired versions read-only, the lifecycle through the catalogue's services as actions and as
    buttons on the version's page. Subclasses name the services."""

    publish = None  # staticmethod(service_version_publish) and the like
    retire = None
    draft = None
    next_number = None
    actions = ["publish_versions", "retire_versions", "draft_from_versions"]

    def _url_name(self, view: str) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{view}"

    @admin.display(description=_("name"), ordering="name_en")
    def name_display(self, obj):
        return obj.name

    def get_readonly_fields(self, request, obj=None):
        readonly = ["number", "status", "created_at", "published_at", "retired_at"]
        if obj is not None:
            readonly.append("item")  # a draft stays with its service
        return readonly

    # A published or retired version never changes: its page opens read-only, and it cannot be
    # deleted (applications point at it).
    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Bulk deletion would reach published versions; drafts are deleted one at a time.
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.number = self.next_number(obj.item)
            obj.status = VersionStatus.DRAFT
        super().save_model(request, obj, form, change)

    # One version's lifecycle from its own page: buttons above the form post here.
    def get_urls(self):
        return [
            path(
                "<int:pk>/lifecycle/<str:step>/",
                self.admin_site.admin_view(self.lifecycle_view),
                name=self._url_name("lifecycle"),
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["has_lifecycle_permission"] = obj is not None and policy.is_catalogue_admin(
            request.user
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def lifecycle_view(self, request, pk: int, step: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = get_object_or_404(self.model.objects.select_related("item"), pk=pk)
        steps = {
            "publish": self.publish_versions,
            "retire": self.retire_versions,
            "draft": self.draft_from_versions,
        }
        if step not in steps:
            raise Http404
        policy.require_catalogue_admin(request.user)
        steps[step](request, self.model.objects.filter(pk=version.pk))
        return HttpResponseRedirect(reverse(f"admin:{self._url_name('change')}", args=[version.pk]))

    @admin.action(description=_("Publish the selected drafts"), permissions=["change"])
    def publish_versions(self, request, queryset):
        for version in queryset.select_related("item"):
            try:
                self.publish(actor=request.user, version=version)
            except ValidationError as exc:
                _report_problems(
                    request,
                    gettext("%(version)s was not published:") % {"version": version},
                    _problem_list(exc),
                )
            else:
                messages.success(
                    request,
                    gettext("%(version)s is published; the version before it is retired.")
                    % {"version": version},
                )

    @admin.action(description=_("Retire the selected published versions"), permissions=["change"])
    def retire_versions(self, request, queryset):
        for version in queryset.select_related("item"):
            try:
                self.retire(actor=request.user, version=version)
            except ValidationError as exc:
                _report_problems(
                    request,
                    gettext("%(version)s was not retired:") % {"version": version},
                    _problem_list(exc),
                )
            else:
                messages.success(request, gettext("%(version)s is retired.") % {"version": version})

    @admin.action(description=_("New draft from the selected versions"), permissions=["change"])
    def draft_from_versions(self, request, queryset):
        for version in queryset.select_related("item"):
            draft = self.draft(actor=request.user, item=version.item, from_version=version)
            url = reverse(f"admin:{self._url_name('change')}", args=[draft.pk])
            messages.success(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext("New draft created:"),
                    url,
                    str(draft),
                ),
            )


class ServiceVersionAdmin(CatalogueVersionAdmin):
    form = ServiceVersionAdminForm
    publish = staticmethod(service_version_publish)
    retire = staticmethod(service_version_retire)
    draft = staticmethod(service_version_draft)
    next_number = staticmethod(next_version_number)

    class Media:
        css = {"all": ["css/admin-catalogue.css"]}

    inlines = [MaterialInline, GuideFormInline]
    list_display = ("item", "number", "name_display", "status", "published_at", "retired_at")
    list_filter = ("status", "item__topic", "item__department")
    list_select_related = ("item",)
    search_fields = ("item__code", "name_zh", "name_en")
    ordering = ("item__code", "-number")
    fieldsets = (
        (None, {"fields": ("item", "number", "status", ("name_zh", "name_en"), "item_type")}),
        (
            _("Who may apply and who handles it"),
            {"fields": (("for_persons", "for_businesses"), "co_departments")},
        ),
        (
            _("Guide"),
            {
                "fields": (
                    ("legal_basis_zh", "legal_basis_en"),
                    ("conditions_zh", "conditions_en"),
                    ("procedure_zh", "procedure_en"),
                )
            },
        ),
        (
            _("Where to go and what people ask"),
            {
                "fields": (
                    ("window_address_zh", "window_address_en"),
                    ("opening_hours_zh", "opening_hours_en"),
                    "window_phone",
                    ("transit_zh", "transit_en"),
                    "visits_needed",
                    "channels",
                    "faq",
                    "legal_basis_links",
                ),
                "description": _(
                    'Channels: a JSON list of {"kind": "online" or "offline", '
                    '"name_zh", "name_en", "url"}. FAQ: a list of {"question_zh", '
                    '"question_en", "answer_zh", "answer_en"}. Legal basis links: a list '
                    'of {"title_zh", "title_en", "url"}; addresses must start with '
                    "http:// or https://."
                ),
            },
        ),
        (
            _("Search"),
            {
                "fields": (("search_keywords_zh", "search_keywords_en"),),
                "description": _(
                    "What people call the service besides its name, and its synonyms: the "
                    "catalogue search finds it by these words, their pinyin and initials."
                ),
            },
        ),
        (
            _("Time limits and fees"),
            {
                "fields": (
                    ("statutory_limit_days", "promised_limit_days"),
                    "on_the_spot",
                    "fee_amount",
                    ("fee_basis_zh", "fee_basis_en"),
                )
            },
        ),
        (
            _("Licence and its term"),
            {
                "fields": (
                    ("certificate_name_zh", "certificate_name_en"),
                    "licence_valid_years",
                )
            },
        ),
        (
            _("Application form and workflow (JSON)"),
            {
                "fields": ("form_schema", "workflow_definition"),
                "description": _(
                    "The form schema is a JSON Schema with x- presentation hints; the workflow "
                    "lists stages of department and role branches. Both are checked on save."
                ),
            },
        ),
        (_("Lifecycle"), {"fields": ("created_at", "published_at", "retired_at")}),
    )


# --- Items ----------------------------------------------------------------------------------------


class VersionListInline(admin.TabularInline):
    """The item's versions, newest first, each linking to its own page."""

    model = ServiceVersion
    fields = ("number", "name_zh", "name_en", "status", "published_at", "retired_at")
    readonly_fields = fields
    ordering = ("-number",)
    show_change_link = True
    extra = 0
    verbose_name_plural = _("versions")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Service file (JSON)"),
        help_text=_("A file exported from the service catalogue of this or another portal."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(gettext("The file may be at most 5 MB."))
        try:
            data = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValidationError(
                gettext("This is not a JSON file: %(error)s") % {"error": exc}
            ) from exc
        services = data if isinstance(data, list) else [data]
        if not services or not all(isinstance(service, dict) for service in services):
            raise ValidationError(gettext("The file must hold one service or a list of them."))
        return services


class CatalogueItemAdmin(AuditedModelAdmin):
    """The admin of a catalogue item (a service or a theme): its versions listed, export as JSON
    and import from JSON as new drafts. Subclasses name the format's functions and words."""

    actions = ["export_json"]
    export_one = None  # staticmethod(export_service) and the like
    import_one = None
    export_action = "catalogue.exported"
    file_prefix = "service"
    import_form = None
    import_title = ""
    import_template = ""

    def get_readonly_fields(self, request, obj=None):
        # Tracking numbers, reusable licences and cases refer to the code: it never changes.
        return ("code", "created_at") if obj is not None else ("created_at",)

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name=f"{opts.app_label}_{opts.model_name}_import",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Export as JSON"), permissions=["view"])
    def export_json(self, request, queryset):
        items = list(queryset)
        exported = [self.export_one(item) for item in items]
        for item in items:
            audit_record(action=self.export_action, actor=request.user, obj=item)
        body = exported[0] if len(exported) == 1 else exported
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        prefix = self.file_prefix
        filename = f"{prefix}-{items[0].code}.json" if len(items) == 1 else f"{prefix}s.json"
        response["Content-Disposition"] = content_disposition(filename)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def import_view(self, request):
        policy.require_catalogue_admin(request.user)  # PermissionDenied: 403
        form = self.import_form(request.POST or None, request.FILES or None)
        opts = self.model._meta
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    items = [
                        self.import_one(data, actor=request.user)
                        for data in form.cleaned_data["file"]
                    ]
            except ValidationError as exc:
                form.add_error("file", _problem_list(exc))
            else:
                for item in items:
                    messages.success(
                        request,
                        gettext("%(code)s imported as new drafts; check and publish them.")
                        % {"code": item.code},
                    )
                if len(items) == 1:
                    url = reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change", args=[items[0].pk]
                    )
                else:
                    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": self.import_title,
            "form": form,
        }
        return TemplateResponse(request, self.import_template, context)


class ServiceItemAdmin(CatalogueItemAdmin):
    list_display = ("code", "published_name", "department", "topic")
    list_filter = ("topic", "department")
    list_select_related = ("department",)
    search_fields = ("code", "versions__name_zh", "versions__name_en")
    inlines = [VersionListInline]
    change_list_template = "admin/approvals/serviceitem/change_list.html"
    export_one = staticmethod(export_service)
    import_one = staticmethod(import_service)
    import_form = ServiceImportForm
    import_title = _("Import a service from JSON")
    import_template = "admin/approvals/serviceitem/import.html"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("department").prefetch_related("versions")
        )

    @admin.display(description=_("published version"))
    def published_name(self, obj):
        published = [v for v in obj.versions.all() if v.status == VersionStatus.PUBLISHED]
        return str(published[0]) if published else "—"


admin.site.register(ServiceItem, ServiceItemAdmin)
admin.site.register(ServiceVersion, ServiceVersionAdmin)
