from rest_framework import serializers

from approvals.models import ApplicationStatus, Document, Material, ServiceVersion
from approvals.services.documents import PUBLIC_STATUS_LABELS


class MaterialSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)

    class Meta:
        model = Material
        fields = ["key", "name", "description", "required", "medium"]


class ServiceSummarySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)
    name = serializers.CharField(read_only=True)
    department = serializers.CharField(source="item.department.code", read_only=True)
    topic = serializers.CharField(source="item.topic", read_only=True)

    class Meta:
        model = ServiceVersion
        fields = [
            "code",
            "name",
            "department",
            "topic",
            "for_persons",
            "for_businesses",
            "statutory_limit_days",
            "promised_limit_days",
            "fee_amount",
        ]


class ServiceDetailSerializer(ServiceSummarySerializer):
    legal_basis = serializers.CharField(read_only=True)
    fee_basis = serializers.CharField(read_only=True)
    materials = MaterialSerializer(many=True, read_only=True)
    form_schema = serializers.JSONField(read_only=True)

    class Meta(ServiceSummarySerializer.Meta):
        fields = [
            *ServiceSummarySerializer.Meta.fields,
            "legal_basis",
            "fee_basis",
            "materials",
            "form_schema",
        ]


class TrackRequestSerializer(serializers.Serializer):
    tracking_number = serializers.CharField(max_length=40)
    query_code = serializers.CharField(max_length=20)


class TrackResultSerializer(serializers.Serializer):
    """Progress without personal data, as the public lookup page shows it."""

    tracking_number = serializers.CharField()
    service = serializers.CharField(source="service_version.name")
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    received_on = serializers.DateField(allow_null=True)
    accepted_on = serializers.DateField(allow_null=True)
    decision_due_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)


class DocumentVerificationSerializer(serializers.ModelSerializer):
    """What anyone holding the paper may learn: the document is genuine and its status."""

    department = serializers.CharField(source="department.code")
    status = serializers.SerializerMethodField(
        help_text="What a verifier is told: valid, superseded, revoked, cancelled or expired (a "
        "licence certificate follows its licence's status and validity)."
    )
    status_label = serializers.SerializerMethodField()
    kind_label = serializers.CharField(source="get_kind_display")
    sha256 = serializers.CharField(help_text="SHA-256 of the issued PDF; compare your copy's.")

    class Meta:
        model = Document
        fields = [
            "verification_code",
            "number",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "department",
            "issued_at",
            "edition",
            "sha256",
        ]

    def get_status(self, document) -> str:
        return self.context["public_status"]

    def get_status_label(self, document) -> str:
        return str(PUBLIC_STATUS_LABELS[self.context["public_status"]])
