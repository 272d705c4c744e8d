"""Signing up as a person and registering a business, checked against the base registries."""

import functools
import logging

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
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
from accounts.validators import (
    normalize_mobile,
    validate_document_number,
    validate_mobile,
    validate_uscc,
)
from audit.chain import audit_record
from audit.models import AuditOutcome
from messaging.language import recipient_language
from messaging.links import absolute_link
from messaging.sms import get_sms_backend

logger = logging.getLogger("portal.accounts")


class SignUpTokenGenerator(PasswordResetTokenGenerator):
    """Links that confirm a new account's email address: invalid once the account is active."""

    key_salt = "accounts.services.registration.SignUpTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


sign_up_tokens = SignUpTokenGenerator()


def _names_match(entered: str, registered: str) -> bool:
    return "".join(entered.split()).casefold() == "".join(registered.split()).casefold()


def person_register(
    *,
    email: str,
    mobile: str,
    password: str,
    real_name: str,
    id_number: str,
    id_type: str = identifiers.RESIDENT_ID,
    preferred_language: str = "",
) -> User | None:
    """Create a citizen's account after checking name and ID number against the population
    registry; gender, date of birth and address are taken from the registry (一数一源).

    The account stays inactive until the emailed link is opened (``person_activate``). When the
    email address, mobile number or ID number already belongs to an account, nothing is created
    and ``None`` is returned: the owner is told by email and SMS instead, so that the page answers
    the same whether or not the person is registered.

    Raises ``ValidationError`` with field errors; nothing is saved then.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    mobile = normalize_mobile(mobile)
    id_number = identifiers.normalize_document_number(id_number)
    real_name = real_name.strip()

    errors: dict[str, list] = {}

    def check(field, validator, value):
        try:
            validator(value)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    check("email", validate_email, email)
    check("id_number", functools.partial(validate_document_number, id_type), id_number)
    check("mobile", validate_mobile, mobile)
    candidate = User(email=email, mobile=mobile, display_name=real_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)

    record = None
    if "id_number" not in errors:
        record = population_registry().lookup_person(id_number, id_type)
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

    owners = _accounts_holding(email=email, mobile=mobile, id_type=id_type, id_number=id_number)
    if owners:
        _tell_owners_of_repeated_sign_up(owners)
        return None

    with transaction.atomic():
        user = User.objects.create_user(
            email=email,
            password=password,
            mobile=mobile,
            display_name=record.name,
            preferred_language=preferred_language,
            is_active=False,
        )
        profile = PersonProfile.objects.create(
            user=user,
            real_name=record.name,
            id_type=id_type,
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
        transaction.on_commit(lambda: send_sign_up_link(user))
    return user


def _accounts_holding(*, email: str, mobile: str, id_type: str, id_number: str) -> list[User]:
    """The accounts that already use any of these details, once each."""
    matches = Q(email__iexact=email) | Q(person__id_number=id_number, person__id_type=id_type)
    if mobile:
        matches |= Q(mobile=mobile)
    return list(User.objects.filter(matches).distinct().order_by("pk"))


def _tell_owners_of_repeated_sign_up(owners: list[User]) -> None:
    with transaction.atomic():
        for owner in owners:
            audit_record(action="account.sign_up_repeated", obj=owner, outcome=AuditOutcome.DENIED)
            transaction.on_commit(functools.partial(_send_repeat_notice, owner))


def _send_repeat_notice(owner: User) -> None:
    if not owner.is_active and owner.last_login is None:
        # Never confirmed: the person is probably trying again; send the link again.
        send_sign_up_link(owner)
        return
    with translation.override(recipient_language(owner)):
        subject = _("Someone tried to create an account with your details")
        body = _(
            "Someone tried to create an account on the one-stop approval portal with your email "
            "address, mobile number or ID number, which already belong to your account. If it was "
            "you, sign in, or reset your password: %(link)s. If it was not you, you need do "
            "nothing: no account was created."
        ) % {"link": absolute_link(reverse("accounts:password_reset"))}
        sms = _(
            "Someone tried to create an account with your details; you already have one. "
            "If it was you, sign in or reset your password."
        )
    deliver_to_owner(owner, subject, body, sms)


def send_sign_up_link(user: User) -> None:
    """Email the link that confirms the address and activates the account."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = absolute_link(
        reverse(
            "accounts:signup_confirm",
            kwargs={"uidb64": uid, "token": sign_up_tokens.make_token(user)},
        )
    )
    with translation.override(recipient_language(user)):
        subject = _("Confirm your email address to finish creating your account")
        body = _(
            "To finish creating your account on the one-stop approval portal, open this link "
            "within one hour: %(link)s. If you did not sign up, ignore this email."
        ) % {"link": link}
        sms = _("Your account is almost ready: open the link we emailed you to finish.")
    deliver_to_owner(user, subject, body, sms)


def deliver_to_owner(user: User, subject: str, body: str, sms: str) -> None:
    """Email and SMS to an account's owner (sign-up, unlock links); a failure is logged."""
    try:
        send_mail(str(subject), str(body), None, [user.email])
    except Exception:
        logger.exception("account email to user %s failed", user.pk)
    if user.mobile:
        try:
            get_sms_backend().send(user.mobile, str(sms))
        except Exception:
            logger.exception("account SMS to user %s failed", user.pk)


def person_activate(*, user: User) -> None:
    """The emailed link was opened: the address is the person's, the account becomes usable."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
        audit_record(action="account.activated", actor=user, obj=user)


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
