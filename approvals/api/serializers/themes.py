"""一件事 themes in the API: the catalogue of themes and the guide, which is the theme's plan
(``approvals.selectors.themes.theme_plan``) for the answers given: what applies, each shared field
and material once, the total time, the fees and the departments."""

from rest_framework import serializers

from approvals.api.serializers.public import MaterialSerializer
from approvals.models import ThemeVersion
from approvals.selectors.supervision import localized_name
from approvals.selectors.themes import faced_counts


def _localized(row: dict, name: str) -> str:
    """``row[name_zh]`` or ``row[name_en]`` by the active language (the other as fallback)."""
    return localized_name(row.get(f"{name}_zh") or "", row.get(f"{name}_en") or "")


class ThemeSummarySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)
    version = serializers.IntegerField(source="number", read_only=True)
    name = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    lead_department = serializers.CharField(
        source="lead_department.code",
        read_only=True,
        help_text="The one window (一窗受理) that accepts the whole case.",
    )
    services = serializers.SerializerMethodField(
        help_text="The member services' codes (which of them apply depends on the answers)."
    )

    class Meta:
        model = ThemeVersion
        fields = [
            "code",
            "version",
            "name",
            "summary",
            "for_persons",
            "for_businesses",
            "lead_department",
            "services",
        ]

    def get_services(self, version) -> list[str]:
        return [member.service_item.code for member in version.members.all()]


class ChoiceSerializer(serializers.Serializer):
    value = serializers.JSONField()
    label = serializers.SerializerMethodField()

    def get_label(self, choice) -> str:
        return _localized(choice, "label")


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.ChoiceField(choices=["yes_no", "number", "choice"])
    text = serializers.SerializerMethodField()
    help = serializers.SerializerMethodField()
    choices = ChoiceSerializer(many=True, required=False, default=list)

    def get_text(self, question) -> str:
        return _localized(question, "text")

    def get_help(self, question) -> str:
        return _localized(question, "help")


class SharedFieldSerializer(serializers.Serializer):
    key = serializers.CharField()
    required = serializers.BooleanField(default=False)
    schema = serializers.JSONField(
        help_text="A JSON Schema property in the service forms' dialect (`x-prefill` names the "
        "registry it is prefilled from, 一数一源)."
    )


class SharedMaterialSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    required = serializers.BooleanField()
    members = serializers.ListField(
        child=serializers.CharField(), help_text="The members that need it: uploaded once."
    )


class MemberPlanSerializer(serializers.Serializer):
    key = serializers.CharField()
    service = serializers.CharField(source="version.item.code")
    service_name = serializers.CharField(source="version.name")
    department = serializers.CharField(source="version.item.department.code")
    statutory_limit_days = serializers.IntegerField(source="version.statutory_limit_days")
    promised_limit_days = serializers.IntegerField(source="version.promised_limit_days")
    fee_amount = serializers.DecimalField(
        source="version.fee_amount", max_digits=10, decimal_places=2
    )
    waits_for = serializers.ListField(
        child=serializers.CharField(),
        help_text="Members approved before this one starts (its clock starts then).",
    )
    cited_from = serializers.DictField(
        child=serializers.CharField(),
        help_text="材料复用: member material key → the prerequisite member whose licence is "
        "cited for it.",
    )
    shared_field_of = serializers.DictField(
        child=serializers.CharField(),
        help_text="This service's form field → the shared field that answers it.",
    )
    shared_material_of = serializers.DictField(
        child=serializers.CharField(),
        help_text="This service's material → the shared material that covers it.",
    )
    own_fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The service's own form fields by step (those no shared field answers).",
    )
    own_materials = MaterialSerializer(many=True)


class SkippedMemberSerializer(serializers.Serializer):
    key = serializers.CharField()
    service = serializers.CharField(source="service_item.code")


class ThemeGuideSerializer(serializers.Serializer):
    """The plan for the answers given."""

    theme = ThemeSummarySerializer(source="version")
    questions = QuestionSerializer(source="version.questions", many=True)
    answers = serializers.DictField(help_text="The answers understood, typed.")
    members = MemberPlanSerializer(many=True, help_text="What applies, in start order.")
    skipped = SkippedMemberSerializer(many=True, help_text="What the answers do not need.")
    shared_fields = SharedFieldSerializer(many=True)
    shared_materials = SharedMaterialSerializer(many=True)
    statutory_days = serializers.IntegerField(
        help_text="Working days of the longest chain of statutory limits (members run in "
        "parallel unless one waits for another)."
    )
    promised_days = serializers.IntegerField()
    sequential_statutory_days = serializers.IntegerField(
        help_text="The same members' statutory limits one after another."
    )
    fee_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    departments = serializers.SerializerMethodField()
    burden = serializers.SerializerMethodField(
        help_text="Fields and uploads the applicant faces as one theme and one by one."
    )

    def get_departments(self, plan) -> list[str]:
        return [department.code for department in plan.departments]

    def get_burden(self, plan) -> dict[str, dict[str, int]]:
        as_theme, one_by_one = faced_counts(plan)
        return {
            name: {"fields": burden.fields, "uploads": burden.uploads}
            for name, burden in (("theme", as_theme), ("one_by_one", one_by_one))
        }
