from django.urls import path

from approvals.views import attachments

app_name = "approvals"

urlpatterns = [
    path(
        "applications/attachments/<int:pk>/download/",
        attachments.attachment_download,
        name="attachment_download",
    ),
]
