"""The admin for 一件事 themes: the themes and their versions, with the members inline.

As for services, only a draft can be edited; a published or retired version opens read-only,
members included (a case keeps the version it was filed under). The lifecycle goes through the
theme catalogue services as admin actions and buttons: publish (every check, then the version
before is retired), retire, and a new draft from a version. A theme can be exported as JSON and
imported on another installation as new drafts. Every change is audited.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.admin.catalogue import (
    CatalogueItemAdmin,
    CatalogueVersionAdmin,
    DraftOnlyInlineMixin,
    PrettyJSONField,
    ServiceImportForm,
    VersionListInline,
)
from approvals.models import ThemeItem, ThemeMember, ThemeVersion
from approvals.services.catalogue_io import export_theme, import_theme
from approvals.services.themes_catalogue import (
    next_theme_version_number,
    theme_version_draft,
    theme_version_publish,
    theme_version_retire,
)

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


class ThemeMemberInline(DraftOnlyInlineMixin, admin.StackedInline):
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


class ThemeVersionAdmin(CatalogueVersionAdmin):
    form = ThemeVersionAdminForm
    publish = staticmethod(theme_version_publish)
    retire = staticmethod(theme_version_retire)
    draft = staticmethod(theme_version_draft)
    next_number = staticmethod(next_theme_version_number)
    inlines = [ThemeMemberInline]
    list_display = ("item", "number", "name_display", "status", "published_at", "retired_at")
    list_filter = ("status",)
    list_select_related = ("item",)
    search_fields = ("item__code", "name_zh", "name_en")
    ordering = ("item__code", "-number")
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


class ThemeVersionListInline(VersionListInline):
    """The theme's versions, newest first, each linking to its own page."""

    model = ThemeVersion


class ThemeImportForm(ServiceImportForm):
    file = forms.FileField(
        label=_("Theme file (JSON)"),
        help_text=_("A file exported from the one-thing themes of this or another portal."),
    )


class ThemeItemAdmin(CatalogueItemAdmin):
    list_display = ("code", "created_at")
    search_fields = ("code", "versions__name_zh", "versions__name_en")
    inlines = [ThemeVersionListInline]
    change_list_template = "admin/approvals/themeitem/change_list.html"
    export_one = staticmethod(export_theme)
    import_one = staticmethod(import_theme)
    export_action = "theme.exported"
    file_prefix = "theme"
    import_form = ThemeImportForm
    import_title = _("Import a one-thing theme from JSON")
    import_template = "admin/approvals/themeitem/import.html"


admin.site.register(ThemeItem, ThemeItemAdmin)
admin.site.register(ThemeVersion, ThemeVersionAdmin)
