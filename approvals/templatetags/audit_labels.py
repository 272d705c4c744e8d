"""``{% load audit_labels %}``: readable history rows.

``{{ event|audit_action }}`` the label of the action, ``{{ event|audit_actor }}`` who did it,
``{{ event|audit_reason }}`` why (a reason the portal wrote, in the page's language),
``{{ event|audit_changes }}`` what it changed, as sentences,
``{{ task.stage_key|stage_label:application }}`` the stage's name in the page's language."""

from django import template

from approvals.domain.workflow_definition import parse_definition
from approvals.selectors.audit_labels import (
    action_label,
    actor_display,
    change_sentences,
    object_label,
    reason_display,
    role_label,
)

register = template.Library()


@register.filter
def audit_action(event) -> str:
    return action_label(event.action)


@register.filter
def audit_actor(event) -> str:
    return actor_display(event)


@register.filter
def audit_reason(event) -> str:
    return reason_display(event)


@register.filter
def audit_changes(event, application=None) -> list[str]:
    """``{{ event|audit_changes:application }}``: stages named as the application's workflow
    names them."""
    from approvals.forms.work import stage_name

    stages = _stages(application) if application is not None else {}
    return change_sentences(event, {key: stage_name(stage) for key, stage in stages.items()})


def _stages(application) -> dict:
    """The application's workflow stages by key, read once per page."""
    stages = getattr(application, "_stage_labels", None)
    if stages is None:
        try:
            definition = parse_definition(application.service_version.workflow_definition)
            stages = {stage.key: stage for stage in definition.stages}
        except ValueError:
            stages = {}
        application._stage_labels = stages
    return stages


@register.filter
def audit_object(event) -> str:
    return object_label(event)


@register.filter
def audit_role(code: str) -> str:
    return role_label(code)


@register.filter
def stage_label(key: str, application) -> str:
    from approvals.forms.work import stage_name

    stage = _stages(application).get(key)
    return stage_name(stage) if stage is not None else key
