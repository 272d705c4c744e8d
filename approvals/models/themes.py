"""高效办成一件事: a life event ("open a restaurant") served as one application.

A theme (一件事) is versioned and published like a service: its members are service items, each
with the condition under which it applies, answered by the theme's guiding questions (情景化引导).
Shared fields and shared materials are declared once in the theme and mapped onto each member's
own schema and materials. The definitions' shapes are checked by ``approvals.domain.themes``.

Applied for, a theme is one case (``ThemeCase``): one form, one set of materials, one submission,
one tracking number and query code, one window. Inside, each member is its own ``Application``
(``Application.theme_case``) with its own department, time limit, decision and licence: the law
does not change.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approvals.models.application import ApplicantKind
from approvals.models.catalogue import VersionStatus, _bilingual


class ThemeItem(models.Model):
    """A life event the public can apply for as one, identified by its code across versions."""

    code = models.CharField(_("theme code"), max_length=40, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("one-thing theme")
        verbose_name_plural = _("one-thing themes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ThemeVersion(models.Model):
    """One version of a theme: its questions, shared fields and materials, and its members.

    Like a service version, a published version never changes (a case keeps the version it was
    filed under); a change is a new version, drafted, then published (retiring the one before).

    ``questions``: ``[{"key", "kind": "yes_no" | "number" | "choice", "text_zh", "text_en",
    "help_zh", "help_en", "choices": [{"value", "label_zh", "label_en"}] (choice only)}]``.

    ``shared_fields``: ``[{"key", "schema": {a JSON Schema property in the service forms' dialect:
    "type", "title", "x-title-zh", "x-prefill", ...}, "required": bool}]`` — asked once, copied
    to each member through ``ThemeMember.field_map``; with a ``"value"``, not asked: the theme
    sets it (a restaurant's kind of operator is catering).

    ``shared_materials``: ``[{"key", "name_zh", "name_en", "description_zh", "description_en"}]``
    — uploaded once, attached to each member that maps it (``ThemeMember.material_map``).
    """

    LIFECYCLE_FIELDS = frozenset({"status", "published_at", "retired_at"})

    item = models.ForeignKey(
        ThemeItem, on_delete=models.PROTECT, related_name="versions", verbose_name=_("theme")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    for_persons = models.BooleanField(_("natural persons may apply"), default=True)
    for_businesses = models.BooleanField(_("businesses may apply"), default=True)
    # 一窗受理: the window that accepts the whole case (its intake clerks see it in their queue).
    lead_department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="lead_theme_versions",
        verbose_name=_("accepting window (department)"),
    )
    search_keywords_zh = models.TextField(_("search keywords (Chinese)"), blank=True)
    search_keywords_en = models.TextField(_("search keywords (English)"), blank=True)
    questions = models.JSONField(_("guiding questions"), default=list, blank=True)
    shared_fields = models.JSONField(_("shared fields"), default=list, blank=True)
    shared_materials = models.JSONField(_("shared materials"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("one-thing theme version")
        verbose_name_plural = _("one-thing theme versions")
        ordering = ["item__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="theme_version_number_unique"),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="published"),
                name="one_published_theme_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number} {self.name}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        lifecycle_only = update_fields is not None and set(update_fields) <= self.LIFECYCLE_FIELDS
        if self.pk and not lifecycle_only and not _stored_theme_is_draft(self.pk):
            raise ValidationError(_("A published or retired theme version cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return _bilingual(self, "name")

    @property
    def summary(self) -> str:
        return _bilingual(self, "summary")

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT


def _stored_theme_is_draft(version_pk: int) -> bool:
    stored = ThemeVersion.objects.filter(pk=version_pk).values_list("status", flat=True).first()
    return stored in (None, VersionStatus.DRAFT)


class ThemeMember(models.Model):
    """One service of a theme: when it applies, how the shared answers and materials map onto it,
    and which members it waits for.

    ``condition``: empty (always applies) or an expression over the guiding questions' answers —
    ``{"question": key, "equals": value}``, ``{"question": key, "at_least": number}``,
    ``{"all": [...]}``, ``{"any": [...]}``, ``{"not": {...}}``.

    ``field_map``: ``{shared field key: member form field key}``.
    ``material_map``: ``{shared material key: member material key}``.
    ``depends_on``: ``[{"member": member key, "cite_as": member material key or "", "fill":
    {member form field key: "number" | "holder_name"} (optional)}]`` — this member starts once
    those members are approved; the prerequisite's licence is cited for the material ``cite_as``
    (材料复用) and fills the fields named in ``fill`` (a registration's licence number is the
    credit code it assigns), which the applicant is not asked.

    The member names a service item; the case applies for that item's version published when the
    case is submitted.
    """

    version = models.ForeignKey(
        ThemeVersion,
        on_delete=models.CASCADE,
        related_name="members",
        verbose_name=_("theme version"),
    )
    key = models.SlugField(_("key"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    service_item = models.ForeignKey(
        "approvals.ServiceItem",
        on_delete=models.PROTECT,
        related_name="theme_memberships",
        verbose_name=_("service"),
    )
    condition = models.JSONField(_("applies when"), default=dict, blank=True)
    field_map = models.JSONField(_("shared fields to this service's fields"), default=dict)
    material_map = models.JSONField(
        _("shared materials to this service's materials"), default=dict, blank=True
    )
    depends_on = models.JSONField(_("waits for"), default=list, blank=True)

    class Meta:
        verbose_name = _("theme member")
        verbose_name_plural = _("theme members")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="theme_member_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.service_item.code})"

    def save(self, *args, **kwargs):
        if not _stored_theme_is_draft(self.version_id):
            raise ValidationError(_("The members of a published theme version cannot be changed."))
        super().save(*args, **kwargs)


class ThemeCaseStatus(models.TextChoices):
    """The case's own states: a draft, then submitted. Where the work stands afterwards is read
    from its members (each an application with its own lifecycle), not stored twice."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("one-thing case status", "Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DeliveryChoice(models.TextChoices):
    TOGETHER = "together", _("All certificates together (一窗出件)")
    EACH_WHEN_READY = "each", _("Each certificate as soon as it is ready")


class ThemeCase(models.Model):
    """One application for a theme: the answers, the shared data, one tracking number.

    Drafted as one form; on submission each member that applies becomes its own ``Application``
    (``members``), filed with the case's data mapped onto its schema and the case's materials
    attached, and the window accepts them as one.
    """

    version = models.ForeignKey(
        ThemeVersion,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("theme version"),
    )
    applicant_kind = models.CharField(
        _("applicant kind"), max_length=10, choices=ApplicantKind.choices
    )
    person = models.ForeignKey(
        "accounts.PersonProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="theme_cases",
        verbose_name=_("applicant (person)"),
    )
    business = models.ForeignKey(
        "accounts.Business",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="theme_cases",
        verbose_name=_("applicant (business)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ThemeCaseStatus.choices,
        default=ThemeCaseStatus.DRAFT,
    )
    # The guiding questions' answers ({question key: value}) and the shared fields' values plus
    # each member's own fields ({"shared": {...}, "members": {member key: {...}}}).
    answers = models.JSONField(_("answers to the guiding questions"), default=dict, blank=True)
    data = models.JSONField(_("form data"), default=dict, blank=True)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=0)
    delivery = models.CharField(
        _("delivery of the certificates"),
        max_length=10,
        choices=DeliveryChoice.choices,
        default=DeliveryChoice.TOGETHER,
    )
    tracking_number = models.CharField(
        _("tracking number"), max_length=40, unique=True, null=True, blank=True
    )
    query_code_hash = models.CharField(_("query code (hashed)"), max_length=128, blank=True)
    idempotency_key = models.CharField(  # noqa: DJ001 (NULL: the unique constraint skips it)
        _("idempotency key"), max_length=64, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    # One rating for the whole (一键评价); each member's department gets it as its own rating.
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("one-thing case")
        verbose_name_plural = _("one-thing cases")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="theme_case_idempotency_key",
            ),
            models.CheckConstraint(
                condition=(
                    Q(applicant_kind="person", person__isnull=False, business__isnull=True)
                    | Q(applicant_kind="business", business__isnull=False)
                ),
                name="theme_case_applicant_matches_kind",
            ),
        ]
        indexes = [
            # The applicant's dashboard, one index per visibility branch, as for applications.
            models.Index(
                fields=["created_by", "-updated_at", "-id"], name="theme_case_creator_recent"
            ),
            models.Index(fields=["person", "-updated_at", "-id"], name="theme_case_person_recent"),
            models.Index(
                fields=["business", "-updated_at", "-id"], name="theme_case_business_recent"
            ),
            # Supervision: the cases received in a period, per theme.
            models.Index(
                fields=["received_on", "version"],
                condition=Q(received_on__isnull=False),
                name="theme_case_received",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_number or _("Draft #%(pk)s") % {"pk": self.pk}
