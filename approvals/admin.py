"""The admin for the approvals app. The audit trail is read-only here: nobody, not even a superuser,
adds, changes or deletes an audit event (the database refuses it as well)."""

from approvals import (
    admin_api,  # noqa: F401  (registers the API credentials' and webhooks' admin)
    admin_calendar,  # noqa: F401  (registers the calendar's admin)
    admin_catalogue,  # noqa: F401  (registers the catalogue's admin)
    admin_documents,  # noqa: F401  (registers the issued documents' admin, read-only)
    admin_licences,  # noqa: F401  (registers the licence register's read-only admin)
    admin_supervision,  # noqa: F401  (registers the audit trail and the supervisors' views)
)
