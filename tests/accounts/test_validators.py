"""The Django validators forms and models use: the message a person reads and the error code."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.validators import (
    normalize_mobile,
    validate_id_number,
    validate_mobile,
    validate_uscc,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in the source language; the portal's default is Chinese."""
    with translation.override("en"):
        yield


def error_of(validator, value) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value


@pytest.mark.parametrize(
    "value", ["11010519491231002X", "11010519491231002x", "440524188001010014"]
)
def test_valid_id_numbers_pass(value):
    validate_id_number(value)


@pytest.mark.parametrize(
    ("value", "code", "message_part"),
    [
        ("1101051949123100", "id_number_format", "18 characters"),
        ("11010519490230002X", "id_number_birth_date", "real date of birth"),
        ("110105194912310021", "id_number_checksum", "check character is wrong"),
    ],
)
def test_invalid_id_numbers_say_what_is_wrong(value, code, message_part):
    error = error_of(validate_id_number, value)

    assert error.code == code
    assert message_part in error.messages[0]


def test_valid_uscc_passes():
    validate_uscc("91350100M000100Y43")


@pytest.mark.parametrize(
    ("value", "code", "message_part"),
    [
        ("91350100M000100Y4Z", "uscc_format", "other than I, O, S, V and Z"),
        ("91350100M000100Y44", "uscc_checksum", "check character is wrong"),
    ],
)
def test_invalid_usccs_say_what_is_wrong(value, code, message_part):
    error = error_of(validate_uscc, value)

    assert error.code == code
    assert message_part in error.messages[0]


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "15000000000"])
def test_mainland_mobile_numbers_pass(value):
    validate_mobile(value)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        pytest.param("+852 9123 4567", "+85291234567", id="hong-kong"),
        pytest.param("+853 6612 3456", "+85366123456", id="macau"),
        pytest.param("+886 912 345 678", "+886912345678", id="taiwan"),
        pytest.param("+44 7911 123456", "+447911123456", id="united-kingdom"),
        pytest.param("+1 (202) 555-0143", "+12025550143", id="united-states"),
        pytest.param("00852 9123 4567", "+85291234567", id="international-prefix"),
    ],
)
def test_mobile_numbers_from_hong_kong_macau_taiwan_and_abroad_pass_and_are_stored_e164(
    value, stored
):
    validate_mobile(value)

    assert normalize_mobile(value) == stored


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
        pytest.param("12800138000", id="second-digit-2"),
        pytest.param("1380013800", id="10-digits"),
        pytest.param("138001380001", id="12-digits"),
        pytest.param("+852 2123 4567", id="hong-kong-landline"),
        pytest.param("+44 20 7946 0958", id="london-landline"),
        pytest.param("+999 1234 5678", id="no-such-country"),
        pytest.param("phone me", id="words"),
    ],
)
def test_other_mobile_numbers_are_rejected_with_a_hint(value):
    error = error_of(validate_mobile, value)

    assert error.code == "mobile"
    assert "11 digits starting with 1" in error.messages[0]
    assert "country code" in error.messages[0]


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("13800138000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
        ("0086-138-0013-8000", "+8613800138000"),
        (" 138 0013 8000 ", "+8613800138000"),
        ("13800138000\n", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),  # typed with a full-width input method
        ("", ""),
        (None, ""),
    ],
)
def test_mobile_numbers_are_normalised_before_checking(typed, normalised):
    assert normalize_mobile(typed) == normalised


def test_a_normalised_international_number_passes_validation():
    validate_mobile(normalize_mobile("+86 138-0013-8000"))
