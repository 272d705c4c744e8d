from django.urls import path

from approvals.views import attachments, guides

app_name = "approvals"

urlpatterns = [
    # Public service guides (catalogue helper).
    path("services/", guides.guide_list, name="guide_list"),
    path("services/<str:code>/", guides.guide_detail, name="guide_detail"),
    path(
        "services/<str:code>/materials/<slug:key>/template/",
        guides.material_template,
        name="material_template",
    ),
    path(
        "applications/attachments/<int:pk>/download/",
        attachments.attachment_download,
        name="attachment_download",
    ),
]
