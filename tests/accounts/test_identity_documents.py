"""Identity documents other than the resident ID card: each checked as far as its format allows,
matched against the population registry, and masked wherever shown."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts import identifiers
from accounts.models import IdentityDocument, User
from accounts.services.registration import person_register
from accounts.validators import validate_document_number
from tests.factories import DEFAULT_PASSWORD, PopulationRecordFactory

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in the source language; the portal's default is Chinese."""
    with translation.override("en"):
        yield


def gb11643(first17: str) -> str:
    return first17 + identifiers.id_number_check_character(first17)


VALID = [
    (identifiers.RESIDENCE_PERMIT, gb11643("81000019900101001")),  # Hong Kong
    (identifiers.RESIDENCE_PERMIT, gb11643("82000019850612002")),  # Macau
    (identifiers.RESIDENCE_PERMIT, gb11643("83000019770303003")),  # Taiwan
    (identifiers.HK_MACAU_PERMIT, "H12345678"),
    (identifiers.HK_MACAU_PERMIT, "M1234567801"),  # an older card
    (identifiers.TAIWAN_PERMIT, "01234567"),
    (identifiers.TAIWAN_PERMIT, "0123456789"),
    (identifiers.FOREIGN_PERMANENT_RESIDENCE, gb11643("93114219900101001")),  # since 2023
    (identifiers.FOREIGN_PERMANENT_RESIDENCE, "USA110090010101"),  # before 2023
    (identifiers.PASSPORT, "E12345678"),
    (identifiers.PASSPORT, "K1234567"),
]

INVALID = [
    (identifiers.RESIDENCE_PERMIT, gb11643("11010519900101001"), "format"),  # a resident ID
    (identifiers.RESIDENCE_PERMIT, gb11643("84000019900101001"), "format"),
    (identifiers.RESIDENCE_PERMIT, gb11643("81000019901301001"), "birth_date"),
    (identifiers.RESIDENCE_PERMIT, gb11643("81000019900101001")[:-1] + "Y", "format"),
    (identifiers.HK_MACAU_PERMIT, "A12345678", "format"),
    (identifiers.HK_MACAU_PERMIT, "H1234567", "format"),
    (identifiers.TAIWAN_PERMIT, "1234567", "format"),
    (identifiers.TAIWAN_PERMIT, "T1234567", "format"),
    (identifiers.FOREIGN_PERMANENT_RESIDENCE, gb11643("13114219900101001"), "format"),
    (identifiers.FOREIGN_PERMANENT_RESIDENCE, "US1100900101010", "format"),
    (identifiers.PASSPORT, "ABCDEFGH", "format"),
    (identifiers.PASSPORT, "E12<>", "format"),
    ("driving_licence", "123456789", "type"),
]


@pytest.mark.parametrize(("document_type", "number"), VALID)
def test_each_document_accepts_its_own_numbers(document_type, number):
    assert identifiers.document_number_problem(document_type, number, today=TODAY) is None


@pytest.mark.parametrize(("document_type", "number", "problem"), INVALID)
def test_each_document_refuses_numbers_of_another_form(document_type, number, problem):
    assert identifiers.document_number_problem(document_type, number, today=TODAY) == problem


def test_a_check_character_is_checked_where_the_document_has_one():
    for document_type, first17 in [
        (identifiers.RESIDENCE_PERMIT, "81000019900101001"),
        (identifiers.FOREIGN_PERMANENT_RESIDENCE, "93114219900101001"),
    ]:
        right = gb11643(first17)
        wrong = first17 + ("0" if right[-1] != "0" else "1")
        assert identifiers.document_number_problem(document_type, wrong) == "checksum"


def test_typed_spaces_dashes_and_lower_case_are_forgiven():
    assert identifiers.normalize_document_number(" h1234-5678 ") == "H12345678"
    assert identifiers.document_number_problem(identifiers.HK_MACAU_PERMIT, "h1234 5678") is None


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("H12345678", "H******78"),
        ("E12345678", "E******78"),
        ("USA110090010101", "USA1*******0101"),
        ("01234567", "********"),
    ],
)
def test_short_document_numbers_are_masked_too(number, masked):
    assert identifiers.mask_id_number(number) == masked


def test_the_validator_says_what_the_document_looks_like():
    with pytest.raises(ValidationError) as excinfo:
        validate_document_number(identifiers.HK_MACAU_PERMIT, "X1")

    assert "H or M followed by 8 digits" in excinfo.value.messages[0]


# --- signing up with them -----------------------------------------------------------------------


def _sign_up(record, **overrides):
    data = {
        "email": "chan.taiman@example.hk",
        "mobile": "+852 9123 4567",
        "password": DEFAULT_PASSWORD,
        "real_name": record.name,
        "id_type": record.id_type,
        "id_number": record.id_number,
    } | overrides
    return person_register(**data)


@pytest.mark.django_db
@pytest.mark.parametrize(("document_type", "number"), VALID[::2], ids=lambda v: str(v)[:12])
def test_a_holder_of_another_document_in_the_registry_signs_up(document_type, number):
    record = PopulationRecordFactory(
        id_type=document_type,
        id_number=number,
        name="Chan Tai Man",
        gender="male",
        birth_date=datetime.date(1990, 1, 1),
    )

    user = _sign_up(record, id_number=number.lower())

    profile = User.objects.get(pk=user.pk).person
    assert (profile.id_type, profile.id_number) == (document_type, number)
    assert profile.real_name == "Chan Tai Man"
    assert number not in str(profile)


@pytest.mark.django_db
def test_the_registry_is_asked_for_the_same_kind_of_document():
    # a passport number the registry knows, typed as if it were a Taiwan travel permit
    record = PopulationRecordFactory(
        id_type=IdentityDocument.PASSPORT,
        id_number="12345678",
        name="Lin Mei",
        gender="female",
        birth_date=datetime.date(1990, 1, 1),
    )

    with pytest.raises(ValidationError) as excinfo:
        _sign_up(record, id_type=IdentityDocument.TAIWAN_PERMIT)

    assert "population registry has no person" in excinfo.value.message_dict["id_number"][0]
    assert not User.objects.filter(email="chan.taiman@example.hk").exists()


@pytest.mark.django_db
def test_a_number_of_the_wrong_form_for_the_document_is_refused_before_the_registry():
    record = PopulationRecordFactory(
        id_type=IdentityDocument.HK_MACAU_PERMIT,
        id_number="H12345678",
        name="Chan Tai Man",
        gender="male",
        birth_date=datetime.date(1990, 1, 1),
    )

    with pytest.raises(ValidationError) as excinfo:
        _sign_up(record, id_number="12345678")

    assert "H or M followed by 8 digits" in excinfo.value.message_dict["id_number"][0]
