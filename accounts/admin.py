"""The admin for accounts: users, applicants, businesses, departments and official positions, and
the local base-registry tables. Every change is audited (``AuditedModelAdmin``); resident ID
numbers are shown masked on every admin page (DESIGN.md §4) and can be typed in full only when a
record is added."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import router, transaction
from django.utils.translation import gettext_lazy as _

from accounts import identifiers
from accounts.models import (
    Business,
    BusinessMembership,
    Department,
    LegalPersonRecord,
    OfficialPosition,
    PersonProfile,
    PopulationRecord,
    User,
)
from audit.admin import (
    ADMIN_CHANGE,
    AuditedAdminMixin,
    AuditedModelAdmin,
    record_admin_event,
)


def masked_id_number_display(field_name: str, description):
    """An admin display method showing the ID number in ``field_name`` masked."""

    @admin.display(description=description, ordering=field_name)
    def display(self, obj):
        return identifiers.mask_id_number(getattr(obj, field_name) or "")

    return display


class MaskedIdNumberAdminMixin:
    """On the change page the ID number fields are replaced by their masked, read-only display
    (``<field>_masked``), so the full number never reaches the page's HTML. Only the add page
    takes the number in full."""

    masked_id_fields: tuple[str, ...] = ()

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        shown: list[str] = []
        for name in fields:
            name = f"{name}_masked" if name in self.masked_id_fields else name
            if name not in shown:
                shown.append(name)
        return shown

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += [f"{name}_masked" for name in self.masked_id_fields]
        return readonly


# --- Users ----------------------------------------------------------------------------------------


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "mobile", "display_name")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal details"), {"fields": ("display_name", "mobile", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "email",
                    "mobile",
                    "display_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("email", "display_name", "mobile_masked", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "mobile", "display_name")
    ordering = ("email",)

    @admin.display(description=_("mobile number"), ordering="mobile")
    def mobile_masked(self, obj):
        return obj.masked_mobile

    def user_change_password(self, request, id, form_url=""):
        # Django's password page saves the user itself, bypassing save_model: audit it here.
        with transaction.atomic(using=router.db_for_write(self.model)):
            stored = self.model._default_manager.filter(pk=unquote(id)).first()
            response = super().user_change_password(request, id, form_url)
            if stored is not None and request.method == "POST":
                stored_now = self.model._default_manager.get(pk=stored.pk)
                if stored_now.password != stored.password:
                    record_admin_event(
                        request,
                        action=ADMIN_CHANGE,
                        obj=stored_now,
                        before={"password": stored.password},
                        after={"password": stored_now.password},
                    )
        return response


# --- Applicants -----------------------------------------------------------------------------------


@admin.register(PersonProfile)
class PersonProfileAdmin(MaskedIdNumberAdminMixin, AuditedModelAdmin):
    masked_id_fields = ("id_number",)
    fields = ("user", "real_name", "id_number", "gender", "birth_date", "address", "verified_at")
    list_display = ("real_name", "id_number_masked", "user", "gender", "verified_at")
    list_filter = ("gender",)
    search_fields = ("real_name", "=id_number", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    # Set by the registry check, not by hand.
    readonly_fields = ("verified_at",)

    id_number_masked = masked_id_number_display("id_number", _("resident ID number"))


class BusinessMembershipInline(admin.TabularInline):
    model = BusinessMembership
    fk_name = "business"
    fields = (
        "user",
        "role",
        "status",
        "can_apply",
        "sees_all_applications",
        "invited_by",
        "created_at",
        "ended_at",
    )
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user", "invited_by")
    extra = 0


@admin.register(Business)
class BusinessAdmin(AuditedModelAdmin):
    list_display = ("name", "uscc", "legal_representative", "verified_at", "created_at")
    search_fields = ("name", "=uscc", "legal_representative")
    readonly_fields = ("verified_at", "created_at")
    inlines = (BusinessMembershipInline,)


# --- Government -----------------------------------------------------------------------------------


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    # The form runs Department.clean(): level and region must fit the parent, no cycles.
    list_display = (
        "code",
        "name_zh",
        "name_en",
        "parent",
        "level",
        "region_code",
        "is_service_window",
        "is_active",
    )
    list_filter = ("level", "is_service_window", "is_active")
    search_fields = ("code", "name_zh", "name_en", "=region_code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    ordering = ("region_code", "code")


@admin.register(OfficialPosition)
class OfficialPositionAdmin(AuditedModelAdmin):
    list_display = ("user", "department", "role", "is_active", "created_at")
    list_filter = ("role", "is_active", ("department", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "user__email",
        "user__display_name",
        "department__code",
        "department__name_zh",
        "department__name_en",
    )
    list_select_related = ("user", "department")
    autocomplete_fields = ("user", "department")
    readonly_fields = ("created_at",)


# --- Base registries ------------------------------------------------------------------------------


@admin.register(PopulationRecord)
class PopulationRecordAdmin(MaskedIdNumberAdminMixin, AuditedModelAdmin):
    masked_id_fields = ("id_number",)
    fields = ("id_number", "name", "gender", "birth_date", "address", "is_deceased")
    list_display = ("name", "id_number_masked", "gender", "birth_date", "is_deceased")
    list_filter = ("gender", "is_deceased")
    search_fields = ("name", "=id_number")

    id_number_masked = masked_id_number_display("id_number", _("resident ID number"))


@admin.register(LegalPersonRecord)
class LegalPersonRecordAdmin(MaskedIdNumberAdminMixin, AuditedModelAdmin):
    masked_id_fields = ("legal_representative_id_number",)
    fields = (
        "uscc",
        "name",
        "legal_representative",
        "legal_representative_id_number",
        "address",
        "established_on",
        "status",
    )
    list_display = (
        "name",
        "uscc",
        "legal_representative",
        "legal_representative_id_number_masked",
        "status",
        "established_on",
    )
    list_filter = ("status",)
    search_fields = ("name", "=uscc", "legal_representative")

    legal_representative_id_number_masked = masked_id_number_display(
        "legal_representative_id_number", _("legal representative's ID number")
    )
