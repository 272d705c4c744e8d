from rest_framework import serializers

from approvals.api.serializers.applicant import AttachmentSerializer
from approvals.api.serializers.common import (
    MaskedDataField,
    ProvisionalNoteField,
    RevisionSerializer,
)
from approvals.models import Application, ApplicationStatus, ReviewTask
from approvals.services.tasks import REVIEW_PAUSE_KINDS

REVIEW_PAUSE_KIND_CHOICES = [str(kind) for kind in REVIEW_PAUSE_KINDS]
MAX_TEXT = 2000
MAX_INT = 2_147_483_647


class IntakeApplicationSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service_version.item.code", read_only=True)
    service_name = serializers.CharField(source="service_version.name", read_only=True)
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_number",
            "service",
            "service_name",
            "applicant_kind",
            "status",
            "revision",
            "submitted_at",
            "received_on",
            "intake_due_on",
            "intake_due_provisional",
            "filed_at_counter",
        ]


class IntakeApplicationDetailSerializer(IntakeApplicationSerializer):
    data = MaskedDataField(source="*")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(IntakeApplicationSerializer.Meta):
        fields = [*IntakeApplicationSerializer.Meta.fields, "data", "attachments"]


class PledgeSerializer(RevisionSerializer):
    material_key = serializers.SlugField(max_length=50)
    due_on = serializers.DateField()
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class SupplementItemSerializer(serializers.Serializer):
    material = serializers.CharField(max_length=50, required=False, allow_blank=True)
    # a form field whose answer the applicant must correct (instead of a material)
    field = serializers.CharField(max_length=100, required=False, allow_blank=True)
    problem = serializers.CharField(max_length=MAX_TEXT)


class SupplementRequestSerializer(RevisionSerializer):
    items = SupplementItemSerializer(many=True)
    reply_by = serializers.DateField()


class RefuseSerializer(RevisionSerializer):
    reasons = serializers.CharField(max_length=MAX_TEXT)
    competent_agency = serializers.CharField(max_length=200, required=False, allow_blank=True)
    not_our_matter = serializers.BooleanField(required=False, default=False)


class TaskApplicationSerializer(serializers.ModelSerializer):
    service = serializers.CharField(source="service_version.item.code", read_only=True)
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "tracking_number",
            "service",
            "status",
            "decision_due_on",
            "decision_due_provisional",
        ]


class TaskSerializer(serializers.ModelSerializer):
    application = TaskApplicationSerializer(read_only=True)
    department = serializers.CharField(source="department.code", read_only=True)
    due_note = ProvisionalNoteField(source="due_provisional")
    # Derived, not stored: annotated by the selectors that read the tasks (sla_light_expression).
    sla_light = serializers.ChoiceField(
        choices=["green", "yellow", "red", "paused", ""], read_only=True
    )

    class Meta:
        model = ReviewTask
        fields = [
            "id",
            "application",
            "stage_key",
            "branch_key",
            "round",
            "department",
            "role",
            "status",
            "assignee",
            "due_on",
            "due_provisional",
            "due_note",
            "sla_light",
            "revision",
            "created_at",
            "completed_at",
        ]


class TaskDetailSerializer(TaskSerializer):
    data = MaskedDataField(source="application")
    attachments = AttachmentSerializer(source="application.attachments", many=True, read_only=True)
    comment = serializers.CharField(read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "comment", "data", "attachments"]


class AssignSerializer(RevisionSerializer):
    assignee = serializers.IntegerField(min_value=1, max_value=MAX_INT)


class ApproveSerializer(RevisionSerializer):
    comment = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class RejectSerializer(RevisionSerializer):
    reasons = serializers.CharField(max_length=MAX_TEXT)


class ReturnToStageSerializer(RevisionSerializer):
    stage_key = serializers.CharField(max_length=50)
    reason = serializers.CharField(max_length=MAX_TEXT)


class ReturnToApplicantSerializer(RevisionSerializer):
    items = SupplementItemSerializer(many=True)
    reply_by = serializers.DateField(required=False, allow_null=True)


class PauseClockSerializer(RevisionSerializer):
    kind = serializers.ChoiceField(choices=REVIEW_PAUSE_KIND_CHOICES)
    reason = serializers.CharField(max_length=MAX_TEXT)
    expected_working_days = serializers.IntegerField(
        min_value=1, max_value=365, required=False, allow_null=True
    )


class ExtensionSerializer(RevisionSerializer):
    working_days = serializers.IntegerField(min_value=1, max_value=15)
    reason = serializers.CharField(max_length=MAX_TEXT)
