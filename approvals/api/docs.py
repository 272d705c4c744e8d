"""``/api/schema/`` (OpenAPI 3, drf-spectacular); ``/api/docs/``: a small reference page that
renders the schema with a static script; ``/api/swagger/``: Swagger UI, to try requests out with
the signed-in session or a token. No CDN and no inline script (the CSP forbids both): Swagger UI's
files come from drf-spectacular-sidecar and its start script is a request of its own."""

from django.urls import path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from approvals.api.permissions import Public

schema_view = SpectacularAPIView.as_view(permission_classes=[Public], authentication_classes=[])

urlpatterns = [
    path("schema/", schema_view, name="api_schema"),
    path("docs/", TemplateView.as_view(template_name="api/docs.html"), name="api_docs"),
    path(
        "swagger/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", permission_classes=[Public], authentication_classes=[]
        ),
        name="api_swagger",
    ),
]
