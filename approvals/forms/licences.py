"""Forms of the licence pages: they parse input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.business_forms import ServiceErrorsMixin
from approvals.selectors.licences import DecisionFilters


class LicenceStatusReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        help_text=_(
            "The holder is told this reason; it stays in the register and the audit trail."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reason; the holder will read it.")},
    )


class DecisionSearchForm(forms.Form):
    service = forms.CharField(
        label=_("Service (name or item code)"), max_length=100, required=False
    )
    department = forms.TypedChoiceField(
        label=_("Department"), coerce=int, required=False, empty_value=None
    )
    holder = forms.CharField(
        label=_("Holder (business name)"),
        max_length=100,
        required=False,
        help_text=_("Names of private persons are shown masked and cannot be searched."),
    )
    licence_number = forms.CharField(label=_("Licence number"), max_length=60, required=False)
    decided_from = forms.DateField(
        label=_("Decided from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    decided_to = forms.DateField(
        label=_("Decided until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("All departments"))] + [
            (department.pk, department.name) for department in departments
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("decided_from"), cleaned.get("decided_to")
        if start and end and start > end:
            self.add_error("decided_to", _("The end of the period is before its start."))
        return cleaned

    def filters(self) -> DecisionFilters:
        if not self.is_bound or not self.is_valid():
            return DecisionFilters()
        data = self.cleaned_data
        return DecisionFilters(
            service=data["service"],
            department_id=data["department"],
            holder=data["holder"],
            licence_number=data["licence_number"],
            decided_from=data["decided_from"],
            decided_to=data["decided_to"],
        )


# The labels of the facts a correction can change (``CORRECTABLE_FACTS``).
FACT_LABELS = {
    "holder_name": _("Holder"),
    "scope_zh": _("Scope (Chinese)"),
    "scope_en": _("Scope (English)"),
    "remarks": _("Remarks"),
    "reasons": _("Reasons"),
}


class DocumentCorrectionForm(ServiceErrorsMixin, forms.Form):
    """A corrected edition: the reason, and the printed facts as they should read (prefilled
    with what the issued edition says; only what differs is corrected)."""

    reason = forms.CharField(
        label=_("What the correction corrects, and why"),
        max_length=2000,
        help_text=_(
            "Printed nowhere on the new edition, but the old edition shows it on the "
            "verification page and it stays in the audit trail."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the correction corrects.")},
    )

    def __init__(self, *args, document, facts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.document = document
        self.facts = tuple(facts)
        for name in self.facts:
            value = str(document.context.get(name) or "")
            self.fields[name] = forms.CharField(
                label=FACT_LABELS.get(name, name),
                max_length=2000,
                required=False,
                initial=value,
                widget=forms.Textarea(attrs={"rows": 2}) if len(value) > 60 else None,
            )

    def changes(self) -> dict:
        """The facts whose new wording differs from the issued edition's."""
        return {
            name: self.cleaned_data[name].strip()
            for name in self.facts
            if self.cleaned_data.get(name, "").strip() != str(self.document.context.get(name) or "")
        }


class CommitmentVerifyForm(ServiceErrorsMixin, forms.Form):
    """The finding of a pledge's verification (事后核查)."""

    outcome = forms.ChoiceField(
        label=_("Finding"),
        choices=[
            ("true", _("The pledge is true")),
            ("false", _("The pledge is false: revoke the licence")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the verification found.")},
    )
    finding = forms.CharField(
        label=_("What the verification found"),
        max_length=2000,
        help_text=_("When the pledge is false, the holder reads this as the revocation's reason."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what the verification found.")},
    )
