"""The admin for the approvals app. The audit trail is read-only here: nobody, not even a superuser,
adds, changes or deletes an audit event (the database refuses it as well)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

# Each module registers its models' admin when imported.
from approvals.admin import (  # noqa: F401
    api,  # the API credentials and webhooks
    calendar,  # the working-day calendar
    catalogue,  # the service catalogue
    documents,  # issued documents, read-only
    licences,  # the licence register, read-only
    supervision,  # the audit trail and the supervisors' views
    themes,  # the 一件事 themes
)

# The portal's name, not Django's, on every admin page (supervisors and administrators).
admin.site.site_header = _("One-stop Online Approval Portal: administration and supervision")
admin.site.site_title = _("One-stop Online Approval Portal")
admin.site.index_title = _("Administration and electronic supervision")
