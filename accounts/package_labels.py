"""Names the admin shows for installed packages that ship no Simplified Chinese: django-axes
(sign-in protection), django-otp (authenticator apps and backup codes) and the admin's own
newer table headers. The project's catalogue (LOCALE_PATHS) takes precedence over the
packages' own, so marking the texts here is enough for the ones the packages translate; the
names django-otp gives as plain strings are replaced when the app registry is ready.

Only ``_meta.verbose_name(_plural)`` and the app configs' names change, which migrations do not
read (they read ``_meta.original_attrs``), so no migration of the packages follows from it.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

APP_NAMES = {
    "axes": _("Sign-in protection"),
    "otp_totp": _("Authenticator apps"),
    "otp_static": _("Backup codes"),
}

MODEL_NAMES = {
    ("otp_totp", "totpdevice"): (_("authenticator app"), _("authenticator apps")),
    ("otp_static", "staticdevice"): (_("set of backup codes"), _("sets of backup codes")),
    ("otp_static", "statictoken"): (_("backup code"), _("backup codes")),
}

# Texts the packages mark for translation but translate into English only.
PACKAGE_TEXTS = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Expires At"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    # django.contrib.admin's app list (its Chinese catalogue predates them)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)


def name_package_models() -> None:
    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:
            continue
    for (app_label, model_name), (singular, plural) in MODEL_NAMES.items():
        try:
            meta = apps.get_model(app_label, model_name)._meta
        except LookupError:
            continue
        meta.verbose_name, meta.verbose_name_plural = singular, plural
