"""The progress timeline on pages: ``{% include "approvals/timeline/_timeline.html" %}`` with
``timeline`` (``approvals.selectors.timeline.application_progress``) and ``public``."""

from django import template
from django.utils.translation import get_language

from approvals.models import PauseKind

register = template.Library()


@register.filter
def step_name(step) -> str:
    """A stage's name from the workflow definition, in the reader's language ("" if none)."""
    chinese = (get_language() or "").startswith("zh")
    return (step.name_zh if chinese else step.name_en) or ""


@register.filter
def pause_kind(code: str) -> str:
    """What the clock is paused for, in the reader's language."""
    return str(dict(PauseKind.choices).get(code, code))
