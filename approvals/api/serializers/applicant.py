from rest_framework import serializers

from approvals.api.serializers.common import MaskedDataField, ProvisionalNoteField
from approvals.models import Application, Attachment, Document, PersonalToken


class AttachmentSerializer(serializers.ModelSerializer):
    cited_licence = serializers.CharField(
        source="cited_licence.number",
        read_only=True,
        allow_null=True,
        help_text="材料复用: the number of the licence cited instead of a file (null for an "
        "upload); such a material has no content to download.",
    )

    class Meta:
        model = Attachment
        fields = [
            "id",
            "material_key",
            "display_name",
            "content_type",
            "size",
            "sha256",
            "scan_result",
            "uploaded_at",
            "cited_licence",
        ]


class ApplicationSummarySerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service_version.item.code", read_only=True)
    service_name = serializers.CharField(source="service_version.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    decision_due_note = ProvisionalNoteField(source="decision_due_provisional")

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_number",
            "service",
            "service_name",
            "applicant_kind",
            "business",
            "status",
            "status_label",
            "revision",
            "submitted_at",
            "received_on",
            "accepted_on",
            "decision_due_on",
            "decision_due_provisional",
            "decision_due_note",
            "decided_on",
            "updated_at",
        ]


class ApplicationDetailSerializer(ApplicationSummarySerializer):
    data = MaskedDataField(source="*")
    steps = serializers.ListField(child=serializers.CharField(), read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    open_supplement = serializers.JSONField(read_only=True, allow_null=True)
    withdrawal_reason = serializers.CharField(
        read_only=True,
        help_text="Why a withdrawn application was withdrawn, in the request's language: the "
        "applicant's own words, or the revocation of the licence it changes or renews. Empty "
        "otherwise.",
    )

    class Meta(ApplicationSummarySerializer.Meta):
        fields = [
            *ApplicationSummarySerializer.Meta.fields,
            "current_step",
            "steps",
            "data",
            "attachments",
            "open_supplement",
            "withdrawal_reason",
        ]


class SubmittedSerializer(ApplicationSummarySerializer):
    query_code = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The six digits for the public progress lookup: only in the first response "
        "(null when replayed); only its hash is stored.",
    )

    class Meta(ApplicationSummarySerializer.Meta):
        fields = [*ApplicationSummarySerializer.Meta.fields, "query_code"]


class DraftCreateSerializer(serializers.Serializer):
    service = serializers.CharField(max_length=40, help_text="The service item code.")
    business = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2_147_483_647,
        help_text="Apply for this business (an active membership that may apply).",
    )


class StepSaveSerializer(serializers.Serializer):
    values = serializers.DictField(
        child=serializers.JSONField(),
        help_text="The step's answers by the names of the form schema's properties: a text, "
        "number or single choice as a string or number, a multiple choice as an array of "
        "strings, a tick box as true or false, a repeating group as an array of objects (one "
        "per row, keyed by the group's item properties).",
    )
    revision = serializers.IntegerField(min_value=0, max_value=2_147_483_647)


class AttachmentUploadSerializer(serializers.Serializer):
    material_key = serializers.SlugField(max_length=50)
    file = serializers.FileField()


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RatingSerializer(serializers.Serializer):
    """好差评: a grade from 1 (very dissatisfied) to 5 (very satisfied), with a comment."""

    grade = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class RatingResultSerializer(serializers.Serializer):
    grade = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    rectification_opened = serializers.BooleanField(
        help_text="A grade of 1 or 2 opens a rectification task for the department."
    )


class SupplementAnswerSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    # the corrected answers of the fields the notice lists, by field name (validated as the form)
    corrections = serializers.DictField(required=False, default=dict)


class DocumentSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    rendered = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_label",
            "number",
            "status",
            "edition",
            "verification_code",
            "issued_at",
            "rendered",
        ]

    def get_rendered(self, document) -> bool:
        return bool(document.sha256)


class TokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = PersonalToken
        fields = ["id", "name", "token_prefix", "created_at", "last_used_at"]


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class TokenCreatedSerializer(TokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
