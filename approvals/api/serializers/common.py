from rest_framework import serializers


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
