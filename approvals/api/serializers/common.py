from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals.dynamic_forms.summary import masked_answers


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details (``application/problem+json``)."""

    type = serializers.CharField(help_text="A URI reference naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages by field name (`non_field_errors` for the whole request).",
    )


class RevisionSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=0,
        max_value=2_147_483_647,
        help_text="The revision read last; a newer one answers 409 (read again and retry).",
    )


@extend_schema_field(OpenApiTypes.OBJECT)
class MaskedDataField(serializers.Field):
    """An application's answers as the pages show them: every resident ID number masked (the
    applicant's own, prefilled, and any typed, such as a shareholder's), for applicants and
    officials alike. The source is the application itself (``source="*"`` or
    ``source="application"``)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, application):
        return masked_answers(application.service_version.form_schema, application.data)


@extend_schema_field(OpenApiTypes.STR)
class ProvisionalNoteField(serializers.Field):
    """Beside a provisional due date: the note that says so, in the request's language ("" when
    the date is counted from the official schedule). ``source`` is the date's provisional flag."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        from approvals.services.deadlines import PROVISIONAL_NOTE

        return str(PROVISIONAL_NOTE) if value else ""
