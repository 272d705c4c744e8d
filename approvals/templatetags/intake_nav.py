"""``{% load intake_nav %}{% is_intake_clerk as show_window %}``: whether the "Window" link
shows (an active intake-clerk position at a service window)."""

from django import template

from approvals.selectors import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def is_intake_clerk(context) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    # Citizens: the second-factor check already knows (cached per request) that they hold no
    # position, so their pages cost no extra query.
    if not user.requires_second_factor:
        return False
    # The window's own pages have read the clerk's windows for this request already.
    windows = getattr(request, "intake_windows", None)
    if windows is not None:
        return bool(windows)
    return policy.is_intake_clerk(user)
