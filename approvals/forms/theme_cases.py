"""The forms of a one-thing case's pages: the guiding questions, the shared fields and each
member's own fields (through the form engine, ``approvals.dynamic_forms``), the one rating.
They parse input; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.business_forms import ServiceErrorsMixin
from approvals import dynamic_forms
from approvals.dynamic_forms.labels import chinese_active
from approvals.models import DeliveryChoice
from approvals.selectors.theme_cases import (
    SHARED_STEP,
    member_step_schema,
    shared_schema,
)

YES, NO = "yes", "no"


def _text(obj: dict, key: str) -> str:
    zh, en = obj.get(f"{key}_zh", ""), obj.get(f"{key}_en", "")
    return (zh or en) if chinese_active() else (en or zh)


class QuestionsForm(ServiceErrorsMixin, forms.Form):
    """The theme's guiding questions (情景化引导) and how the certificates are delivered."""

    delivery = forms.ChoiceField(
        label=_("How do you want to receive the certificates?"),
        choices=DeliveryChoice.choices,
        widget=forms.RadioSelect,
        initial=DeliveryChoice.TOGETHER,
    )

    def __init__(self, *args, questions: list[dict], answers: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        fields = {}
        for question in questions:
            key, kind = question["key"], question.get("kind")
            label, help_text = _text(question, "text"), _text(question, "help")
            required = {"required": _("Answer this question.")}
            if kind == "yes_no":
                field = forms.ChoiceField(
                    choices=[(YES, _("Yes")), (NO, _("No"))],
                    widget=forms.RadioSelect,
                    error_messages=required,
                )
            elif kind == "number":
                field = forms.DecimalField(min_value=Decimal(0), error_messages=required)
            else:
                field = forms.ChoiceField(
                    choices=[(c["value"], _text(c, "label")) for c in question.get("choices", [])],
                    widget=forms.RadioSelect,
                    error_messages=required,
                )
            field.label, field.help_text = label, help_text
            fields[f"q_{key}"] = field
            stored = (answers or {}).get(key)
            if stored is not None:
                fields[f"q_{key}"].initial = (YES if stored else NO) if kind == "yes_no" else stored
        # The questions first, the delivery last.
        self.fields = {**fields, "delivery": self.fields["delivery"]}

    def answers(self) -> dict:
        """The answers typed as the services take them."""
        result = {}
        for question in self.questions:
            key, kind = question["key"], question.get("kind")
            value = self.cleaned_data.get(f"q_{key}")
            if kind == "yes_no":
                result[key] = value == YES
            elif kind == "number":
                result[key] = int(value) if value == value.to_integral_value() else float(value)
            else:
                result[key] = value
        return result


def case_prefill(case, schema: dict) -> dict:
    return dynamic_forms.prefill_values(
        schema, user=case.created_by, person=case.person, business=case.business
    )


def shared_step_form(case, plan, data=None):
    """The shared fields the plan needs, asked once, registry values locked in."""
    schema = shared_schema(plan.shared_fields)
    return dynamic_forms.build_step_form(
        schema,
        SHARED_STEP,
        data=data,
        initial=(case.data or {}).get("shared", {}),
        prefill=case_prefill(case, schema),
    )


def member_step_form(case, member, step_key: str, data=None):
    """One step of a member's own fields; the shared answers mapped onto its schema count as
    stored answers (for its show-if conditions)."""
    from approvals.selectors.theme_cases import member_data

    schema = member_step_schema(member, step_key)
    return dynamic_forms.build_step_form(
        schema,
        step_key,
        data=data,
        initial=member_data(case, member),
        prefill=case_prefill(case, schema),
    )
