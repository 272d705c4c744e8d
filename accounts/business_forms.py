"""Forms for the business pages: they parse and normalise input; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import identifiers
from accounts.validators import validate_uscc


class ServiceErrorsMixin:
    """Place a service's ``ValidationError`` beside the fields it names (or in the summary).
    ``service_field_map`` renames a service's field to the form's (``{"password": "password1"}``).
    """

    service_field_map: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                field = self.service_field_map.get(field, field)
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class BusinessRegisterForm(ServiceErrorsMixin, forms.Form):
    uscc = forms.CharField(
        label=_("Unified Social Credit Code"),
        max_length=40,
        help_text=_(
            "18 characters, as printed on the business licence. The name, legal representative "
            "and address are then taken from the legal-person registry."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def clean_uscc(self) -> str:
        # People copy codes with spaces or in lower case; the registry keys are upper case.
        code = identifiers.normalize_uscc("".join(self.cleaned_data["uscc"].split()))
        validate_uscc(code)
        return code


class AgentInviteForm(ServiceErrorsMixin, forms.Form):
    identifier = forms.CharField(
        label=_("Email address or mobile number of the person to invite"),
        max_length=254,
        help_text=_("They must already have a verified account on this portal."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class MemberRemoveForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        help_text=_("Kept in the audit trail of the business."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationResponseForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])

    @property
    def accepted(self) -> bool:
        return self.cleaned_data["decision"] == "accept"


class AgentPermissionsForm(forms.Form):
    """What one agent may do for the business (the administrator's choice)."""

    can_apply = forms.BooleanField(
        label=_("May start and submit applications for the business"), required=False
    )
    sees_all_applications = forms.BooleanField(
        label=_("Sees all applications of the business (otherwise only those they filed)"),
        required=False,
    )
