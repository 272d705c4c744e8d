"""``{% load work_queue %}``: ``{% assign_options task %}``, the ``<option>``s of a queue row's
"Assign to" drop-down (the head's page); ``{% queue_light task.sla_light %}``, a row's SLA light."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def assign_options(context, task) -> str:
    """The officials ``task.assign_choices`` (those of its department and role) as options, its
    assignee selected. Each official's option is escaped once a page, selected and not, and a
    row joins them: a head's page lists some twenty colleagues in each of its 25 rows, which
    drawn node by node in the template were most of what a head's queue cost more than a
    reviewer's."""
    drawn = context.render_context.setdefault("assign_options", {})
    key = (task.department_id, task.role)
    if key not in drawn:
        options = []
        for member in task.assign_choices:
            value, email = int(member.pk), escape(member.email)  # a number; escaped
            options.append(
                (
                    member.pk,
                    f'<option value="{value}">{email}</option>',
                    f'<option value="{value}" selected>{email}</option>',
                )
            )
        drawn[key] = options
    # Each part is escaped above.
    return mark_safe(  # noqa: S308
        "".join(selected if pk == task.assignee_id else plain for pk, plain, selected in drawn[key])
    )


@register.simple_tag(takes_context=True)
def queue_light(context, light: str) -> str:
    """``approvals/work/_light.html`` for ``light``, drawn once a page for each light and reused
    by the rows (an include a row was ~1 ms of a 25-row page)."""
    drawn = context.render_context.setdefault("queue_light", {})
    if light not in drawn:
        drawn[light] = render_to_string("approvals/work/_light.html", {"light": light})
    return drawn[light]
