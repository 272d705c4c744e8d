"""A service's ValidationError lands beside the form field it names, or in the error summary."""

from django.core.exceptions import ValidationError

from accounts.business_forms import AgentInviteForm
from accounts.forms import SignUpForm


def test_signup_form_shows_a_service_password_error_beside_the_first_password_field():
    # given a bound sign-up form
    form = SignUpForm({})
    form.is_valid()

    # when the service refuses the password (it names the field "password")
    form.add_service_errors(ValidationError({"password": ["Too common."]}))

    # then the error is printed beside "password1"
    assert "Too common." in form.errors["password1"]


def test_a_service_error_without_a_field_goes_to_the_summary():
    # given a bound invitation form
    form = AgentInviteForm({"identifier": "someone@example.com"})
    form.is_valid()

    # when the service refuses with a plain message, or names a field the form lacks
    form.add_service_errors(ValidationError("Not now."))
    form.add_service_errors(ValidationError({"business": ["Closed."]}))

    # then both appear among the form's non-field errors
    assert form.non_field_errors() == ["Not now.", "Closed."]
