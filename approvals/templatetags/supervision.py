from django import template

from approvals.selectors import policy
from approvals.selectors.audit_trail import last_verification
from approvals.templatetags.work_nav import official_roles
from audit.models import AuditCheckpoint

register = template.Library()


@register.simple_tag
def audit_chain_status(user) -> dict:
    """The admin index's chain status: the last verification and the latest checkpoint."""
    if not policy.may_read_audit_trail(user):
        return {"visible": False}
    return {
        "visible": True,
        "last": last_verification(),
        "checkpoint": AuditCheckpoint.objects.order_by("-sequence", "-created_at").first(),
    }


@register.simple_tag
def rating_state(application) -> dict:
    """The applicant's page: the rating given, or whether the service may be rated now."""
    from approvals.services.ratings import may_be_rated

    given = getattr(application, "rating", None) if application.pk else None
    return {"given": given, "may_rate": given is None and may_be_rated(application)}


@register.simple_tag(takes_context=True)
def supervision_links(context) -> dict:
    """Which supervision links the navigation shows (officials only: citizens cost no query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.requires_second_factor:
        return {"supervisor": False, "head": False, "verifier": False}
    roles = official_roles(request)
    return {
        "supervisor": "supervisor" in roles,
        "head": "department_head" in roles,
        # 告知承诺 verification (事后核查): the issuing department's approvers and head
        "verifier": bool({"approver", "department_head"} & set(roles)),
    }
