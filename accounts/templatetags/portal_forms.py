"""Render a form field's widget with the ARIA attributes that tie it to its hint and errors."""

from django import template

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
