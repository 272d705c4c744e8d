"""The admin for the approvals app. The audit trail is read-only here: nobody, not even a superuser,
adds, changes or deletes an audit event (the database refuses it as well)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from approvals.admin import (
    api as admin_api,  # noqa: F401  (registers the API credentials' and webhooks' admin)
)
from approvals.admin import (
    calendar as admin_calendar,  # noqa: F401  (registers the calendar's admin)
)
from approvals.admin import (
    catalogue as admin_catalogue,  # noqa: F401  (registers the catalogue's admin)
)
from approvals.admin import (
    documents as admin_documents,  # noqa: F401  (registers the issued documents' admin, read-only)
)
from approvals.admin import (
    licences as admin_licences,  # noqa: F401  (registers the licence register's read-only admin)
)
from approvals.admin import (
    supervision as admin_supervision,  # noqa: F401  (registers the audit trail and the supervisors' views)
)

# The portal's name, not Django's, on every admin page (supervisors and administrators).
admin.site.site_header = _("One-stop Online Approval Portal: administration and supervision")
admin.site.site_title = _("One-stop Online Approval Portal")
admin.site.index_title = _("Administration and electronic supervision")
