"""Server-rendered application forms driven by a service version's JSON Schema.

See ``schema.py`` for the schema format and its checks.
"""

from approvals.dynamic_forms.schema import PREFILL_SOURCES, check_form_schema

__all__ = ["PREFILL_SOURCES", "check_form_schema"]
