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
    "value",
    [
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
        pytest.param("12800138000", id="second-digit-2"),
        pytest.param("1380013800", id="10-digits"),
        pytest.param("138001380001", id="12-digits"),
        pytest.param("+8613800138000", id="not-normalised"),
        pytest.param("13800138000\n", id="trailing-newline"),
        pytest.param("１３８００１３８０００", id="full-width-digits"),
    ],
)
def test_other_mobile_numbers_are_rejected_with_a_hint(value):
    error = error_of(validate_mobile, value)

    assert error.code == "mobile"
    assert "11 digits starting with 1" in error.messages[0]


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+8613800138000", "13800138000"),
        ("0086-138-0013-8000", "13800138000"),
        (" 138 0013 8000 ", "13800138000"),
        ("", ""),
        (None, ""),
    ],
)
def test_mobile_numbers_are_normalised_before_checking(typed, normalised):
    assert normalize_mobile(typed) == normalised


def test_a_normalised_international_number_passes_validation():
    validate_mobile(normalize_mobile("+86 138-0013-8000"))
