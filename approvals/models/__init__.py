from approvals.models.audit import AuditChainHead, AuditEvent, AuditOutcome

__all__ = ["AuditChainHead", "AuditEvent", "AuditOutcome"]
