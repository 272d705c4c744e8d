"""Chinese national identifiers: checksums and masking (the masks are ``personal_data.masking``).
Pure functions, no Django models.

- Resident identity card number, GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check character.
- Unified Social Credit Code, GB 32100-2015: 18 characters with a modulo-31 check character.

The checks are python-stdnum's ``cn.ric`` and ``cn.uscc``; this module maps their exceptions to
reason codes the forms translate.
"""

import datetime
import re

import phonenumbers
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

# The masks live below every app (the audit trail and the SMS backend mask too); here they are
# part of the identifiers' face, as they always were.
from personal_data.masking import mask_id_number as mask_id_number
from personal_data.masking import mask_mobile as mask_mobile
from personal_data.masking import parse_mobile as _parse_mobile

# ASCII digits only: ``\d`` would also accept full-width and other Unicode digits.
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")

# GB 32100-2015 alphabet: digits and upper-case letters without I, O, Z, S, V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_SHAPE = re.compile(rf"[{USCC_ALPHABET}]{{18}}")


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_number_check_character(first17: str) -> str:
    return ric.calc_check_digit(first17 + "0")  # stdnum drops the last character


def id_number_birth_date(id_number: str) -> datetime.date | None:
    """The birth date encoded in positions 7–14, or None when it is not a real date."""
    try:
        return ric.get_birth_date(id_number)
    except (ValidationError, ValueError):
        return None


def _gb11643_problem(number: str, today: datetime.date | None) -> str | None:
    """What is wrong with an 18-character number of the resident-ID layout (birth date in 7–14,
    MOD 11-2 check), which the residence permit and the new foreign permanent residence card
    share."""
    birth_date = id_number_birth_date(number)
    today = today or datetime.date.today()
    if birth_date is None or birth_date > today or birth_date.year < 1850:
        return "birth_date"
    if id_number_check_character(number[:17]) != number[17]:
        return "checksum"
    return None


def id_number_problem(value: str, *, today: datetime.date | None = None) -> str | None:
    """Why ``value`` is not a valid resident ID number, or None when it is.

    The reasons are codes (``format``, ``birth_date``, ``checksum``) that forms translate. The
    birth date and check character come from python-stdnum's ``cn.ric``; its ``validate`` is not
    used because its birth-place table dates region codes by the birth year, which refuses real
    people born before their county got its code (``440524188001010014``), and fails with a
    KeyError on some codes. The population registry match is the real test of the region.
    """
    id_number = normalize_id_number(value)
    if not _ID_SHAPE.fullmatch(id_number):
        return "format"
    return _gb11643_problem(id_number, today)


def is_valid_id_number(value: str) -> bool:
    return id_number_problem(value) is None


def id_number_gender(id_number: str) -> str:
    """``male`` or ``female``, from the parity of the sequence code (17th digit)."""
    return "male" if int(id_number[16]) % 2 else "female"


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper()


def uscc_check_character(first17: str) -> str:
    return uscc.calc_check_digit(first17)


def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid Unified Social Credit Code, or None. Reasons are codes:
    ``format`` or ``checksum``.

    The check character is python-stdnum's ``cn.uscc``; its ``validate`` is not used because it
    wants digits in the first two places, where GB 32100-2015 also allows letters (the registration
    authority ``N``, ``Y``, …)."""
    code = normalize_uscc(value)
    if not _USCC_SHAPE.fullmatch(code):
        return "format"
    if uscc.calc_check_digit(code[:17]) != code[17]:
        return "checksum"
    return None


def is_valid_uscc(value: str) -> bool:
    return uscc_problem(value) is None


_MOBILE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


def normalize_mobile(value: str) -> str:
    """The number in E.164 form; a number without a country code is read as a mainland one
    (``138 0013 8000``, ``+86 138-0013-8000``, ``0086 13800138000`` → ``+8613800138000``)."""
    raw = re.sub(r"[\s\-().]", "", value or "")
    number = _parse_mobile(raw) if raw else None
    if number is None:
        return raw
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_valid_mobile(value: str) -> bool:
    """A valid mobile number (phonenumbers' metadata) from anywhere, given in E.164 form."""
    if not (value or "").startswith("+") or not value[1:].isascii() or not value[1:].isdigit():
        return False
    number = _parse_mobile(value)
    return (
        number is not None
        and phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) in _MOBILE_TYPES
    )


def display_mobile(value: str) -> str:
    """How a stored (E.164) number is written for people and forms: mainland numbers as their
    11 digits, as everyone writes them; others in E.164 with their country code."""
    if (value or "").startswith("+86") and len(value) == 14:
        return value[3:]
    return value or ""


def mask_person_name(value: str) -> str:
    """Keep the family name (first character): ``张三丰`` → ``张**``; ``Li Lei`` → ``L*****``."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


# GB 11714-1997: the organisation code inside a credit code (positions 9-17), 8 characters and a
# check character; letters count A=10 … Z=35.
_ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check_character(body: str) -> str:
    total = sum(
        int(char, 36) * weight for char, weight in zip(body, _ORGANISATION_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def registration_uscc(*, category: str, region_code: str, sequence: int) -> str:
    """The credit code the registration authority (9: market regulation) assigns on registration:
    ``category`` 1 (enterprise) or 2 (individual business), the 6-digit region, an organisation
    code "MA" + 6 digits of ``sequence`` with its GB 11714 check, and the GB 32100 check."""
    body = f"MA{sequence:06d}"
    first17 = f"9{category}{region_code[:6]}{body}{organisation_code_check_character(body)}"
    return first17 + uscc_check_character(first17)


# --- The identity documents residents hold -------------------------------------------------------
#
# Everyone who may apply: mainland residents, residents of Hong Kong, Macau and Taiwan, and
# foreigners. Each number is checked as far as its format allows; the population registry match
# is the real test.

RESIDENT_ID = "resident_id"  # 居民身份证, GB 11643-1999
RESIDENCE_PERMIT = "residence_permit"  # 港澳台居民居住证: 18 digits, 81 HK / 82 Macau / 83 Taiwan
HK_MACAU_PERMIT = "hk_macau_permit"  # 港澳居民来往内地通行证: H or M and 8 digits (10 on old ones)
TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证: 8 digits (10 on old ones)
FOREIGN_PERMANENT_RESIDENCE = "foreign_permanent_residence"  # 外国人永久居留身份证
PASSPORT = "passport"

DOCUMENT_TYPES = (
    RESIDENT_ID,
    RESIDENCE_PERMIT,
    HK_MACAU_PERMIT,
    TAIWAN_PERMIT,
    FOREIGN_PERMANENT_RESIDENCE,
    PASSPORT,
)

_RESIDENCE_PERMIT_SHAPE = re.compile(r"8[123][0-9]{15}[0-9X]")
_HK_MACAU_PERMIT_SHAPE = re.compile(r"[HM][0-9]{8}([0-9]{2})?")
_TAIWAN_PERMIT_SHAPE = re.compile(r"[0-9]{8}([0-9]{2})?")
# Since 2023: 18 digits beginning with 9, laid out and checked like a resident ID number.
_FOREIGN_RESIDENCE_NEW_SHAPE = re.compile(r"9[0-9]{16}[0-9X]")
# Before 2023: a three-letter nationality code (ISO 3166-1 alpha-3) and 12 digits.
_FOREIGN_RESIDENCE_OLD_SHAPE = re.compile(r"[A-Z]{3}[0-9]{12}")
_PASSPORT_SHAPE = re.compile(r"(?=.*[0-9])[A-Z0-9]{5,17}")


def normalize_document_number(value: str) -> str:
    """Upper case, without spaces, dashes or brackets (``H1234 5678``, ``0123-4567``)."""
    return re.sub(r"[\s\-()（）]", "", value or "").upper()


def document_number_problem(
    document_type: str, value: str, *, today: datetime.date | None = None
) -> str | None:
    """Why ``value`` is not a valid number for ``document_type``, or None when it is.

    Reason codes: ``type`` (unknown document), ``format``, ``birth_date``, ``checksum``."""
    number = normalize_document_number(value)
    if document_type == RESIDENT_ID:
        return id_number_problem(number, today=today)
    if document_type == RESIDENCE_PERMIT:
        if not _RESIDENCE_PERMIT_SHAPE.fullmatch(number):
            return "format"
        return _gb11643_problem(number, today)
    if document_type == HK_MACAU_PERMIT:
        return None if _HK_MACAU_PERMIT_SHAPE.fullmatch(number) else "format"
    if document_type == TAIWAN_PERMIT:
        return None if _TAIWAN_PERMIT_SHAPE.fullmatch(number) else "format"
    if document_type == FOREIGN_PERMANENT_RESIDENCE:
        if _FOREIGN_RESIDENCE_NEW_SHAPE.fullmatch(number):
            return _gb11643_problem(number, today)
        return None if _FOREIGN_RESIDENCE_OLD_SHAPE.fullmatch(number) else "format"
    if document_type == PASSPORT:
        return None if _PASSPORT_SHAPE.fullmatch(number) else "format"
    return "type"
