"""Render a form field's widget with the ARIA attributes that tie it to its hint and errors."""

from django import template
from django.forms import BaseForm

register = template.Library()


@register.simple_tag
def accessible_widget(bound_field):
    described_by = []
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}-hint")
    described_by += [
        f"{bound_field.auto_id}-error-{index}" for index in range(1, len(bound_field.errors) + 1)
    ]
    attrs = {}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if bound_field.field.required:
        attrs["required"] = True
    return bound_field.as_widget(attrs=attrs)


def _has_errors(value) -> bool:
    if isinstance(value, BaseForm):
        # A bound form the view has validated already; an unbound one has no errors.
        return value.is_bound and bool(value.errors)
    if isinstance(value, dict):
        return any(isinstance(item, BaseForm) and _has_errors(item) for item in value.values())
    return False


@register.simple_tag(takes_context=True)
def page_has_errors(context) -> bool:
    """Whether a form on the page came back with errors, whatever the view named it: the
    page's title then starts with "Error:" (GOV.UK's pattern), so a screen reader says so first.
    """
    return any(_has_errors(value) for value in context.flatten().values())
