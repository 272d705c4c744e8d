"""Signing up as a person and registering a business, checked against the base registries."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import (
    Business,
    BusinessMembership,
    LegalPersonStatus,
    MembershipRole,
    MembershipStatus,
    PersonProfile,
    User,
)
from accounts.services.registration import business_register, person_register
from audit.chain import verify_chain
from audit.models import AuditEvent
from tests.factories import (
    DEFAULT_PASSWORD,
    LegalPersonRecordFactory,
    PersonFactory,
    PopulationRecordFactory,
    UserFactory,
    make_id_number,
    make_uscc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry_person():
    """A living person in the population registry, born 1985-03-09, female (even 17th digit)."""
    return PopulationRecordFactory(
        id_number=make_id_number(region="350102", birth_date=datetime.date(1985, 3, 9), seq=124),
        name="王芳",
        address="福建省福州市鼓楼区东街12号",
    )


def sign_up(record, **overrides) -> User:
    data = {
        "email": "wang.fang@example.cn",
        "mobile": "13800138000",
        "password": DEFAULT_PASSWORD,
        "real_name": record.name,
        "id_number": record.id_number,
    } | overrides
    return person_register(**data)


def refused_fields(record, **overrides) -> dict:
    """The field errors of a refused sign-up; also checks that nothing was saved."""
    users_before = User.objects.count()
    profiles_before = PersonProfile.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        sign_up(record, **overrides)
    assert User.objects.count() == users_before
    assert PersonProfile.objects.count() == profiles_before
    assert not AuditEvent.objects.filter(action="account.registered").exists()
    return excinfo.value.message_dict


# --- person_register: success ------------------------------------------------------------------


def test_a_person_in_the_registry_gets_an_account_with_registry_data(registry_person):
    user = sign_up(registry_person, preferred_language="zh-hans")

    user.refresh_from_db()
    assert user.email == "wang.fang@example.cn"
    assert user.mobile == "+8613800138000"
    assert user.display_name == "王芳"
    assert user.preferred_language == "zh-hans"
    assert user.check_password(DEFAULT_PASSWORD)
    person = user.person
    assert person.real_name == "王芳"
    assert person.id_number == registry_person.id_number
    assert person.gender == "female"
    assert person.birth_date == datetime.date(1985, 3, 9)
    assert person.address == "福建省福州市鼓楼区东街12号"
    assert person.verified_at is not None


def test_sign_up_records_an_account_registered_event(registry_person, audit_log):
    user = sign_up(registry_person)

    [event] = audit_log.new()
    assert event.action == "account.registered"
    assert event.actor == user
    assert event.actor_label == f"{user.pk}:wang.fang@example.cn"
    assert (event.object_type, event.object_id) == ("accounts.user", str(user.pk))
    assert event.changes == {"person_profile": [None, user.person.pk]}
    assert event.outcome == "done"
    assert verify_chain() is None


def test_typed_values_are_normalised(registry_person):
    user = sign_up(
        registry_person,
        email=" Wang.Fang@Example.CN ",
        mobile="+86 138 0013 8000",
        id_number=registry_person.id_number.lower() + " ",
        real_name=" 王 芳 ",
    )

    assert user.email == "wang.fang@example.cn"
    assert user.mobile == "+8613800138000"
    assert user.person.id_number == registry_person.id_number
    assert user.person.real_name == "王芳"  # the registry's spelling, not what was typed


def test_a_lower_case_x_id_number_matches_the_registry():
    record = PopulationRecordFactory(id_number="11010519491231002X", name="Li Lei")

    user = sign_up(record, id_number="11010519491231002x", real_name="li lei")

    assert user.person.id_number == "11010519491231002X"


def test_a_very_long_email_address_can_sign_up(registry_person):
    # 246 characters: longer than the audit event's actor label column.
    email = "w" * 64 + "@" + "d" * 63 + "." + "e" * 63 + "." + "f" * 50 + ".cn"

    user = sign_up(registry_person, email=email)

    assert user.email == email
    assert AuditEvent.objects.get(action="account.registered").actor == user
    assert verify_chain() is None


# --- person_register: refusals -----------------------------------------------------------------


def test_an_id_number_missing_from_the_registry_is_refused(registry_person):
    errors = refused_fields(registry_person, id_number=make_id_number(seq=998))

    assert list(errors) == ["id_number"]
    assert "population registry has no person" in errors["id_number"][0]


def test_a_name_that_does_not_match_the_registry_is_refused(registry_person):
    errors = refused_fields(registry_person, real_name="王芬")

    assert list(errors) == ["real_name"]
    assert "does not match the population registry" in errors["real_name"][0]


def test_an_id_number_with_a_wrong_check_character_is_refused(registry_person):
    wrong = registry_person.id_number[:17] + ("1" if registry_person.id_number[17] != "1" else "2")

    errors = refused_fields(registry_person, id_number=wrong)

    assert list(errors) == ["id_number"]
    assert "check character is wrong" in errors["id_number"][0]


def test_an_id_number_with_an_impossible_birth_date_is_refused(registry_person):
    errors = refused_fields(registry_person, id_number="11010519490230002X")

    assert "real date of birth" in errors["id_number"][0]


def test_a_deceased_persons_id_number_is_refused():
    record = PopulationRecordFactory(is_deceased=True)

    errors = refused_fields(record)

    assert list(errors) == ["id_number"]
    assert "cannot be used to register" in errors["id_number"][0]


@pytest.mark.parametrize(
    ("existing", "typed"),
    [
        pytest.param(
            {"email": "wang.fang@example.cn"}, {"email": "WANG.FANG@example.cn"}, id="email"
        ),
        pytest.param({"mobile": "13800138000"}, {"mobile": "+86 138-0013-8000"}, id="mobile"),
        pytest.param("person", {}, id="id-number"),
    ],
)
def test_details_already_in_use_create_nothing_and_tell_the_owner_instead(
    registry_person, existing, typed, django_capture_on_commit_callbacks, settings
):
    # given an account that already holds one of the details
    settings.SMS_BACKEND = "tests.accounts.services.test_registration.RecordingSMS"
    RecordingSMS.sent.clear()
    if existing == "person":
        owner = PersonFactory(
            record=registry_person, user__email="owner@example.cn", user__preferred_language="en"
        ).user
    else:
        owner = UserFactory(
            **({"email": "owner@example.cn", "preferred_language": "en"} | existing)
        )
    users_before = User.objects.count()

    # when someone signs up with it
    with django_capture_on_commit_callbacks(execute=True):
        result = sign_up(registry_person, **typed)

    # then no error says so, nothing is created, and the owner is told by email and SMS
    assert result is None
    assert User.objects.count() == users_before
    [email] = mail.outbox
    assert email.to == [owner.email]
    assert "already belong to your account" in email.body
    assert [mobile for mobile, _text in RecordingSMS.sent] == [owner.mobile]
    assert AuditEvent.objects.get(action="account.sign_up_repeated").object_id == str(owner.pk)


def test_a_new_account_waits_for_the_emailed_link(
    registry_person, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(registry_person)

    assert not User.objects.get(pk=user.pk).is_active
    [email] = mail.outbox
    assert email.to == ["wang.fang@example.cn"]
    link = re.search(r"https?://\S+/accounts/signup/confirm/\S+/", email.body).group(0)
    path = "/" + link.split("/", 3)[3]

    response = client.get(path)

    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).is_active
    assert AuditEvent.objects.filter(action="account.activated", actor=user).exists()
    # the link works once
    client.logout()
    assert client.get(path).status_code == 400


class RecordingSMS:
    sent: list = []

    def send(self, mobile, message):
        self.sent.append((mobile, message))


@pytest.mark.parametrize(
    ("email", "message_part"),
    [
        pytest.param("", "valid email", id="empty"),
        pytest.param("wang.fang", "valid email", id="no-at-sign"),
        pytest.param("wang@fang@example.cn", "valid email", id="two-at-signs"),
    ],
)
def test_an_invalid_email_address_is_refused(registry_person, email, message_part):
    errors = refused_fields(registry_person, email=email)

    assert list(errors) == ["email"]
    assert message_part in errors["email"][0]


@pytest.mark.parametrize("mobile", ["", "1380013800", "23800138000"])
def test_an_invalid_mobile_number_is_refused(registry_person, mobile):
    errors = refused_fields(registry_person, mobile=mobile)

    assert list(errors) == ["mobile"]


@pytest.mark.parametrize(
    ("password", "message_part"),
    [
        pytest.param("Tr0ub4dor&3", "too short", id="short"),
        pytest.param("qwerty123456", "too common", id="common"),
        pytest.param("583920174652", "entirely numeric", id="numeric"),
        pytest.param("wang.fang@example.cn", "too similar", id="like-the-email"),
    ],
)
def test_a_weak_password_is_refused(registry_person, password, message_part):
    errors = refused_fields(registry_person, password=password)

    assert list(errors) == ["password"]
    assert any(message_part in message for message in errors["password"])


def test_every_problem_is_reported_at_once(registry_person):
    errors = refused_fields(
        registry_person, email="wang", mobile="123", password="short", real_name="别人"
    )

    assert set(errors) == {"email", "mobile", "password", "real_name"}


# --- business_register -------------------------------------------------------------------------


@pytest.fixture
def representative():
    return PersonFactory(real_name="陈建国")


@pytest.fixture
def registry_business(representative):
    return LegalPersonRecordFactory(
        name="福州闽江餐饮有限公司",
        legal_representative="陈建国",
        legal_representative_id_number=representative.id_number,
        address="福建省福州市台江区江滨路8号",
    )


def refused_business(**kwargs) -> dict:
    businesses_before = Business.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        business_register(**kwargs)
    assert Business.objects.count() == businesses_before
    assert not AuditEvent.objects.filter(action="business.registered").exists()
    return excinfo.value.message_dict


def test_the_legal_representative_registers_the_business_and_becomes_its_admin(
    representative, registry_business, audit_log
):
    business = business_register(user=representative.user, uscc=registry_business.uscc)

    business.refresh_from_db()
    assert business.name == "福州闽江餐饮有限公司"
    assert business.legal_representative == "陈建国"
    assert business.address == "福建省福州市台江区江滨路8号"
    assert business.verified_at is not None
    membership = BusinessMembership.objects.get(business=business)
    assert membership.user == representative.user
    assert membership.role == MembershipRole.ADMIN
    assert membership.status == MembershipStatus.ACTIVE
    [event] = audit_log.new()
    assert event.action == "business.registered"
    assert event.actor == representative.user
    assert (event.object_type, event.object_id) == ("accounts.business", str(business.pk))
    assert event.changes == {"admin_membership": [None, membership.pk]}


def test_a_lower_case_code_is_normalised(representative, registry_business):
    business = business_register(user=representative.user, uscc=registry_business.uscc.lower())

    assert business.uscc == registry_business.uscc


def test_a_representative_recorded_with_a_lower_case_x_is_recognised():
    record = PopulationRecordFactory(id_number="11010519491231002X")
    person = PersonFactory(record=record)
    business_record = LegalPersonRecordFactory(legal_representative_id_number="11010519491231002x")

    business = business_register(user=person.user, uscc=business_record.uscc)

    assert business.memberships.get().user == person.user


def test_another_person_cannot_register_the_business(registry_business):
    someone_else = PersonFactory()

    errors = refused_business(user=someone_else.user, uscc=registry_business.uscc)

    assert "names another person" in errors["uscc"][0]
    assert not BusinessMembership.objects.exists()


def test_a_code_missing_from_the_registry_is_refused(representative):
    errors = refused_business(user=representative.user, uscc=make_uscc(seq=9_999_991))

    assert "has no business with this code" in errors["uscc"][0]


@pytest.mark.parametrize("status", [LegalPersonStatus.DEREGISTERED, LegalPersonStatus.REVOKED])
def test_a_business_no_longer_trading_is_refused(representative, status):
    record = LegalPersonRecordFactory(
        legal_representative_id_number=representative.id_number, status=status
    )

    errors = refused_business(user=representative.user, uscc=record.uscc)

    assert "no longer trading" in errors["uscc"][0]


def test_a_business_already_registered_is_refused(representative, registry_business):
    business_register(user=representative.user, uscc=registry_business.uscc)

    with pytest.raises(ValidationError) as excinfo:
        business_register(user=representative.user, uscc=registry_business.uscc)

    assert "already registered" in excinfo.value.message_dict["uscc"][0]
    assert Business.objects.count() == 1
    assert BusinessMembership.objects.count() == 1
    assert AuditEvent.objects.filter(action="business.registered").count() == 1


@pytest.mark.parametrize("uscc", ["91350100M000100Y44", "91350100M000100Y4Z", ""])
def test_an_invalid_code_is_refused(representative, uscc):
    errors = refused_business(user=representative.user, uscc=uscc)

    assert list(errors) == ["uscc"]
    assert "Unified Social Credit Code" in errors["uscc"][0]


def test_an_account_without_a_verified_person_cannot_register_a_business(registry_business):
    official = UserFactory()

    errors = refused_business(user=official, uscc=registry_business.uscc)

    assert "verified against the population registry" in errors["__all__"][0]


def test_a_person_may_register_several_businesses(representative, registry_business):
    second = LegalPersonRecordFactory(legal_representative_id_number=representative.id_number)

    business_register(user=representative.user, uscc=registry_business.uscc)
    business_register(user=representative.user, uscc=second.uscc)

    assert representative.user.businesses.count() == 2


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        pytest.param("+852 9123 4567", "+85291234567", id="hong-kong"),
        pytest.param("+853 6612 3456", "+85366123456", id="macau"),
        pytest.param("+886 912 345 678", "+886912345678", id="taiwan"),
        pytest.param("+44 7911 123456", "+447911123456", id="abroad"),
    ],
)
def test_a_mobile_number_from_outside_the_mainland_is_accepted_and_stored_e164(
    registry_person, typed, stored
):
    user = sign_up(registry_person, mobile=typed)

    assert User.objects.get(pk=user.pk).mobile == stored
