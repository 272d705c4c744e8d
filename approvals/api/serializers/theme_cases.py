"""一件事 cases in the API: the draft (answers, shared fields, each member's own fields, the
materials asked once) and the submitted case with its members, as the case pages read them
(``approvals.selectors.theme_cases`` and the theme's plan)."""

from __future__ import annotations

from rest_framework import serializers

from accounts.identifiers import mask_id_number
from approvals.dynamic_forms.prefill import MASKED_SOURCES
from approvals.models import DeliveryChoice, SupplementRequest, ThemeCase, ThemeCaseAttachment
from approvals.selectors.theme_cases import (
    SHARED_STEP,
    case_attachments,
    case_material_slots,
    case_members,
    shared_schema,
)
from approvals.selectors.themes import theme_plan

ANSWERS_STEP = "answers"
MATERIALS_STEP = "materials"


def member_step_name(member_key: str, step_key: str) -> str:
    return f"{member_key}/{step_key}"


def _masked(values: dict, schema: dict) -> dict:
    """Answers as the pages show them: a value prefilled from a masked source masked."""
    properties = schema.get("properties", {})
    return {
        name: mask_id_number(value)
        if isinstance(value, str) and properties.get(name, {}).get("x-prefill") in MASKED_SOURCES
        else value
        for name, value in values.items()
    }


class CaseMaterialSerializer(serializers.ModelSerializer):
    cited_licence = serializers.CharField(
        source="cited_licence.number", read_only=True, allow_null=True
    )

    class Meta:
        model = ThemeCaseAttachment
        fields = [
            "id",
            "member_key",
            "material_key",
            "display_name",
            "content_type",
            "size",
            "sha256",
            "scan_result",
            "uploaded_at",
            "cited_licence",
        ]


class ThemeCaseSummarySerializer(serializers.ModelSerializer):
    theme = serializers.CharField(source="version.item.code", read_only=True)
    theme_name = serializers.CharField(source="version.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ThemeCase
        fields = [
            "id",
            "tracking_number",
            "theme",
            "theme_name",
            "applicant_kind",
            "business",
            "status",
            "status_label",
            "delivery",
            "revision",
            "submitted_at",
            "received_on",
            "rated_at",
            "updated_at",
        ]


class SubmittedCaseSerializer(ThemeCaseSummarySerializer):
    query_code = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text="The six digits for the public progress lookup: only in the first response "
        "(null when replayed); only its hash is stored.",
    )

    class Meta(ThemeCaseSummarySerializer.Meta):
        fields = [*ThemeCaseSummarySerializer.Meta.fields, "query_code"]


class CaseTrackMemberSerializer(serializers.Serializer):
    """A member's progress without personal data, as the public lookup shows it."""

    service = serializers.CharField(source="service_version.item.code")
    service_name = serializers.CharField(source="service_version.name")
    department = serializers.CharField(source="service_version.item.department.code")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    accepted_on = serializers.DateField(allow_null=True)
    decision_due_on = serializers.DateField(allow_null=True)
    decided_on = serializers.DateField(allow_null=True)


class CaseMemberSerializer(CaseTrackMemberSerializer):
    """A member as filed, for its applicant: its own application and tracking number too."""

    member_key = serializers.CharField(source="theme_member_key")
    application = serializers.IntegerField(source="pk")
    tracking_number = serializers.CharField()


def case_detail(case: ThemeCase) -> dict:
    """Everything the applicant's client needs to fill in, submit and follow the case: the steps
    left to answer, the answers (masked where the registry's are), each material slot once with
    what fills it, and once submitted the members, each with its open supplement notice."""
    plan = theme_plan(case.version, case.answers)
    data = case.data or {}
    steps = [ANSWERS_STEP, SHARED_STEP]
    steps += [member_step_name(m.key, step) for m in plan.members for step in m.own_fields]
    steps.append(MATERIALS_STEP)
    attachments = case_attachments(case)
    materials = [
        {
            "member_key": slot.member_key,
            "material_key": slot.key,
            "name": slot.name,
            "required": slot.required,
            "members": slot.members,
            "attachment": CaseMaterialSerializer(attachments[key]).data
            if key in attachments
            else None,
        }
        for key, slot in case_material_slots(plan).items()
    ]
    members = case_members(case) if case.status != "draft" else []
    waits = {m.key: m.waits_for for m in plan.members}
    # Each member's open notice (at the window or during review), in one query for all.
    open_requests = {}
    if members:
        for request in SupplementRequest.objects.filter(
            application__theme_case=case, answered_at__isnull=True
        ).order_by("-pk"):
            open_requests[request.application_id] = request
    member_rows = []
    for application in members:
        row = CaseMemberSerializer(application).data
        row["waits_for"] = waits.get(application.theme_member_key, [])
        request = open_requests.get(application.pk)
        row["open_supplement"] = (
            {"items": request.items, "reply_by": request.reply_by.isoformat()}
            if request is not None
            else None
        )
        member_rows.append(row)
    return {
        **ThemeCaseSummarySerializer(case).data,
        "answers": case.answers or {},
        "steps": steps,
        "shared": _masked(data.get("shared", {}), shared_schema(case.version.shared_fields)),
        "members_data": {
            m.key: _masked(data.get("members", {}).get(m.key, {}), m.version.form_schema)
            for m in plan.members
        },
        "applying": [m.key for m in plan.members],
        "materials": materials,
        "members": member_rows,
    }


class ThemeCaseDetailSerializer(ThemeCaseSummarySerializer):
    """The shape of ``case_detail`` (for the schema)."""

    answers = serializers.DictField()
    steps = serializers.ListField(
        child=serializers.CharField(),
        help_text="`answers`, `shared`, `<member>/<step>` for each member's own fields, "
        "`materials`.",
    )
    shared = serializers.DictField(help_text="The shared fields' answers, asked once.")
    members_data = serializers.DictField(
        child=serializers.DictField(), help_text="Each applying member's own answers."
    )
    applying = serializers.ListField(
        child=serializers.CharField(), help_text="The members the answers need, in start order."
    )
    materials = serializers.ListField(
        child=serializers.DictField(),
        help_text="Each material once: `member_key` empty for a shared one (with the `members` "
        "it is attached to), and the `attachment` filling it or null.",
    )
    members = serializers.ListField(
        child=serializers.DictField(),
        help_text="Once submitted: each member's own application (state, department, dates, "
        "`waits_for`, `open_supplement`).",
    )

    class Meta(ThemeCaseSummarySerializer.Meta):
        fields = [
            *ThemeCaseSummarySerializer.Meta.fields,
            "answers",
            "steps",
            "shared",
            "members_data",
            "applying",
            "materials",
            "members",
        ]


class CaseCreateSerializer(serializers.Serializer):
    theme = serializers.CharField(max_length=40, help_text="The theme's code.")
    business = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2_147_483_647,
        help_text="Apply for this business (an active membership that may apply).",
    )


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Every guiding question's answer by its key: a yes/no as true/false, a number, "
        "a choice's value.",
    )
    delivery = serializers.ChoiceField(choices=DeliveryChoice.choices, required=False)
    revision = serializers.IntegerField(min_value=0, max_value=2_147_483_647)


class CaseMaterialUploadSerializer(serializers.Serializer):
    member_key = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty for a shared material (uploaded once for every member needing it).",
    )
    material_key = serializers.SlugField(max_length=50)
    file = serializers.FileField()


class SupplementUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class CaseTrackSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    theme = serializers.CharField(source="version.name")
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    received_on = serializers.DateField(allow_null=True)
    members = CaseTrackMemberSerializer(many=True, source="track_members")
