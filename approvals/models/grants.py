"""Object permissions on one application (django-guardian, direct foreign keys)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class ApplicationUserObjectPermission(UserObjectPermissionBase):
    """Per-application grants (an extra reviewer, a supervisor opening a case), with a real
    foreign key so that lookups use an index instead of guardian's generic object_pk text."""

    content_object = models.ForeignKey("approvals.Application", on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("application permission (user)")


class ApplicationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey("approvals.Application", on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("application permission (group)")
