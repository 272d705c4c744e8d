"""Signing up as a person and registering a business, checked against the base registries."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import identifiers
from accounts.models import (
    Business,
    BusinessMembership,
    MembershipRole,
    MembershipStatus,
    PersonProfile,
    User,
)
from accounts.registries import legal_person_registry, population_registry
from accounts.validators import normalize_mobile, validate_id_number, validate_mobile, validate_uscc
from approvals.audit import audit_record


def _names_match(entered: str, registered: str) -> bool:
    return "".join(entered.split()).casefold() == "".join(registered.split()).casefold()


def person_register(
    *,
    email: str,
    mobile: str,
    password: str,
    real_name: str,
    id_number: str,
    preferred_language: str = "",
) -> User:
    """Create a citizen's account after checking name and ID number against the population
    registry; gender, date of birth and address are taken from the registry (一数一源).

    Raises ``ValidationError`` with field errors; nothing is saved then.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    mobile = normalize_mobile(mobile)
    id_number = identifiers.normalize_id_number(id_number)
    real_name = real_name.strip()

    errors: dict[str, list] = {}

    def check(field, validator, value):
        try:
            validator(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    check("email", validate_email, email)
    check("id_number", validate_id_number, id_number)
    check("mobile", validate_mobile, mobile)
    if User.objects.filter(email__iexact=email).exists():
        errors.setdefault("email", []).append(
            _("An account with this email address already exists.")
        )
    if mobile and User.objects.filter(mobile=mobile).exists():
        errors.setdefault("mobile", []).append(
            _("An account with this mobile number already exists.")
        )
    if "id_number" not in errors and PersonProfile.objects.filter(id_number=id_number).exists():
        errors.setdefault("id_number", []).append(
            _("An account for this ID number already exists. Use “Forgot password” to recover it.")
        )
    candidate = User(email=email, mobile=mobile, display_name=real_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)

    record = None
    if "id_number" not in errors:
        record = population_registry().lookup_person(id_number)
        if record is None:
            errors.setdefault("id_number", []).append(
                _(
                    "The population registry has no person with this ID number. Check the number, "
                    "or apply in person at the service window."
                )
            )
        elif record.is_deceased:
            errors.setdefault("id_number", []).append(
                _("This ID number cannot be used to register an account.")
            )
        elif not _names_match(real_name, record.name):
            errors.setdefault("real_name", []).append(
                _(
                    "The name does not match the population registry record for this ID number. "
                    "Enter your name exactly as it appears on your ID card."
                )
            )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            mobile=mobile,
            display_name=record.name,
            preferred_language=preferred_language,
        )
        profile = PersonProfile.objects.create(
            user=user,
            real_name=record.name,
            id_number=id_number,
            gender=record.gender,
            birth_date=record.birth_date,
            address=record.address,
            verified_at=timezone.now(),
        )
        audit_record(
            action="account.registered",
            actor=user,
            obj=user,
            changes={"person_profile": [None, profile.pk]},
        )
    return user


def business_register(*, user: User, uscc: str) -> Business:
    """Register a business for its legal representative, who becomes its administrator.

    The business's name, representative and address come from the legal-person registry; the
    signed-in person must be the representative the registry names.
    """
    uscc = identifiers.normalize_uscc(uscc)
    try:
        validate_uscc(uscc)
    except ValidationError as exc:
        raise ValidationError({"uscc": exc.messages}) from exc
    person = getattr(user, "person", None)
    if person is None:
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "Only a person verified against the population registry can register "
                        "a business."
                    )
                ]
            }
        )
    if Business.objects.filter(uscc=uscc).exists():
        raise ValidationError(
            {
                "uscc": [
                    _(
                        "This business is already registered. Ask its administrator to invite "
                        "you as an agent."
                    )
                ]
            }
        )
    record = legal_person_registry().lookup_business(uscc)
    if record is None:
        raise ValidationError(
            {"uscc": [_("The legal-person registry has no business with this code.")]}
        )
    if not record.is_active:
        raise ValidationError(
            {"uscc": [_("The legal-person registry lists this business as no longer trading.")]}
        )
    if record.legal_representative_id_number.upper() != person.id_number:
        raise ValidationError(
            {
                "uscc": [
                    _(
                        "The legal-person registry names another person as this business's legal "
                        "representative. Only the legal representative can register it; ask them "
                        "to invite you as an agent."
                    )
                ]
            }
        )
    with transaction.atomic():
        business = Business.objects.create(
            name=record.name,
            uscc=uscc,
            legal_representative=record.legal_representative,
            address=record.address,
            verified_at=timezone.now(),
        )
        membership = BusinessMembership.objects.create(
            business=business,
            user=user,
            role=MembershipRole.ADMIN,
            status=MembershipStatus.ACTIVE,
        )
        audit_record(
            action="business.registered",
            actor=user,
            obj=business,
            changes={"admin_membership": [None, membership.pk]},
        )
    return business
