"""一套材料: the materials of a one-thing case, uploaded once while the case is a draft.

A shared material (``member_key`` empty) is attached, on submission, to every member that maps it
(``ThemeMember.material_map``); a member's own material (``member_key`` set) to that member only.
The members' ``Attachment`` rows then name the same stored file: a file under
``THEME_FILES_PREFIX`` is deleted only once no attachment of the case uses it any more.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.models.application import ScanResult

THEME_FILES_PREFIX = "themes/"


def theme_case_file_path(instance, filename: str) -> str:
    """A generated name under the case: the user's filename is never part of the stored path."""
    import uuid

    return f"{THEME_FILES_PREFIX}{instance.case_id}/{uuid.uuid4().hex}"


class ThemeCaseAttachment(models.Model):
    """One material of a case's draft: an uploaded file, or a licence cited instead (材料复用)."""

    case = models.ForeignKey(
        "approvals.ThemeCase",
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("one-thing case"),
    )
    # Empty for a shared material (ThemeVersion.shared_materials), else the member it belongs to.
    member_key = models.SlugField(_("member of the case"), max_length=50, blank=True)
    material_key = models.SlugField(_("material"), max_length=50)
    file = models.FileField(_("file"), upload_to=theme_case_file_path, max_length=200, blank=True)
    cited_licence = models.ForeignKey(
        "approvals.Licence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="theme_citations",
        verbose_name=_("licence cited instead of a file"),
    )
    display_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=50, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    scan_result = models.CharField(
        _("virus scan"), max_length=15, choices=ScanResult.choices, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("one-thing case material")
        verbose_name_plural = _("one-thing case materials")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "member_key", "material_key"], name="theme_case_material_slot"
            )
        ]

    def __str__(self) -> str:
        return self.display_name
