"""Server-rendered application forms driven by a service version's JSON Schema.

See ``schema.py`` for the schema format and its checks, ``forms.py`` for the step forms.
"""

from approvals.dynamic_forms.forms import Step, StepForm, build_step_form, steps
from approvals.dynamic_forms.prefill import prefill_values
from approvals.dynamic_forms.schema import PREFILL_SOURCES, check_form_schema
from approvals.dynamic_forms.summary import summary_differences, summary_rows
from approvals.dynamic_forms.validation import validate_application_data

__all__ = [
    "PREFILL_SOURCES",
    "Step",
    "StepForm",
    "build_step_form",
    "check_form_schema",
    "prefill_values",
    "steps",
    "summary_differences",
    "summary_rows",
    "validate_application_data",
]
