import datetime as dt

from rest_framework import serializers

from approvals.domain.china_time import china_today
from approvals.models import Application, ApplicationStatus, Licence


class LicenceSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="item.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    expired = serializers.SerializerMethodField()

    class Meta:
        model = Licence
        fields = [
            "number",
            "service",
            "department",
            "holder_kind",
            "holder_name",
            "scope_zh",
            "scope_en",
            "valid_from",
            "valid_to",
            "status",
            "expired",
            "issued_at",
        ]

    def get_expired(self, licence) -> bool:
        """Expiry is not stored: a licence past its end date is expired whatever its status."""
        today: dt.date = china_today()
        return licence.valid_to is not None and licence.valid_to < today


class AgencyApplicationSerializer(serializers.ModelSerializer):
    """What another system of the same department reads: the case, no personal data."""

    service = serializers.CharField(source="service_version.item.code", read_only=True)
    department = serializers.CharField(
        source="service_version.item.department.code", read_only=True
    )
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_number",
            "service",
            "department",
            "applicant_kind",
            "status",
            "submitted_at",
            "received_on",
            "accepted_on",
            "decision_due_on",
            "decided_on",
            "updated_at",
        ]
