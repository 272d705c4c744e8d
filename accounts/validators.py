"""Django validators for the identifiers, with translated messages."""

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


def validate_id_number(value: str) -> None:
    problem = identifiers.id_number_problem(value)
    if problem:
        raise ValidationError(_ID_MESSAGES[problem], code=f"id_number_{problem}")


_DOCUMENT_MESSAGES = {
    "type": _("Choose the kind of identity document."),
    "format": _("This number does not have the form of the chosen identity document."),
    "birth_date": _("This number does not contain a real date of birth."),
    "checksum": _("This number's check character is wrong. Please check each character."),
}
_DOCUMENT_FORMATS = {
    identifiers.RESIDENCE_PERMIT: _(
        "A residence permit number has 18 characters and begins with 81, 82 or 83."
    ),
    identifiers.HK_MACAU_PERMIT: _("A travel permit number is H or M followed by 8 digits."),
    identifiers.TAIWAN_PERMIT: _("A Taiwan residents' travel permit number has 8 digits."),
    identifiers.FOREIGN_PERMANENT_RESIDENCE: _(
        "A permanent resident ID card number has 18 digits beginning with 9, or, on older cards, "
        "3 letters and 12 digits."
    ),
    identifiers.PASSPORT: _("A passport number has 5 to 17 letters and digits."),
}


def validate_document_number(document_type: str, value: str) -> None:
    """The number of an identity document of ``document_type`` (see ``identifiers``)."""
    if document_type == identifiers.RESIDENT_ID:
        validate_id_number(value)
        return
    problem = identifiers.document_number_problem(document_type, value)
    if problem:
        message = (
            _DOCUMENT_FORMATS.get(document_type, _DOCUMENT_MESSAGES["format"])
            if problem == "format"
            else _DOCUMENT_MESSAGES[problem]
        )
        raise ValidationError(message, code=f"id_number_{problem}")


def validate_uscc(value: str) -> None:
    problem = identifiers.uscc_problem(value)
    if problem:
        raise ValidationError(_USCC_MESSAGES[problem], code=f"uscc_{problem}")


def validate_mobile(value: str) -> None:
    """A mobile number anyone who may apply can hold: the mainland, Hong Kong, Macau, Taiwan or
    abroad, as ``normalize_mobile`` stores it (E.164)."""
    if not identifiers.is_valid_mobile(identifiers.normalize_mobile(value)):
        raise ValidationError(
            _(
                "Enter a mobile number: a mainland number of 11 digits starting with 1, or a "
                "number from elsewhere starting with + and the country code."
            ),
            code="mobile",
        )


def normalize_mobile(value: str) -> str:
    """The number in E.164 form (``+8613800138000``); a number without a country code is read as
    a mainland one. What cannot be read at all is returned without its spaces, to be refused."""
    return identifiers.normalize_mobile(value)
