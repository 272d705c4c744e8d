"""``/api/schema/`` (OpenAPI 3, drf-spectacular) and ``/api/docs/``: a small reference page that
renders the schema with a static script (no CDN, no inline script; the CSP forbids both)."""

from django.urls import path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView

from approvals.api.permissions import Public

schema_view = SpectacularAPIView.as_view(permission_classes=[Public], authentication_classes=[])

urlpatterns = [
    path("schema/", schema_view, name="api_schema"),
    path("docs/", TemplateView.as_view(template_name="api/docs.html"), name="api_docs"),
]
