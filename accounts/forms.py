from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import identifiers
from accounts.business_forms import ServiceErrorsMixin
from accounts.models import IdentityDocument, User
from accounts.validators import normalize_mobile, validate_document_number, validate_mobile


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email address or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        # One message for every failure, so that it never says whether the account exists.
        "invalid_login": _("The email address or mobile number, or the password, is incorrect."),
        "inactive": _("The email address or mobile number, or the password, is incorrect."),
    }


class SignUpForm(ServiceErrorsMixin, forms.Form):
    service_field_map = {"password": "password1"}

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=100,
        help_text=_("Exactly as on your identity document."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_type = forms.ChoiceField(
        label=_("Identity document"),
        choices=IdentityDocument.choices,
        initial=IdentityDocument.RESIDENT_ID,
        help_text=_(
            "Residents of Hong Kong, Macau and Taiwan and foreign nationals may use the document "
            "they hold."
        ),
    )
    id_number = forms.CharField(
        label=_("ID document number"),
        max_length=24,
        help_text=_("A resident ID number has 18 characters; the last one may be X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 12 characters; common passwords are refused."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    # The registry check needs a well-formed ID number, so the service runs only once the form is
    # valid; these checks come first so that every typing mistake is reported at once.
    def __init__(self, data=None, *args, **kwargs):
        if data is not None and not data.get("id_type"):
            # A resident identity card unless another is chosen (older clients send no choice).
            data = data.copy()
            data["id_type"] = identifiers.RESIDENT_ID
        super().__init__(data, *args, **kwargs)

    def clean_id_number(self):
        id_number = identifiers.normalize_document_number(self.cleaned_data["id_number"])
        validate_document_number(self.data.get("id_type") or identifiers.RESIDENT_ID, id_number)
        return id_number

    def clean_mobile(self):
        mobile = normalize_mobile(self.cleaned_data["mobile"])
        validate_mobile(mobile)
        return mobile

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password1")
        if password:
            candidate = User(
                email=cleaned.get("email") or "",
                mobile=cleaned.get("mobile"),
                display_name=cleaned.get("real_name") or "",
            )
            try:
                validate_password(password, user=candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        if password and password != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self):
        return "".join(self.cleaned_data["token"].split())


class CodeSignInForm(TokenForm):
    """Sign-in with the password and a code of the authenticator, the owner's way past a pause."""

    username = LoginForm.base_fields["username"]
    password = LoginForm.base_fields["password"]
    field_order = ["username", "password", "token"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.pop("autofocus", None)


class UnlockRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Email address or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )


class LanguagePreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language for pages, emails and text messages"), choices=settings.LANGUAGES
    )
