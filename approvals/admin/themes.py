"""The admin for 一件事 themes: the themes and their versions, with the members inline.

As for services, only a draft can be edited; a published or retired version opens read-only,
members included (a case keeps the version it was filed under). The lifecycle goes through the
theme catalogue services as admin actions and buttons: publish (every check, then the version
before is retired), retire, and a new draft from a version. A theme can be exported as JSON and
imported on another installation as new drafts. Every change is audited.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.admin.audit import AuditedModelAdmin
from approvals.admin.catalogue import (
    PrettyJSONField,
    ServiceImportForm,
    _problem_list,
    _report_problems,
)
from approvals.models import ThemeItem, ThemeMember, ThemeVersion, VersionStatus
from approvals.models.audit_chain import audit_record
from approvals.selectors import policy
from approvals.services.catalogue_io import export_theme, import_theme
from approvals.services.themes_catalogue import (
    next_theme_version_number,
    theme_version_draft,
    theme_version_publish,
    theme_version_retire,
)
from approvals.views.attachments import content_disposition

_JSON_WIDGET = {"rows": 12, "cols": 100, "spellcheck": "false"}


class ThemeVersionAdminForm(forms.ModelForm):
    class Meta:
        model = ThemeVersion
        fields = "__all__"  # noqa: DJ007 -- the admin's fieldsets choose what is shown
        field_classes = {
            "questions": PrettyJSONField,
            "shared_fields": PrettyJSONField,
            "shared_materials": PrettyJSONField,
        }
        widgets = {
            "questions": forms.Textarea(attrs=_JSON_WIDGET),
            "shared_fields": forms.Textarea(attrs={**_JSON_WIDGET, "rows": 20}),
            "shared_materials": forms.Textarea(attrs=_JSON_WIDGET),
        }

    def _list_of_objects(self, name: str):
        value = self.cleaned_data[name]
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
            raise ValidationError(gettext("A JSON list of objects is expected."))
        return value

    def clean_questions(self):
        return self._list_of_objects("questions")

    def clean_shared_fields(self):
        return self._list_of_objects("shared_fields")

    def clean_shared_materials(self):
        return self._list_of_objects("shared_materials")


class ThemeMemberInlineForm(forms.ModelForm):
    class Meta:
        model = ThemeMember
        fields = "__all__"  # noqa: DJ007 -- the inline's fields choose what is shown
        field_classes = {
            "condition": PrettyJSONField,
            "field_map": PrettyJSONField,
            "material_map": PrettyJSONField,
            "depends_on": PrettyJSONField,
        }
        widgets = {
            name: forms.Textarea(attrs={**_JSON_WIDGET, "rows": 5, "cols": 60})
            for name in ("condition", "field_map", "material_map", "depends_on")
        }

    def clean_field_map(self):
        # An empty map is allowed (a member that takes no shared field).
        return self.cleaned_data.get("field_map") or {}


class ThemeMemberInline(admin.StackedInline):
    model = ThemeMember
    form = ThemeMemberInlineForm
    extra = 0
    autocomplete_fields = ("service_item",)
    fields = (
        ("key", "position", "service_item"),
        "condition",
        ("field_map", "material_map"),
        "depends_on",
    )

    # The members of a published or retired version are part of it: read-only.
    def _parent_is_draft(self, obj) -> bool:
        return obj is None or obj.is_editable

    def has_add_permission(self, request, obj=None):
        return self._parent_is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_is_draft(obj) and super().has_delete_permission(request, obj)


class ThemeVersionAdmin(AuditedModelAdmin):
    form = ThemeVersionAdminForm
    inlines = [ThemeMemberInline]
    list_display = ("item", "number", "name_display", "status", "published_at", "retired_at")
    list_filter = ("status",)
    list_select_related = ("item",)
    search_fields = ("item__code", "name_zh", "name_en")
    ordering = ("item__code", "-number")
    actions = ["publish_versions", "retire_versions", "draft_from_versions"]
    change_form_template = "admin/approvals/themeversion/change_form.html"
    fieldsets = (
        (None, {"fields": ("item", "number", "status", ("name_zh", "name_en"))}),
        (
            _("Guide"),
            {
                "fields": (
                    ("summary_zh", "summary_en"),
                    ("for_persons", "for_businesses"),
                    "lead_department",
                    ("search_keywords_zh", "search_keywords_en"),
                )
            },
        ),
        (
            _("Questions, shared fields and shared materials (JSON)"),
            {
                "fields": ("questions", "shared_fields", "shared_materials"),
                "description": _(
                    'Questions: [{"key", "kind": "yes_no", "number" or "choice", "text_zh", '
                    '"text_en", "help_zh", "help_en", "choices": [{"value", "label_zh", '
                    '"label_en"}]}]. Shared fields: [{"key", "schema": a form field, '
                    '"required", "value" (optional: set, not asked)}]. Shared materials: '
                    '[{"key", "name_zh", "name_en", "description_zh", "description_en"}]. '
                    "Everything is checked against the members' published services when the "
                    "version is published."
                ),
            },
        ),
        (_("Lifecycle"), {"fields": ("created_at", "published_at", "retired_at")}),
    )

    @admin.display(description=_("name"), ordering="name_en")
    def name_display(self, obj):
        return obj.name

    def get_readonly_fields(self, request, obj=None):
        readonly = ["number", "status", "created_at", "published_at", "retired_at"]
        if obj is not None:
            readonly.append("item")  # a draft stays with its theme
        return readonly

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
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if not change:
            obj.number = next_theme_version_number(obj.item)
            obj.status = VersionStatus.DRAFT
        super().save_model(request, obj, form, change)

    def get_urls(self):
        return [
            path(
                "<int:pk>/lifecycle/<str:step>/",
                self.admin_site.admin_view(self.lifecycle_view),
                name="approvals_themeversion_lifecycle",
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
        version = get_object_or_404(ThemeVersion.objects.select_related("item"), pk=pk)
        steps = {
            "publish": self.publish_versions,
            "retire": self.retire_versions,
            "draft": self.draft_from_versions,
        }
        if step not in steps:
            raise Http404
        policy.require_catalogue_admin(request.user)
        steps[step](request, ThemeVersion.objects.filter(pk=version.pk))
        return HttpResponseRedirect(
            reverse("admin:approvals_themeversion_change", args=[version.pk])
        )

    @admin.action(description=_("Publish the selected drafts"), permissions=["change"])
    def publish_versions(self, request, queryset):
        for version in queryset.select_related("item"):
            try:
                theme_version_publish(actor=request.user, version=version)
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
                theme_version_retire(actor=request.user, version=version)
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
            draft = theme_version_draft(actor=request.user, item=version.item, from_version=version)
            url = reverse("admin:approvals_themeversion_change", args=[draft.pk])
            messages.success(
                request,
                format_html('{} <a href="{}">{}</a>', gettext("New draft created:"), url, draft),
            )


class ThemeVersionListInline(admin.TabularInline):
    """The theme's versions, newest first, each linking to its own page."""

    model = ThemeVersion
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


class ThemeImportForm(ServiceImportForm):
    file = forms.FileField(
        label=_("Theme file (JSON)"),
        help_text=_("A file exported from the one-thing themes of this or another portal."),
    )


class ThemeItemAdmin(AuditedModelAdmin):
    list_display = ("code", "created_at")
    search_fields = ("code", "versions__name_zh", "versions__name_en")
    inlines = [ThemeVersionListInline]
    actions = ["export_json"]
    change_list_template = "admin/approvals/themeitem/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        # Tracking numbers of cases begin with the code: it never changes.
        return ("code", "created_at") if obj is not None else ("created_at",)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="approvals_themeitem_import",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Export as JSON"), permissions=["view"])
    def export_json(self, request, queryset):
        items = list(queryset)
        exported = [export_theme(item) for item in items]
        for item in items:
            audit_record(action="theme.exported", actor=request.user, obj=item)
        body = exported[0] if len(exported) == 1 else exported
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        filename = f"theme-{items[0].code}.json" if len(items) == 1 else "themes.json"
        response["Content-Disposition"] = content_disposition(filename)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def import_view(self, request):
        policy.require_catalogue_admin(request.user)  # PermissionDenied: 403
        form = ThemeImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    items = [
                        import_theme(theme, actor=request.user)
                        for theme in form.cleaned_data["file"]
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
                url = (
                    reverse("admin:approvals_themeitem_change", args=[items[0].pk])
                    if len(items) == 1
                    else reverse("admin:approvals_themeitem_changelist")
                )
                return HttpResponseRedirect(url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Import a one-thing theme from JSON"),
            "form": form,
        }
        return TemplateResponse(request, "admin/approvals/themeitem/import.html", context)


admin.site.register(ThemeItem, ThemeItemAdmin)
admin.site.register(ThemeVersion, ThemeVersionAdmin)
