"""The interfaces every registry adapter implements, and the records they return."""

import datetime
from dataclasses import dataclass
from typing import Protocol


class RegistryUnavailable(Exception):
    """The registry could not be asked (network, outage). Callers show a retry message."""


@dataclass(frozen=True)
class PersonRecord:
    id_number: str
    name: str
    gender: str
    birth_date: datetime.date
    address: str
    is_deceased: bool = False


@dataclass(frozen=True)
class BusinessRecord:
    uscc: str
    name: str
    legal_representative: str
    legal_representative_id_number: str
    address: str
    established_on: datetime.date | None
    is_active: bool


class PopulationRegistry(Protocol):
    def lookup_person(self, id_number: str, id_type: str = "resident_id") -> PersonRecord | None:
        """The record for this identity document (``accounts.identifiers.DOCUMENT_TYPES``; a
        resident ID card unless said otherwise), or None when the registry has none."""


class LegalPersonRegistry(Protocol):
    def lookup_business(self, uscc: str) -> BusinessRecord | None:
        """The record for this Unified Social Credit Code, or None when the registry has none."""
