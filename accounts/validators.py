"""Django validators for the identifiers, with translated messages."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import identifiers

_ID_MESSAGES = {
    "format": _("A resident ID number has 18 characters: 17 digits and a final digit or X."),
    "birth_date": _("This ID number does not contain a real date of birth."),
    "checksum": _("This ID number's check character is wrong. Please check each digit."),
}
_USCC_MESSAGES = {
    "format": _(
        "A Unified Social Credit Code has 18 characters: digits and capital letters other than "
        "I, O, S, V and Z."
    ),
    "checksum": _("This Unified Social Credit Code's check character is wrong."),
}
# ASCII digits, whole string: ``\d`` and ``$`` would admit full-width digits and a final newline.
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")


def validate_id_number(value: str) -> None:
    problem = identifiers.id_number_problem(value)
    if problem:
        raise ValidationError(_ID_MESSAGES[problem], code=f"id_number_{problem}")


def validate_uscc(value: str) -> None:
    problem = identifiers.uscc_problem(value)
    if problem:
        raise ValidationError(_USCC_MESSAGES[problem], code=f"uscc_{problem}")


def validate_mobile(value: str) -> None:
    if not MOBILE_PATTERN.fullmatch(value or ""):
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 1."), code="mobile"
        )


def normalize_mobile(value: str) -> str:
    """Strip spaces, dashes and a leading +86 country code."""
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits
