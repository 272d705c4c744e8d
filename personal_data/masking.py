"""Masks for identifiers that must not be shown or recorded in full (DESIGN.md §4): resident ID
numbers and mobile numbers. ``accounts.identifiers`` (the identifiers' checks) re-exports them."""

import phonenumbers


def mask_id_number(value: str) -> str:
    """``11010519491231002X`` → ``1101**********002X``: region prefix and last four only. Shorter
    document numbers keep their first character and last two (``H12345678`` → ``H******78``);
    eight characters or fewer are hidden whole."""
    id_number = (value or "").strip().upper()
    if len(id_number) <= 8:
        return "*" * len(id_number)
    if len(id_number) < 15:
        return id_number[0] + "*" * (len(id_number) - 3) + id_number[-2:]
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def parse_mobile(value: str):
    """The number as phonenumbers reads it (a number without a country code is a mainland one),
    or None when it cannot be read."""
    try:
        return phonenumbers.parse(value or "", "CN")
    except phonenumbers.NumberParseException:
        return None


def mask_mobile(value: str) -> str:
    """Mainland numbers as people know them, ``+8613800138000`` → ``138****8000``; others with
    their country code and the last four digits only, ``+85291234567`` → ``+852 ****4567``."""
    if not value or len(value) < 7:
        return "*" * len(value or "")
    number = parse_mobile(value) if value.startswith("+") else None
    if number is None:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    national = str(number.national_number)
    if number.country_code == 86 and len(national) == 11:
        return national[:3] + "****" + national[-4:]
    return f"+{number.country_code} " + "*" * (len(national) - 4) + national[-4:]
