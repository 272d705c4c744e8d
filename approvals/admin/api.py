"""The admin for API credentials and webhooks. An API client's secret is shown once, when it is
created or rotated; only its hash is stored. Deliveries and their attempts are a read-only log."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.models.api import (
    WEBHOOK_SCOPES,
    ApiClient,
    ApiScope,
    DeliveryAttempt,
    OutboxEvent,
    PersonalToken,
    WebhookDelivery,
    WebhookSubscription,
)
from approvals.selectors import policy
from approvals.services.api_credentials import api_client_create, api_client_rotate_secret
from approvals.services.webhooks import webhook_target_allowed
from audit.admin import AuditedAdminMixin, ReadOnlyAdminMixin


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ApiClient
        fields = ["name", "scopes", "department", "is_active"]


def _show_secret_once(request, client, raw: str) -> None:
    messages.warning(
        request,
        gettext("Secret of %(name)s (shown once; store it now): %(secret)s")
        % {"name": client.name, "secret": raw},
    )


@admin.register(ApiClient)
class ApiClientAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = ApiClientForm
    list_display = [
        "name",
        "department",
        "scope_list",
        "is_active",
        "secret_prefix",
        "last_used_at",
    ]
    list_filter = ["is_active", "department"]
    readonly_fields = ["secret_prefix", "created_at", "last_used_at"]
    actions = ["rotate_secret"]

    @admin.display(description=_("scopes"))
    def scope_list(self, client):
        return ", ".join(client.scopes or [])

    def has_change_permission(self, request, obj=None):
        # Scopes and the department decide what a client reads: the policy's managers only. A
        # question, not an attempt: the admin asks it for its menu on every page, and a refusal
        # here is not a denial to log.
        if not policy.may_manage_api_clients(request.user):
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            policy.require_api_client_admin(request.user)
            return super().save_model(request, obj, form, change)
        # A new client goes through the service (permission, hashed secret, audit event).
        created, raw = api_client_create(
            actor=request.user,
            name=obj.name,
            scopes=form.cleaned_data["scopes"],
            department=obj.department,
        )
        obj.pk, obj.secret_hash, obj.secret_prefix = (
            created.pk,
            created.secret_hash,
            created.secret_prefix,
        )
        obj._state.adding = False
        _show_secret_once(request, created, raw)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description=_("Give the selected clients a new secret"))
    def rotate_secret(self, request, queryset):
        for client in queryset:
            _show_secret_once(
                request, client, api_client_rotate_secret(actor=request.user, client=client)
            )


@admin.register(PersonalToken)
class PersonalTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "user", "token_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__email", "name", "token_prefix"]
    # All read-only: a revoked token must stay revoked (the user revokes through the API).
    fields = ["user", "name", "token_prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # the applicant creates their own (POST /api/v1/tokens/)


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookSubscription
        fields = ["client", "url", "secret", "statuses", "is_active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not webhook_target_allowed(url):
            raise forms.ValidationError(
                _("The URL must reach a public address (not loopback, private or reserved).")
            )
        return url

    def clean_client(self):
        client = self.cleaned_data["client"]
        if client is not None and not client.may_receive_webhooks():
            raise forms.ValidationError(
                _("The client needs the scopes %(scopes)s to receive webhooks.")
                % {"scopes": ", ".join(WEBHOOK_SCOPES)}
            )
        return client


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ["client", "url", "is_active", "created_at"]
    list_filter = ["is_active", "client"]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ["attempted_at", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event", "subscription", "state", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["state", "subscription__client"]
    list_select_related = ["event", "subscription__client"]
    inlines = [DeliveryAttemptInline]


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event", "application", "status", "department", "created_at", "dispatched_at"]
    list_filter = ["event", "status"]
    list_select_related = ["department"]
