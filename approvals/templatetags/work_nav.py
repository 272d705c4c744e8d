"""``{% load work_nav %}{% is_work_official as show_work %}``: whether the "My work" link shows
(an active reviewer, approver, department head or supervisor position)."""

from django import template

from approvals.selectors import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def is_work_official(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    # Citizens: the second-factor check already knows (cached per request) that they hold no
    # position, so their pages cost no extra query.
    if not user.requires_second_factor:
        return False
    roles = official_roles(request)
    return bool(roles & {"reviewer", "approver", "department_head", "supervisor"})


@register.simple_tag(takes_context=True)
def is_official(context) -> bool:
    """Whether the header is an official's: a user with a position, a supervisor or an admin
    user gets their work and their notifications, not the citizen's "My applications"."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return user.requires_second_factor


def official_roles(request) -> set[str]:
    """The roles of the user's active positions, read once per request (the navigation asks
    several questions of them)."""
    roles = getattr(request, "_official_roles", None)
    if roles is None:
        roles = policy.position_roles(request.user)
        request._official_roles = roles
    return roles
