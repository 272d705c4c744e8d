"""The service catalogue (办事指南, after GB/T 39554): service items and their versions.

A published version never changes: an application keeps the version it was filed under, and a
change to the service is a new version, drafted, then published (which retires the one before).
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def _bilingual(obj, field: str) -> str:
    """The Chinese or English value of ``field``, by the active language, the other as fallback."""
    zh, en = getattr(obj, f"{field}_zh"), getattr(obj, f"{field}_en")
    if (get_language() or "").startswith("zh"):
        return zh or en
    return en or zh


class ServiceTopic(models.TextChoices):
    BUSINESS = "business", _("Starting and running a business")
    FOOD_HEALTH = "food_health", _("Food and health")
    CONSTRUCTION = "construction", _("Construction and planning")
    ENVIRONMENT = "environment", _("Environment and utilities")
    CULTURE_TOURISM = "culture_tourism", _("Culture and tourism")
    SAFETY = "safety", _("Fire and public safety")


class ItemType(models.TextChoices):
    LICENCE = "licence", _("Licence")
    PERMIT = "permit", _("Permit")
    REGISTRATION = "registration", _("Registration")
    FILING = "filing", _("Filing")


class ServiceItem(models.Model):
    """A matter the public can apply for, identified by its catalogue code across versions."""

    code = models.CharField(_("item code"), max_length=40, unique=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("implementing department"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=ServiceTopic.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ServiceVersion(models.Model):
    """One version of a service guide with everything Art. 30 requires to be published."""

    # Fields that may not change once a version is published (everything but its lifecycle).
    LIFECYCLE_FIELDS = frozenset({"status", "published_at", "retired_at"})

    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="versions", verbose_name=_("item")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    item_type = models.CharField(_("item type"), max_length=15, choices=ItemType.choices)
    for_persons = models.BooleanField(_("natural persons may apply"), default=True)
    for_businesses = models.BooleanField(_("businesses may apply"), default=True)
    co_departments = models.ManyToManyField(
        "accounts.Department",
        blank=True,
        related_name="co_handled_versions",
        verbose_name=_("co-handling departments"),
    )
    legal_basis_zh = models.TextField(_("legal basis (Chinese)"))
    legal_basis_en = models.TextField(_("legal basis (English)"))
    conditions_zh = models.TextField(_("acceptance conditions (Chinese)"))
    conditions_en = models.TextField(_("acceptance conditions (English)"))
    procedure_zh = models.TextField(_("procedure (Chinese)"), blank=True)
    procedure_en = models.TextField(_("procedure (English)"), blank=True)
    statutory_limit_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)")
    )
    promised_limit_days = models.PositiveSmallIntegerField(_("promised time limit (working days)"))
    fee_amount = models.DecimalField(
        _("fee (yuan)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        help_text=_("Zero means the service is free (Art. 58)."),
    )
    fee_basis_zh = models.TextField(_("fee basis (Chinese)"), blank=True)
    fee_basis_en = models.TextField(_("fee basis (English)"), blank=True)
    # What people call the service besides its name (开饭店 for 食品经营许可): search uses them.
    search_keywords_zh = models.TextField(
        _("search keywords and synonyms (Chinese)"),
        blank=True,
        help_text=_("Separated by commas or 、, e.g. 开饭店、餐馆、餐饮."),
    )
    search_keywords_en = models.TextField(
        _("search keywords and synonyms (English)"),
        blank=True,
        help_text=_("Separated by commas, e.g. restaurant, catering."),
    )
    on_the_spot = models.BooleanField(_("handled on the spot"), default=False)
    # Where to go and what else a reader asks (Art. 30 and practice), shown on the guide.
    window_address_zh = models.TextField(_("window address (Chinese)"), blank=True)
    window_address_en = models.TextField(_("window address (English)"), blank=True)
    opening_hours_zh = models.TextField(_("opening hours (Chinese)"), blank=True)
    opening_hours_en = models.TextField(_("opening hours (English)"), blank=True)
    window_phone = models.CharField(_("enquiry telephone"), max_length=40, blank=True)
    transit_zh = models.TextField(_("how to get there (Chinese)"), blank=True)
    transit_en = models.TextField(_("how to get there (English)"), blank=True)
    # 0: 零跑动 (no trip at all), 1: 最多跑一次 (at most one trip), n: n trips; empty: not stated.
    visits_needed = models.PositiveSmallIntegerField(
        _("trips to the window needed"),
        null=True,
        blank=True,
        help_text=_("0: no trip (零跑动); 1: at most one trip (最多跑一次); empty: not stated."),
    )
    # Lists, checked by approvals.domain.guide_details: [{"kind": "online"|"offline", "name_zh",
    # "name_en", "url"}], [{"question_zh", "question_en", "answer_zh", "answer_en"}] and
    # [{"title_zh", "title_en", "url"}] (http or https only).
    channels = models.JSONField(_("channels"), default=list, blank=True)
    faq = models.JSONField(_("frequently asked questions"), default=list, blank=True)
    legal_basis_links = models.JSONField(_("legal basis links"), default=list, blank=True)
    # The licence issued on approval: how long it is valid (empty: without end, or no licence).
    licence_valid_years = models.PositiveSmallIntegerField(
        _("licence valid for (years)"),
        null=True,
        blank=True,
        help_text=_("Empty: the licence has no end date."),
    )
    # The certificate's own name (食品经营许可证); empty: the generic 许可证.
    certificate_name_zh = models.CharField(
        _("certificate name (Chinese)"), max_length=60, blank=True
    )
    certificate_name_en = models.CharField(
        _("certificate name (English)"), max_length=100, blank=True
    )
    form_schema = models.JSONField(_("form schema"), default=dict)
    # 告知承诺制: {"choice_field", "choice_value", "pledge_field", "replaces": [material keys],
    # "verification_days"}; empty: the service does not allow it.
    commitment_scheme = models.JSONField(
        _("notice-and-pledge system (告知承诺制)"), default=dict, blank=True
    )
    workflow_definition = models.JSONField(_("workflow definition"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")
        ordering = ["item__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="published"), name="one_published_version"
            ),
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("statutory_limit_days")),
                name="promised_within_statutory",
            ),
            models.CheckConstraint(condition=Q(fee_amount__gte=0), name="fee_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "item"], name="version_status_item")]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number} {self.name}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        lifecycle_only = update_fields is not None and set(update_fields) <= self.LIFECYCLE_FIELDS
        if self.pk and not lifecycle_only and not _stored_version_is_draft(self.pk):
            raise ValidationError(_("A published or retired version cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return _bilingual(self, "name")

    @property
    def legal_basis(self) -> str:
        return _bilingual(self, "legal_basis")

    @property
    def conditions(self) -> str:
        return _bilingual(self, "conditions")

    @property
    def procedure(self) -> str:
        return _bilingual(self, "procedure")

    @property
    def fee_basis(self) -> str:
        return _bilingual(self, "fee_basis")

    @property
    def certificate_name(self) -> str:
        return _bilingual(self, "certificate_name")

    @property
    def window_address(self) -> str:
        return _bilingual(self, "window_address")

    @property
    def opening_hours(self) -> str:
        return _bilingual(self, "opening_hours")

    @property
    def transit(self) -> str:
        return _bilingual(self, "transit")

    @property
    def licence_term_asked(self) -> bool:
        """Whether the licence runs to a date the applicant asks for (a form field marked
        ``"x-licence-valid-to": true``, e.g. an outdoor sign's 设置期限), within the basis's
        term."""
        properties = (self.form_schema or {}).get("properties") or {}
        return any(prop.get("x-licence-valid-to") is True for prop in properties.values())

    @property
    def is_free(self) -> bool:
        return self.fee_amount == 0

    @property
    def is_editable(self) -> bool:
        return self.status == VersionStatus.DRAFT

    def clean(self):
        super().clean()
        if self.promised_limit_days > self.statutory_limit_days:
            raise ValidationError(
                {"promised_limit_days": _("The promised limit cannot exceed the statutory one.")}
            )
        if not (self.for_persons or self.for_businesses):
            raise ValidationError(_("At least one kind of applicant must be allowed."))


def _stored_version_is_draft(version_pk: int) -> bool:
    stored = ServiceVersion.objects.filter(pk=version_pk).values_list("status", flat=True).first()
    return stored in (None, VersionStatus.DRAFT)


class MaterialMedium(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    ELECTRONIC = "electronic", _("Electronic")


class Material(models.Model):
    """A document the applicant provides (申请材料), one upload slot in the application."""

    version = models.ForeignKey(
        ServiceVersion,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name=_("service version"),
    )
    key = models.SlugField(_("key"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    medium = models.CharField(
        _("form"),
        max_length=12,
        choices=MaterialMedium.choices,
        default=MaterialMedium.ELECTRONIC,
    )
    template = models.FileField(
        _("template or sample"), upload_to="catalogue/templates/%Y/", blank=True
    )
    # 材料复用: a valid licence issued for this service item can stand in for the upload.
    reusable_licence_item_code = models.CharField(
        _("licence that can stand in (item code)"), max_length=40, blank=True
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="material_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not _stored_version_is_draft(self.version_id):
            raise ValidationError(_("The materials of a published version cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return _bilingual(self, "name")

    @property
    def description(self) -> str:
        return _bilingual(self, "description")


class GuideFormKind(models.TextChoices):
    SAMPLE = "sample", _("Sample form (filled-in example)")
    BLANK = "blank", _("Blank form")


def guide_form_path(instance, filename: str) -> str:
    # The uploader's name is never used for storage (approvals.security.uploads): a generated name
    # with the extension of the type detected from the content.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"catalogue/guide-forms/{uuid.uuid4().hex}.{extension}"


class GuideForm(models.Model):
    """A form to download from the guide (样表 and blank forms): a PDF or an image, inspected as
    hostile when uploaded, part of its version (a published version's forms never change)."""

    version = models.ForeignKey(
        ServiceVersion,
        on_delete=models.CASCADE,
        related_name="guide_forms",
        verbose_name=_("service version"),
    )
    key = models.SlugField(_("key"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=GuideFormKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    file = models.FileField(_("file"), upload_to=guide_form_path)

    class Meta:
        verbose_name = _("form to download")
        verbose_name_plural = _("forms to download")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="guide_form_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not _stored_version_is_draft(self.version_id):
            raise ValidationError(_("The forms of a published version cannot be changed."))
        super().save(*args, **kwargs)

    @property
    def name(self) -> str:
        return _bilingual(self, "name")

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].lower() if "." in self.file.name else ""


class ServiceSearchDocument(models.Model):
    """The search words of one published version (segmented Chinese, pinyin, initials, English),
    computed when it is published, so that a search never segments a guide. Deleted when the
    version stops being the published one."""

    id = models.BigAutoField(primary_key=True)
    version = models.OneToOneField(
        ServiceVersion,
        on_delete=models.CASCADE,
        related_name="search_document",
        verbose_name=_("service version"),
    )
    # [indexed word, weight, word shown to the reader], see approvals.domain.service_search.
    entries = models.JSONField(_("entries"), default=list)
    built_at = models.DateTimeField(_("built at"), auto_now_add=True)

    class Meta:
        verbose_name = _("service search document")
        verbose_name_plural = _("service search documents")

    def __str__(self) -> str:
        return f"search document of version {self.version_id}"
