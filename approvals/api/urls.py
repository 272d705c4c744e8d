"""Routes of the REST API, mounted at ``/api/v1/`` (``portal/urls.py``). Every route must be in
the authorization matrix (tests/approvals/api/test_auth_matrix.py fails otherwise)."""

from django.urls import path

from approvals.api.views import agency, applicant, official, public, theme_cases, themes, tokens
from approvals.api.views import theme_intake as theme_intake_views

app_name = "api"

urlpatterns = [
    # Public
    path("services/", public.ServiceList.as_view(), name="service_list"),
    path("services/<str:code>/", public.ServiceDetail.as_view(), name="service_detail"),
    path("themes/", themes.ThemeList.as_view(), name="theme_list"),
    path("themes/<str:code>/", themes.ThemeGuide.as_view(), name="theme_guide"),
    path("track/", public.Track.as_view(), name="track"),
    path("verify/<str:code>/", public.DocumentVerify.as_view(), name="verify"),
    # Personal tokens (session)
    path("tokens/", tokens.TokenList.as_view(), name="token_list"),
    path("tokens/<int:pk>/", tokens.TokenDetail.as_view(), name="token_detail"),
    # Applicants
    path("applications/", applicant.ApplicationList.as_view(), name="application_list"),
    path("applications/<int:pk>/", applicant.ApplicationDetail.as_view(), name="application"),
    path(
        "applications/<int:pk>/steps/<slug:step>/",
        applicant.ApplicationStep.as_view(),
        name="application_step",
    ),
    path(
        "applications/<int:pk>/attachments/",
        applicant.AttachmentList.as_view(),
        name="attachment_list",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        applicant.AttachmentDetail.as_view(),
        name="attachment_detail",
    ),
    path(
        "applications/<int:pk>/submit/",
        applicant.ApplicationSubmit.as_view(),
        name="application_submit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        applicant.ApplicationWithdraw.as_view(),
        name="application_withdraw",
    ),
    path(
        "applications/<int:pk>/rating/",
        applicant.ApplicationRating.as_view(),
        name="application_rating",
    ),
    path(
        "applications/<int:pk>/supplement-answer/",
        applicant.SupplementAnswer.as_view(),
        name="supplement_answer",
    ),
    path(
        "applications/<int:pk>/documents/",
        applicant.DocumentList.as_view(),
        name="document_list",
    ),
    path(
        "attachments/<int:attachment_pk>/content/",
        applicant.AttachmentContent.as_view(),
        name="attachment_content",
    ),
    path(
        "documents/<int:document_pk>/content/",
        applicant.DocumentContent.as_view(),
        name="document_content",
    ),
    # Applicants: 一件事 cases
    path("theme-cases/", theme_cases.ThemeCaseList.as_view(), name="theme_case_list"),
    path("theme-cases/<int:pk>/", theme_cases.ThemeCaseDetail.as_view(), name="theme_case"),
    path("theme-cases/track/", theme_cases.ThemeCaseTrack.as_view(), name="theme_case_track"),
    path(
        "theme-cases/<int:pk>/answers/",
        theme_cases.ThemeCaseAnswers.as_view(),
        name="theme_case_answers",
    ),
    path(
        "theme-cases/<int:pk>/shared/",
        theme_cases.ThemeCaseShared.as_view(),
        name="theme_case_shared",
    ),
    path(
        "theme-cases/<int:pk>/members/<slug:member>/steps/<slug:step>/",
        theme_cases.ThemeCaseMemberStep.as_view(),
        name="theme_case_member_step",
    ),
    path(
        "theme-cases/<int:pk>/materials/",
        theme_cases.ThemeCaseMaterials.as_view(),
        name="theme_case_materials",
    ),
    path(
        "theme-cases/<int:pk>/materials/<int:attachment_pk>/",
        theme_cases.ThemeCaseMaterialDetail.as_view(),
        name="theme_case_material",
    ),
    path(
        "theme-cases/<int:pk>/submit/",
        theme_cases.ThemeCaseSubmit.as_view(),
        name="theme_case_submit",
    ),
    path(
        "theme-cases/<int:pk>/withdraw/",
        theme_cases.ThemeCaseWithdraw.as_view(),
        name="theme_case_withdraw",
    ),
    path(
        "theme-cases/<int:pk>/rating/",
        theme_cases.ThemeCaseRating.as_view(),
        name="theme_case_rating",
    ),
    path(
        "theme-cases/<int:pk>/documents/",
        theme_cases.ThemeCaseDocuments.as_view(),
        name="theme_case_documents",
    ),
    path(
        "theme-cases/<int:pk>/certificates/",
        theme_cases.ThemeCaseCertificates.as_view(),
        name="theme_case_certificates",
    ),
    path(
        "theme-cases/<int:pk>/supplement/<str:target>/",
        theme_cases.ThemeCaseSupplementUpload.as_view(),
        name="theme_case_supplement_upload",
    ),
    path(
        "theme-cases/<int:pk>/supplement-answer/",
        theme_cases.ThemeCaseSupplementAnswer.as_view(),
        name="theme_case_supplement_answer",
    ),
    # Officials: intake at the window
    path("intake/applications/", official.IntakeQueue.as_view(), name="intake_queue"),
    path("intake/applications/<int:pk>/", official.IntakeDetail.as_view(), name="intake_detail"),
    path(
        "intake/applications/<int:pk>/accept/",
        official.IntakeAccept.as_view(),
        name="intake_accept",
    ),
    path(
        "intake/applications/<int:pk>/accept-with-pledge/",
        official.IntakeAcceptWithPledge.as_view(),
        name="intake_accept_with_pledge",
    ),
    path(
        "intake/applications/<int:pk>/request-supplement/",
        official.IntakeRequestSupplement.as_view(),
        name="intake_request_supplement",
    ),
    path(
        "intake/applications/<int:pk>/refuse/",
        official.IntakeRefuse.as_view(),
        name="intake_refuse",
    ),
    # Officials: 一件事 cases at the window (one decision on the whole case)
    path("intake/cases/", theme_intake_views.IntakeCaseQueue.as_view(), name="intake_case_queue"),
    path(
        "intake/cases/<int:pk>/",
        theme_intake_views.IntakeCaseDetail.as_view(),
        name="intake_case_detail",
    ),
    path(
        "intake/cases/<int:pk>/accept/",
        theme_intake_views.IntakeCaseAccept.as_view(),
        name="intake_case_accept",
    ),
    path(
        "intake/cases/<int:pk>/accept-with-pledge/",
        theme_intake_views.IntakeCaseAcceptWithPledge.as_view(),
        name="intake_case_accept_with_pledge",
    ),
    path(
        "intake/cases/<int:pk>/request-supplement/",
        theme_intake_views.IntakeCaseRequestSupplement.as_view(),
        name="intake_case_request_supplement",
    ),
    path(
        "intake/cases/<int:pk>/refuse/",
        theme_intake_views.IntakeCaseRefuse.as_view(),
        name="intake_case_refuse",
    ),
    # Officials: review tasks
    path("tasks/", official.TaskQueue.as_view(), name="task_queue"),
    path("tasks/<int:pk>/", official.TaskDetail.as_view(), name="task_detail"),
    path("tasks/<int:pk>/claim/", official.TaskClaim.as_view(), name="task_claim"),
    path("tasks/<int:pk>/release/", official.TaskRelease.as_view(), name="task_release"),
    path("tasks/<int:pk>/assign/", official.TaskAssign.as_view(), name="task_assign"),
    path("tasks/<int:pk>/approve/", official.TaskApprove.as_view(), name="task_approve"),
    path("tasks/<int:pk>/reject/", official.TaskReject.as_view(), name="task_reject"),
    path(
        "tasks/<int:pk>/return-to-stage/",
        official.TaskReturnToStage.as_view(),
        name="task_return_to_stage",
    ),
    path(
        "tasks/<int:pk>/return-to-applicant/",
        official.TaskReturnToApplicant.as_view(),
        name="task_return_to_applicant",
    ),
    path("tasks/<int:pk>/pause-clock/", official.TaskPauseClock.as_view(), name="task_pause"),
    path("tasks/<int:pk>/resume-clock/", official.TaskResumeClock.as_view(), name="task_resume"),
    path("tasks/<int:pk>/extension/", official.TaskExtension.as_view(), name="task_extension"),
    # Other agencies (API clients)
    path("licences/", agency.LicenceList.as_view(), name="licence_list"),
    path("licences/<str:number>/", agency.LicenceDetail.as_view(), name="licence_detail"),
    path(
        "agency/applications/",
        agency.AgencyApplicationList.as_view(),
        name="agency_application_list",
    ),
    path(
        "agency/applications/<int:pk>/",
        agency.AgencyApplicationDetail.as_view(),
        name="agency_application",
    ),
]
