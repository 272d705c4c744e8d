"""Chinese national identifiers: checksums and masking. Pure functions, no Django models.

- Resident identity card number, GB 11643-1999: 17 digits and an ISO 7064 MOD 11-2 check character.
- Unified Social Credit Code, GB 32100-2015: 18 characters with a modulo-31 check character.
"""

import datetime
import re

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# ASCII digits only: ``\d`` would also accept full-width and other Unicode digits.
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")

# GB 32100-2015 alphabet: digits and upper-case letters without I, O, Z, S, V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_SHAPE = re.compile(rf"[{USCC_ALPHABET}]{{18}}")


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_number_check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_number_birth_date(id_number: str) -> datetime.date | None:
    """The birth date encoded in positions 7–14, or None when it is not a real date."""
    try:
        return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def id_number_problem(value: str, *, today: datetime.date | None = None) -> str | None:
    """Why ``value`` is not a valid resident ID number, or None when it is.

    The reasons are codes (``format``, ``birth_date``, ``checksum``) that forms translate.
    """
    id_number = normalize_id_number(value)
    if not _ID_SHAPE.fullmatch(id_number):
        return "format"
    birth_date = id_number_birth_date(id_number)
    today = today or datetime.date.today()
    if birth_date is None or birth_date > today or birth_date.year < 1850:
        return "birth_date"
    if id_number_check_character(id_number[:17]) != id_number[17]:
        return "checksum"
    return None


def is_valid_id_number(value: str) -> bool:
    return id_number_problem(value) is None


def id_number_gender(id_number: str) -> str:
    """``male`` or ``female``, from the parity of the sequence code (17th digit)."""
    return "male" if int(id_number[16]) % 2 else "female"


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper()


def uscc_check_character(first17: str) -> str:
    total = sum(
        USCC_ALPHABET.index(char) * weight
        for char, weight in zip(first17, _USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid Unified Social Credit Code, or None.

    Reasons are codes: ``format`` or ``checksum``."""
    code = normalize_uscc(value)
    if not _USCC_SHAPE.fullmatch(code):
        return "format"
    if uscc_check_character(code[:17]) != code[17]:
        return "checksum"
    return None


def is_valid_uscc(value: str) -> bool:
    return uscc_problem(value) is None


def mask_id_number(value: str) -> str:
    """``11010519491231002X`` → ``1101**********002X``: region prefix and last four only."""
    id_number = normalize_id_number(value)
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_mobile(value: str) -> str:
    """``13800138000`` → ``138****8000``."""
    if not value or len(value) < 7:
        return "*" * len(value or "")
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


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
