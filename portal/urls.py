from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views.home import header_language
from approvals.views.guides import home
from portal import health, metrics

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("i18n/setlang/", header_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    # The admin signs in through the portal's own sign-in page (axes lockout, second factor).
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("approvals.api.urls")),
    path("api/", include("approvals.api.docs")),
    path("", include("approvals.urls")),
]

handler404 = "approvals.api.errors.api_aware_not_found"
handler500 = "approvals.api.errors.api_aware_server_error"
