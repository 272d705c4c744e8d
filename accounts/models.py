"""Users, applicant profiles, businesses and their members, departments and official positions,
and the local copies of the base registries."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts import identifiers
from accounts.roles import Role
from accounts.validators import validate_document_number, validate_mobile, validate_uscc
from portal import request_context


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Users must have an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_login(self, identifier: str):
        """The user whose email or mobile number is ``identifier``; raises ``DoesNotExist``."""
        identifier = (identifier or "").strip()
        if "@" in identifier:
            return self.get(email__iexact=identifier)
        from accounts.validators import normalize_mobile

        return self.get(mobile=normalize_mobile(identifier))


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: applicants, officials, supervisors, administrators.

    Signs in with the email address or the mobile number. What a user may do comes from their
    person profile, their business memberships and their official positions.
    """

    email = models.EmailField(_("email address"), unique=True)
    # E.164 (``+8613800138000``): numbers from the mainland, Hong Kong, Macau, Taiwan and abroad.
    mobile = models.CharField(
        _("mobile number"),
        max_length=16,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_mobile],
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        help_text=_("Used for emails and documents sent to this user."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        self.mobile = identifiers.normalize_mobile(self.mobile) or None

    def save(self, *args, **kwargs):
        # One spelling per number, however it was typed or imported, so that it is unique.
        if self.mobile:
            self.mobile = identifiers.normalize_mobile(self.mobile)
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email

    @property
    def masked_mobile(self) -> str:
        return identifiers.mask_mobile(self.mobile or "")

    @property
    def requires_second_factor(self) -> bool:
        """Officials, supervisors and anyone who can reach the admin must use two-factor."""
        if self.is_staff or self.is_superuser:
            return True
        cached = getattr(self, "_has_positions", None)
        if cached is None:
            if request_context.reading_once():
                # The request reads the positions anyway (menus, policy): one statement for all.
                cached = bool(self.active_position_rows())
            else:
                cached = self.positions.filter(is_active=True).exists()
            self._has_positions = cached
        return cached

    def active_position_rows(self) -> tuple:
        """The user's active positions with their departments, by id: read once per read-only
        request, however many of the policy's questions it asks (``read_once``)."""
        if not self.pk:
            return ()
        return request_context.read_once(
            ("active_positions", self.pk),
            lambda: tuple(
                self.positions.filter(is_active=True).select_related("department").order_by("pk")
            ),
        )


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class IdentityDocument(models.TextChoices):
    """The identity documents residents hold, each checked as far as its format allows."""

    RESIDENT_ID = identifiers.RESIDENT_ID, _("Resident identity card")
    RESIDENCE_PERMIT = (
        identifiers.RESIDENCE_PERMIT,
        _("Residence permit for Hong Kong, Macau and Taiwan residents"),
    )
    HK_MACAU_PERMIT = (
        identifiers.HK_MACAU_PERMIT,
        _("Mainland travel permit for Hong Kong and Macau residents"),
    )
    TAIWAN_PERMIT = identifiers.TAIWAN_PERMIT, _("Mainland travel permit for Taiwan residents")
    FOREIGN_PERMANENT_RESIDENCE = (
        identifiers.FOREIGN_PERMANENT_RESIDENCE,
        _("Foreign permanent resident ID card"),
    )
    PASSPORT = identifiers.PASSPORT, _("Passport")


def identity_document_field() -> models.CharField:
    return models.CharField(
        _("identity document"),
        max_length=30,
        choices=IdentityDocument.choices,
        default=IdentityDocument.RESIDENT_ID,
    )


class PersonProfile(models.Model):
    """A natural person applicant, verified against the population registry (一数一源)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="person")
    real_name = models.CharField(_("real name"), max_length=100)
    id_type = identity_document_field()
    # The document's number; a resident ID number for most people.
    id_number = models.CharField(_("resident ID number"), max_length=18)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("registered address"), max_length=255, blank=True)
    verified_at = models.DateTimeField(_("verified against the registry at"), null=True, blank=True)

    class Meta:
        verbose_name = _("person profile")
        verbose_name_plural = _("person profiles")
        constraints = [
            models.UniqueConstraint(fields=["id_number", "id_type"], name="person_document_unique")
        ]

    def __str__(self) -> str:
        return f"{self.real_name} ({self.masked_id_number})"

    def clean(self):
        super().clean()
        validate_document_number(self.id_type, self.id_number)

    @property
    def masked_id_number(self) -> str:
        return identifiers.mask_id_number(self.id_number)


class Business(models.Model):
    """A legal person applicant, verified against the legal-person registry."""

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("Unified Social Credit Code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    address = models.CharField(_("registered address"), max_length=255, blank=True)
    verified_at = models.DateTimeField(_("verified against the registry at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    members = models.ManyToManyField(
        User,
        through="BusinessMembership",
        through_fields=("business", "user"),
        related_name="businesses",
    )

    class Meta:
        verbose_name = _("business")
        verbose_name_plural = _("businesses")

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Business administrator")
    AGENT = "agent", _("Authorised agent")


class MembershipStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    REMOVED = "removed", _("Removed")


class BusinessMembership(models.Model):
    """A person acting for a business: its administrator, or an agent the administrator invited."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MembershipStatus.choices,
        default=MembershipStatus.ACTIVE,
    )
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What an agent may do; an administrator may always do everything, whatever these say.
    can_apply = models.BooleanField(
        _("may apply for the business"),
        default=True,
        help_text=_("Start and submit applications in the name of the business."),
    )
    sees_all_applications = models.BooleanField(
        _("sees all applications of the business"),
        default=False,
        help_text=_("Otherwise only the applications this agent filed."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("business membership")
        verbose_name_plural = _("business memberships")
        constraints = [
            # A person holds at most one open membership per business; removed ones stay as history.
            models.UniqueConstraint(
                fields=["business", "user"],
                condition=~Q(status="removed"),
                name="membership_one_open_per_person",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"], name="membership_user_status")]

    def __str__(self) -> str:
        return f"{self.user} – {self.business} ({self.get_role_display()})"

    @property
    def may_apply(self) -> bool:
        return self.role == MembershipRole.ADMIN or self.can_apply

    @property
    def may_see_all_applications(self) -> bool:
        return self.role == MembershipRole.ADMIN or self.sees_all_applications


class DepartmentLevel(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")


LEVEL_ORDER = {level: rank for rank, level in enumerate(DepartmentLevel.values)}


class Department(models.Model):
    """A government body. The tree follows the administrative levels city → district → street →
    community; a functional department (market regulation, health, …) is a child of its level's
    government with the same level and region code."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    level = models.CharField(_("level"), max_length=10, choices=DepartmentLevel.choices)
    region_code = models.CharField(
        _("region code"),
        max_length=12,
        help_text=_("Administrative division code (GB/T 2260), 6 to 12 digits."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # 发文字号: an agency's documents are numbered after its short name (榕市监许〔2026〕12号).
    document_prefix = models.CharField(
        _("document number prefix"),
        max_length=20,
        blank=True,
        help_text=_(
            "The agency's short name at the start of its document numbers, e.g. 榕市监. "
            "Empty: the department code."
        ),
    )
    is_service_window = models.BooleanField(
        _("is the service window"),
        default=False,
        help_text=_("The administrative service centre that accepts applications (一窗受理)."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region_code", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en

    def clean(self):
        super().clean()
        if not self.region_code.isdigit() or not 6 <= len(self.region_code) <= 12:
            raise ValidationError({"region_code": _("A region code has 6 to 12 digits.")})
        if self.parent is None:
            return
        if LEVEL_ORDER[self.level] < LEVEL_ORDER[self.parent.level]:
            raise ValidationError(
                {"level": _("A department cannot be at a higher level than its parent.")}
            )
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A department cannot be its own ancestor.")})
            ancestor = ancestor.parent
        if not self.region_code.startswith(self.parent.region_code.rstrip("0")[:6]):
            raise ValidationError(
                {"region_code": _("The region code must lie within the parent's region.")}
            )

    def ancestors(self) -> list["Department"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def service_windows(self) -> list["Department"]:
        """The service window (一窗受理) that receives applications for this department's
        services: the active window departments of its region, else of the nearest ancestor's
        region (a district bureau's matters go to the district centre, a city bureau's to the
        city's)."""
        # The parents are read only as far as the search goes (most departments have a window
        # in their own region).
        candidate = self
        while candidate is not None:
            windows = list(
                Department.objects.filter(
                    is_service_window=True, is_active=True, region_code=candidate.region_code
                )
            )
            if windows:
                return windows
            candidate = candidate.parent
        return []


ROLE_LABELS = {
    Role.INTAKE_CLERK: _("Intake clerk"),
    Role.REVIEWER: _("Reviewer"),
    Role.APPROVER: _("Approver"),
    Role.DEPARTMENT_HEAD: _("Department head"),
    Role.SUPERVISOR: _("Supervisor"),
}
# The values are accounts.roles.Role's; the model adds the labels.
OfficialRole = models.TextChoices(
    "OfficialRole", [(role.name, (role.value, ROLE_LABELS[role])) for role in Role]
)


class OfficialPosition(models.Model):
    """A user's role in a department. One user may hold several positions."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="positions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="positions")
    role = models.CharField(_("role"), max_length=20, choices=OfficialRole.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("official position")
        verbose_name_plural = _("official positions")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department", "role"], name="position_unique_per_user"
            )
        ]
        indexes = [
            models.Index(fields=["department", "role", "is_active"], name="position_dept_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.department} – {self.get_role_display()}"


class PopulationRecord(models.Model):
    """A local copy of a population registry entry (户籍人口库), read through the adapter."""

    id_type = identity_document_field()
    id_number = models.CharField(_("resident ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    address = models.CharField(_("registered address"), max_length=255, blank=True)
    is_deceased = models.BooleanField(_("deceased"), default=False)

    class Meta:
        verbose_name = _("population registry record")
        verbose_name_plural = _("population registry records")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number", "id_type"], name="population_document_unique"
            )
        ]

    def __str__(self) -> str:
        masked_id = identifiers.mask_id_number(self.id_number)
        return f"{identifiers.mask_person_name(self.name)} ({masked_id})"


class LegalPersonStatus(models.TextChoices):
    ACTIVE = "active", _("In business")
    REVOKED = "revoked", _("Licence revoked")
    DEREGISTERED = "deregistered", _("Deregistered")


class LegalPersonRecord(models.Model):
    """A local copy of a legal-person registry entry (法人库), read through the registry adapter."""

    uscc = models.CharField(_("Unified Social Credit Code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    legal_representative_id_number = models.CharField(
        _("legal representative's ID number"), max_length=18
    )
    address = models.CharField(_("registered address"), max_length=255, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=15,
        choices=LegalPersonStatus.choices,
        default=LegalPersonStatus.ACTIVE,
    )

    class Meta:
        verbose_name = _("legal-person registry record")
        verbose_name_plural = _("legal-person registry records")

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"
