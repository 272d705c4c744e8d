"""Forms of the service window's pages and of the applicant's supplement page. They parse input;
the services in ``approvals.services.intake`` decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.business_forms import ServiceErrorsMixin
from approvals.dynamic_forms.fields import make_field, to_form_value, to_json
from approvals.dynamic_forms.schema import BOOLEAN, field_kind

OTHER_ROWS = 3


class RevisionForm(ServiceErrorsMixin, forms.Form):
    """Every intake decision carries the revision the page was rendered with."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AcceptForm(RevisionForm):
    pass


class PledgeForm(RevisionForm):
    material_key = forms.ChoiceField(
        label=_("Material the applicant pledges to hand in later"),
        help_text=_("Only a minor material that the review does not depend on (容缺受理)."),
        error_messages={"required": _("Choose the material.")},
    )
    due_on = forms.DateField(
        label=_("To be handed in by"),
        help_text=_("For example 2026-12-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the date."), "invalid": _("Enter a valid date.")},
    )
    note = forms.CharField(
        label=_("Note for the file"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material_key"].choices = [("", _("Choose…"))] + [
            (material.key, material.name) for material in materials
        ]


class SupplementItemsForm(forms.Form):
    """The items of a one-time notice (一次性告知), at the window or in review: every material
    with a checkbox and a problem, every answer the applicant may correct likewise, plus a few
    "other problem" rows, so that the official lists all defects at once. Mixed into a form
    that carries the revision and the reply date (``reply_by``)."""

    def __init__(self, *args, materials, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        self.form_fields = list(fields)  # (name, label): answers the applicant may correct
        for name, label in self.form_fields:
            self.fields[f"f-{name}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"fp-{name}"] = forms.CharField(
                label=_("What must be corrected"), required=False, max_length=2000
            )
        for material in self.materials:
            self.fields[f"m-{material.key}"] = forms.BooleanField(
                label=material.name, required=False
            )
            self.fields[f"p-{material.key}"] = forms.CharField(
                label=_("What is missing or wrong"),
                required=False,
                max_length=2000,
            )
        for index in range(OTHER_ROWS):
            self.fields[f"other-{index}"] = forms.CharField(
                label=_("Other problem %(number)s") % {"number": index + 1},
                required=False,
                max_length=2000,
            )

    def clean(self):
        cleaned = super().clean()
        for material in self.materials:
            ticked = cleaned.get(f"m-{material.key}")
            problem = (cleaned.get(f"p-{material.key}") or "").strip()
            if ticked and not problem:
                self.add_error(f"p-{material.key}", _("Say what is missing or wrong."))
            elif problem and not ticked:
                self.add_error(f"m-{material.key}", _("Tick the material you describe."))
        for name, _label in self.form_fields:
            ticked = cleaned.get(f"f-{name}")
            problem = (cleaned.get(f"fp-{name}") or "").strip()
            if ticked and not problem:
                self.add_error(f"fp-{name}", _("Say what must be corrected."))
            elif problem and not ticked:
                self.add_error(f"f-{name}", _("Tick the field you describe."))
        return cleaned

    def material_rows(self):
        return [(self[f"m-{m.key}"], self[f"p-{m.key}"]) for m in self.materials]

    def field_rows(self):
        return [(self[f"f-{name}"], self[f"fp-{name}"]) for name, _label in self.form_fields]

    def other_rows(self):
        return [self[f"other-{index}"] for index in range(OTHER_ROWS)]

    def items(self) -> list[dict]:
        items = [
            {"material": m.key, "problem": self.cleaned_data[f"p-{m.key}"].strip()}
            for m in self.materials
            if self.cleaned_data.get(f"m-{m.key}")
        ]
        items += [
            {"material": "", "field": name, "problem": self.cleaned_data[f"fp-{name}"].strip()}
            for name, _label in self.form_fields
            if self.cleaned_data.get(f"f-{name}")
        ]
        for index in range(OTHER_ROWS):
            text = (self.cleaned_data.get(f"other-{index}") or "").strip()
            if text:
                items.append({"material": "", "problem": text})
        return items


class SupplementRequestForm(SupplementItemsForm, RevisionForm):
    """The window's one-time notice (Art. 32(4)): the items, and the date to reply by."""

    reply_by = forms.DateField(
        label=_("Reply by"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Give the reply date."), "invalid": _("Enter a valid date.")},
    )


class RefuseForm(RevisionForm):
    reasons = forms.CharField(
        label=_("Reasons for not accepting"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reasons for not accepting the application.")},
    )
    not_our_matter = forms.BooleanField(
        label=_("This matter is not for this agency"), required=False
    )
    competent_agency = forms.CharField(
        label=_("Competent agency"),
        help_text=_("Required when the matter is not for this agency (Art. 32(1))."),
        required=False,
        max_length=200,
    )


class SupplementAnswerForm(ServiceErrorsMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment for the service window"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SupplementCorrectionForm(ServiceErrorsMixin, forms.Form):
    """The answers a supplement notice reopens, each built and cleaned as the application form
    builds it (the service validates them again against the whole form)."""

    def __init__(self, *args, properties: dict, names, stored: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.names = list(names)
        for name in self.names:
            prop = properties[name]
            self.fields[name] = make_field(prop, required=field_kind(prop) != BOOLEAN)
            if name in stored:
                self.initial[name] = to_form_value(prop, stored[name])

    def corrections(self) -> dict:
        return {name: to_json(self.cleaned_data.get(name)) for name in self.names}


class CounterIdentityForm(ServiceErrorsMixin, forms.Form):
    service = forms.ChoiceField(
        label=_("Service"), error_messages={"required": _("Choose the service.")}
    )
    real_name = forms.CharField(
        label=_("Applicant's name"),
        max_length=100,
        help_text=_("As on the resident ID card."),
        error_messages={"required": _("Enter the applicant's name.")},
    )
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the resident ID number.")},
    )
    email = forms.EmailField(
        label=_("Applicant's email address"),
        required=False,
        help_text=_(
            "Needed only when the applicant has no account yet: they claim it later with "
            "“Forgot password”."
        ),
    )
    business_uscc = forms.CharField(
        label=_("Unified Social Credit Code (when applying for a business)"),
        required=False,
        max_length=18,
    )

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Choose…"))] + [
            (str(version.pk), version.name) for version in services
        ]
