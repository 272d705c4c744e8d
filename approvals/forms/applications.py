"""Small forms around the application pages (the answers themselves come from the form engine,
``approvals.dynamic_forms``). They parse input; the services decide."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.business_forms import ServiceErrorsMixin
from approvals import dynamic_forms

PERSON_CHOICE = "person"


class ApplyAsForm(forms.Form):
    """Who the application is for: the signed-in person or one of their businesses."""

    applicant = forms.ChoiceField(
        label=_("Who is applying?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who is applying.")},
    )

    def __init__(self, *args, person_allowed: bool, businesses, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if person_allowed:
            choices.append((PERSON_CHOICE, _("Myself, as a private person")))
        choices += [(str(business.pk), business.name) for business in businesses]
        self.fields["applicant"].choices = choices
        self.businesses = {str(business.pk): business for business in businesses}
        if len(choices) == 1:
            self.fields["applicant"].initial = choices[0][0]

    def chosen_business(self):
        """The business chosen, or ``None`` for the person."""
        return self.businesses.get(self.cleaned_data["applicant"])


class SubmitForm(forms.Form):
    declaration = forms.BooleanField(
        label=_(
            "I declare that the information I have given is true and complete, and that the "
            "materials are genuine. I understand that false information may lead to refusal or "
            "to the revocation of the licence (Administrative Licensing Law, Art. 31, 69 and 78)."
        ),
        error_messages={"required": _("Tick the declaration to submit the application.")},
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you withdraw the application?"),
        max_length=1000,
        help_text=_("The service window and the departments handling it will see your reason."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why you withdraw the application.")},
    )


class DiscardDraftForm(forms.Form):
    """No fields: the confirmation page's button is the whole form."""


_TRACKING_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,39}$")


class TrackLookupForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=60,
        help_text=_("As shown on your receipt, for example FOOD-LIC-20250301-00042."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
        error_messages={"required": _("Enter the tracking number.")},
    )
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=20,
        help_text=_("The six digits shown on your receipt and sent to you by SMS and email."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}
        ),
        error_messages={"required": _("Enter the query code.")},
    )

    def clean_tracking_number(self) -> str:
        value = "".join(self.cleaned_data["tracking_number"].split()).upper()
        if not _TRACKING_NUMBER.match(value):
            raise forms.ValidationError(
                _("Enter the tracking number as it is written on your receipt.")
            )
        return value

    def clean_query_code(self) -> str:
        value = "".join(self.cleaned_data["query_code"].split())
        if not (value.isascii() and value.isdigit() and len(value) == 6):
            raise forms.ValidationError(_("The query code is six digits."))
        return value


def application_prefill(application) -> dict:
    """Values taken from the applicant's profile and the registries: shown, not typed again."""
    person = application.person or getattr(application.created_by, "person", None)
    return dynamic_forms.prefill_values(
        application.service_version.form_schema,
        user=application.created_by,
        person=person,
        business=application.business,
    )


def application_step_form(application, step_key: str, data=None):
    """The form of one step of ``application``, as the page and the API both validate it: the
    answers so far as initial values, the registry values locked in."""
    return dynamic_forms.build_step_form(
        application.service_version.form_schema,
        step_key,
        data=data,
        initial=application.data,
        prefill=application_prefill(application),
    )
