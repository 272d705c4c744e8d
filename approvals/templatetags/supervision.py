from django import template

from approvals import policy
from approvals.models import AuditCheckpoint
from approvals.selectors.audit_trail import last_verification

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
