"""Adapters that read the local reference tables (the embedded default and the demo)."""

from accounts.models import LegalPersonRecord, LegalPersonStatus, PopulationRecord
from accounts.registries.base import BusinessRecord, PersonRecord


class LocalPopulationRegistry:
    def lookup_person(self, id_number: str, id_type: str = "resident_id") -> PersonRecord | None:
        row = PopulationRecord.objects.filter(id_number=id_number.upper(), id_type=id_type).first()
        if row is None:
            return None
        return PersonRecord(
            id_number=row.id_number,
            name=row.name,
            gender=row.gender,
            birth_date=row.birth_date,
            address=row.address,
            is_deceased=row.is_deceased,
        )


class LocalLegalPersonRegistry:
    def lookup_business(self, uscc: str) -> BusinessRecord | None:
        row = LegalPersonRecord.objects.filter(uscc=uscc.upper()).first()
        if row is None:
            return None
        return BusinessRecord(
            uscc=row.uscc,
            name=row.name,
            legal_representative=row.legal_representative,
            legal_representative_id_number=row.legal_representative_id_number,
            address=row.address,
            established_on=row.established_on,
            is_active=row.status == LegalPersonStatus.ACTIVE,
        )
