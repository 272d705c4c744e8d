"""Credentials and data exchange for the REST API (``approvals.api``).

Only SHA-256 hashes of personal tokens and client secrets are stored: a secret is shown once,
when it is created. Tokens carry 256 bits of randomness, so a fast hash is enough (a slow
password hash protects low-entropy secrets, which these are not).

Webhook secrets are the exception: signing a body with HMAC needs the secret itself, so it is
stored, shown only to administrators, and never leaves through the API.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TOKEN_BYTES = 32
PERSONAL_TOKEN_PREFIX = "pat_"  # noqa: S105 (a prefix, not a secret)
CLIENT_TOKEN_PREFIX = "cli_"  # noqa: S105
DISPLAY_PREFIX_LENGTH = 12


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(TOKEN_BYTES)


class ApiScope(models.TextChoices):
    LICENCE_READ = "licence:read", _("Look up licences")
    APPLICATION_READ = "application:read", _("Read applications")
    WEBHOOK = "webhook", _("Receive status-change webhooks")


# What a client needs to receive webhooks: they carry application data.
WEBHOOK_SCOPES = (ApiScope.WEBHOOK, ApiScope.APPLICATION_READ)


class ApiClient(models.Model):
    """Another system (an agency's back office) that reads through the API with scopes. With a
    department, it sees only that department's applications and licences."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        verbose_name=_("department scope"),
        help_text=_("Empty: every department's data (for the scopes granted)."),
    )
    secret_hash = models.CharField(_("secret (hashed)"), max_length=64, unique=True, editable=False)
    secret_prefix = models.CharField(_("secret begins with"), max_length=20, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_new_secret(self) -> str:
        """A fresh secret (returned once, to show); only its hash is kept."""
        raw = new_token(CLIENT_TOKEN_PREFIX)
        self.secret_hash = hash_token(raw)
        self.secret_prefix = raw[:DISPLAY_PREFIX_LENGTH]
        return raw

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    def may_receive_webhooks(self) -> bool:
        """A webhook carries application data: the client needs ``WEBHOOK_SCOPES``."""
        return all(self.has_scope(scope) for scope in WEBHOOK_SCOPES)

    @property
    def audit_label(self) -> str:
        return f"api_client:{self.pk}"


class PersonalToken(models.Model):
    """An applicant's token for apps (officials work through the session with two-factor)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(_("token (hashed)"), max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("token begins with"), max_length=20, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal API token")
        verbose_name_plural = _("personal API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    def set_new_token(self) -> str:
        raw = new_token(PERSONAL_TOKEN_PREFIX)
        self.token_hash = hash_token(raw)
        self.token_prefix = raw[:DISPLAY_PREFIX_LENGTH]
        return raw

    @property
    def audit_label(self) -> str:
        return f"token:{self.pk}"


class IdempotencyState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class IdempotencyRecord(models.Model):
    """One ``Idempotency-Key`` of one user on one route: the request's fingerprint and, once
    answered, the response to replay."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=64)
    route = models.CharField(_("route"), max_length=200)
    request_hash = models.CharField(_("request fingerprint"), max_length=64)
    state = models.CharField(
        _("state"),
        max_length=12,
        choices=IdempotencyState.choices,
        default=IdempotencyState.IN_PROGRESS,
    )
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    response_body = models.JSONField(_("response body"), null=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_user_key"),
        ]

    def __str__(self) -> str:
        return f"{self.route} {self.key} ({self.state})"


class WebhookSubscription(models.Model):
    """An administrator-configured endpoint of an API client that receives status changes of the
    applications the client may read."""

    client = models.ForeignKey(
        ApiClient,
        on_delete=models.CASCADE,
        related_name="webhooks",
        verbose_name=_("API client"),
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=100,
        help_text=_("The receiver checks X-Portal-Signature with it."),
    )
    # Empty: every status. Otherwise the statuses to be told about.
    statuses = models.JSONField(_("statuses"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["client", "pk"]

    def __str__(self) -> str:
        return f"{self.client}: {self.url}"

    def wants(self, status: str) -> bool:
        return not self.statuses or status in self.statuses


class OutboxEvent(models.Model):
    """A status change to announce, written in the same transaction as the change."""

    application = models.ForeignKey(
        "approvals.Application",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("application"),
    )
    event = models.CharField(_("event"), max_length=50)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("department"),
    )
    status = models.CharField(_("status"), max_length=25)
    payload = models.JSONField(_("payload"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set once a delivery row exists for every matching subscription (fan-out done).
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        ordering = ["-pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(dispatched_at__isnull=True),
                name="outbox_undispatched",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.application_id}"


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (gave up)")


class WebhookDelivery(models.Model):
    """One event to one subscription, retried with exponential backoff until delivered."""

    event = models.ForeignKey(
        OutboxEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="delivery_one_per_subscription"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="delivery_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription.url}"


class DeliveryAttempt(models.Model):
    """The delivery log: one row per HTTP attempt."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    attempted_at = models.DateTimeField(_("attempted at"), auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["-attempted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error[:40]}"
