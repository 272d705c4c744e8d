from approvals.models.application import (
    OPEN_STATUSES,
    ApplicantKind,
    Application,
    ApplicationStatus,
    Attachment,
    Notification,
    ScanResult,
    TrackingCounter,
)
from approvals.models.audit import AuditChainHead, AuditEvent, AuditOutcome
from approvals.models.catalogue import (
    ItemType,
    Material,
    MaterialMedium,
    ServiceItem,
    ServiceTopic,
    ServiceVersion,
    VersionStatus,
)

__all__ = [
    "OPEN_STATUSES",
    "ApplicantKind",
    "Application",
    "ApplicationStatus",
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "AuditOutcome",
    "ItemType",
    "Material",
    "MaterialMedium",
    "Notification",
    "ScanResult",
    "ServiceItem",
    "ServiceTopic",
    "ServiceVersion",
    "TrackingCounter",
    "VersionStatus",
]
