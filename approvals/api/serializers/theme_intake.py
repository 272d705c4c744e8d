"""The window's side of a one-thing case (一窗受理) in the API: the cases waiting at the clerk's
windows, one case with its members (their answers masked as on the page, their materials), and
the input of the four decisions on the whole. The choices a decision may name (the notice's
materials, the materials a pledge may cover, the answers a notice may ask to correct) are the
page's (``approvals.forms.theme_intake.case_choices``), passed in the context as ``choices``:
a member, material or field the case does not have answers 400 with the field's errors."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from approvals.api.serializers.applicant import AttachmentSerializer
from approvals.api.serializers.common import MaskedDataField, RevisionSerializer
from approvals.api.serializers.official import MAX_TEXT
from approvals.api.serializers.theme_cases import ThemeCaseSummarySerializer
from approvals.models import Application, ThemeCase
from approvals.selectors.theme_intake import (
    applicant_label,
    case_can_decide,
    case_intake_due_on,
    case_theme_members,
    member_prerequisites,
)


class IntakeCaseSerializer(ThemeCaseSummarySerializer):
    """A case waiting at the window: one row, whatever the number of its members."""

    applicant = serializers.SerializerMethodField(
        help_text="The business's name, or the person's name with the ID number masked."
    )

    class Meta(ThemeCaseSummarySerializer.Meta):
        fields = [
            "id",
            "tracking_number",
            "theme",
            "theme_name",
            "applicant_kind",
            "applicant",
            "status",
            "revision",
            "submitted_at",
            "received_on",
        ]

    def get_applicant(self, case) -> str:
        return applicant_label(case)


class IntakeMemberMaterialSerializer(serializers.Serializer):
    material_key = serializers.CharField(source="material.key")
    name = serializers.CharField(source="material.name")
    required = serializers.BooleanField(source="material.required")
    attachments = AttachmentSerializer(many=True)


class IntakeMemberSerializer(serializers.ModelSerializer):
    """A member as the window reads it: its own application, department, answers and materials."""

    member_key = serializers.CharField(source="theme_member_key", read_only=True)
    service = serializers.CharField(source="service_version.item.code", read_only=True)
    service_name = serializers.CharField(source="service_version.name", read_only=True)
    department = serializers.CharField(
        source="service_version.item.department.code", read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    data = MaskedDataField(source="*")

    class Meta:
        model = Application
        fields = [
            "id",
            "member_key",
            "tracking_number",
            "service",
            "service_name",
            "department",
            "status",
            "status_label",
            "revision",
            "received_on",
            "intake_due_on",
            "accepted_on",
            "data",
        ]


def _member_materials(member: Application) -> list[dict]:
    attachments: dict[str, list] = {}
    for attachment in member.attachments.all():
        attachments.setdefault(attachment.material_key, []).append(attachment)
    return [
        IntakeMemberMaterialSerializer(
            {"material": material, "attachments": attachments.get(material.key, [])}
        ).data
        for material in member.service_version.materials.all()
    ]


def intake_case_detail(case: ThemeCase, members: list[Application], choices) -> dict:
    """The case at the window, as its page shows it: the applicant (masked), the intake date,
    whether the window may decide now, each member with its answers (masked) and materials, and
    what a decision may name (``choices``: ``case_choices(case, members)``)."""
    materials, pledgeable, fields = choices
    waits = member_prerequisites(members, case_theme_members(case))
    rows = []
    for member in members:
        row = IntakeMemberSerializer(member).data
        row["waits_for"] = waits.get(member.theme_member_key, [])
        row["materials"] = _member_materials(member)
        rows.append(row)
    return {
        **IntakeCaseSerializer(case).data,
        "intake_due_on": case_intake_due_on(members),
        "can_decide": case_can_decide(members),
        "members": rows,
        "supplement_materials": [{"key": c.key, "name": c.name} for c in materials],
        "pledgeable_materials": [{"key": c.key, "name": c.name} for c in pledgeable],
        "correctable_fields": [{"key": key, "name": name} for key, name in fields],
    }


class IntakeChoiceSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class IntakeCaseMemberSerializer(IntakeMemberSerializer):
    """A member in ``intake_case_detail`` (for the schema)."""

    waits_for = serializers.ListField(
        child=serializers.CharField(),
        help_text="The members of the case it waits for: accepted with the case, it starts when "
        "they are approved.",
    )
    materials = IntakeMemberMaterialSerializer(many=True)

    class Meta(IntakeMemberSerializer.Meta):
        fields = [*IntakeMemberSerializer.Meta.fields, "waits_for", "materials"]


class IntakeCaseDetailSerializer(IntakeCaseSerializer):
    """The shape of ``intake_case_detail`` (for the schema)."""

    intake_due_on = serializers.DateField(
        allow_null=True, help_text="The latest intake date of the members at the window."
    )
    can_decide = serializers.BooleanField(
        help_text="A member at the window and none preparing the supplement."
    )
    members = IntakeCaseMemberSerializer(
        many=True,
        help_text="Each member's own application: its answers (`data`, masked as on the page) "
        "and its materials, each with its `attachments`.",
    )
    supplement_materials = IntakeChoiceSerializer(
        many=True,
        help_text="What a supplement item's `material` may name: `shared:<key>` once for every "
        "member that needs it, or `<member>:<material>`.",
    )
    pledgeable_materials = IntakeChoiceSerializer(
        many=True, help_text="What a pledge may cover, as `<member>:<material>`."
    )
    correctable_fields = IntakeChoiceSerializer(
        many=True,
        help_text="The answers a supplement item may ask to correct, as `<member>:<field>`.",
    )

    class Meta(IntakeCaseSerializer.Meta):
        fields = [
            *IntakeCaseSerializer.Meta.fields,
            "intake_due_on",
            "can_decide",
            "members",
            "supplement_materials",
            "pledgeable_materials",
            "correctable_fields",
        ]


def _known(context) -> tuple[set[str], set[str], set[str]]:
    """The keys of the notice's materials, the pledgeable materials and the correctable fields."""
    materials, pledgeable, fields = context["choices"]
    return {c.key for c in materials}, {c.key for c in pledgeable}, {key for key, _n in fields}


class CasePledgeItemSerializer(serializers.Serializer):
    member = serializers.SlugField(max_length=50)
    material = serializers.SlugField(max_length=50)


class CasePledgeSerializer(RevisionSerializer):
    pledges = CasePledgeItemSerializer(
        many=True,
        allow_empty=False,
        help_text="The materials handed in later, each of a named member (`pledgeable_materials`).",
    )
    due_on = serializers.DateField(help_text="The pledge's deadline, after today.")
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)

    def validate_pledges(self, pledges):
        _materials, known, _fields = _known(self.context)
        unknown = [p for p in pledges if f"{p['member']}:{p['material']}" not in known]
        if unknown:
            raise serializers.ValidationError(
                [
                    _("“%(key)s” is not a material of this case.")
                    % {"key": f"{p['member']}:{p['material']}"}
                    for p in unknown
                ]
            )
        return [dict(p) for p in pledges]


class CaseSupplementItemSerializer(serializers.Serializer):
    material = serializers.CharField(
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="A material to hand in again (`supplement_materials`).",
    )
    member = serializers.SlugField(
        max_length=50, required=False, allow_blank=True, help_text="With `field`: whose answer."
    )
    field = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="An answer to correct, of `member`.",
    )
    problem = serializers.CharField(max_length=MAX_TEXT, help_text="What is missing or wrong.")


class CaseSupplementRequestSerializer(RevisionSerializer):
    items = CaseSupplementItemSerializer(
        many=True,
        allow_empty=False,
        help_text="Every missing or defective item of every member, at once (一次性告知). An item "
        "with neither `material` nor `field` is about the case as a whole.",
    )
    reply_by = serializers.DateField(help_text="The date to answer by, after today.")

    def validate_items(self, items):
        materials, _pledgeable, fields = _known(self.context)
        errors = []
        for item in items:
            material, field = item.get("material", ""), item.get("field", "")
            member = item.get("member", "")
            if material and field:
                errors.append(_("An item names a material or an answer, not both."))
            elif material and material not in materials:
                errors.append(_("“%(key)s” is not a material of this case.") % {"key": material})
            elif field and f"{member}:{field}" not in fields:
                errors.append(
                    _("“%(key)s” is not a field the applicant can correct.")
                    % {"key": f"{member}:{field}"}
                )
        if errors:
            raise serializers.ValidationError(errors)
        return [{key: value for key, value in item.items() if value} for item in items]
