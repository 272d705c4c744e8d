from django.urls import path

from approvals.views import (
    applications,
    attachments,
    case_files,
    commitments,
    documents,
    guides,
    intake,
    licences,
    lookup,
    supervision,
    supervision_trends,
    supplement,
    theme_cases,
    theme_intake,
    theme_supervision,
    theme_supplement,
    themes,
    work,
)

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
        "services/<str:code>/forms/<slug:key>/",
        guides.guide_form_download,
        name="guide_form_download",
    ),
    # Public 一件事 themes: the list and each theme's one guide (themes catalogue).
    path("themes/", themes.theme_list, name="theme_list"),
    path("themes/<str:code>/", themes.theme_guide, name="theme_guide"),
    path(
        "applications/attachments/<int:pk>/download/",
        attachments.attachment_download,
        name="attachment_download",
    ),
    # Applying online, the applicant's dashboard and notifications (applications helper).
    path("applications/", applications.dashboard, name="dashboard"),
    path("applications/new/<str:code>/", applications.start, name="application_start"),
    path("applications/<int:pk>/", applications.detail, name="application_detail"),
    path(
        "applications/<int:pk>/step/<str:step_key>/",
        applications.step,
        name="application_step",
    ),
    path(
        "applications/<int:pk>/materials/<slug:material_key>/upload/",
        applications.material_upload,
        name="application_material_upload",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/remove/",
        applications.attachment_remove,
        name="application_attachment_remove",
    ),
    path("applications/<int:pk>/review/", applications.review, name="application_review"),
    path("applications/<int:pk>/submit/", applications.submit, name="application_submit"),
    path("applications/<int:pk>/receipt/", applications.receipt, name="application_receipt"),
    path("applications/<int:pk>/withdraw/", applications.withdraw, name="application_withdraw"),
    path("applications/<int:pk>/discard/", applications.discard, name="application_discard"),
    path("notifications/", applications.notifications, name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        applications.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        applications.notifications_mark_all_read,
        name="notifications_mark_all_read",
    ),
    # 一件事: the applicant's case (themeapply).
    path("themes/<str:code>/apply/", theme_cases.start, name="theme_case_start"),
    path("theme-cases/<int:pk>/", theme_cases.detail, name="theme_case_detail"),
    path("theme-cases/<int:pk>/questions/", theme_cases.questions, name="theme_case_questions"),
    path("theme-cases/<int:pk>/shared/", theme_cases.shared, name="theme_case_shared"),
    path(
        "theme-cases/<int:pk>/members/<slug:member_key>/<str:step_key>/",
        theme_cases.member_step,
        name="theme_case_member_step",
    ),
    path("theme-cases/<int:pk>/materials/", theme_cases.materials, name="theme_case_materials"),
    path(
        "theme-cases/<int:pk>/materials/upload/",
        theme_cases.material_upload,
        name="theme_case_material_upload",
    ),
    path(
        "theme-cases/<int:pk>/materials/cite/",
        theme_cases.material_cite,
        name="theme_case_material_cite",
    ),
    path(
        "theme-cases/<int:pk>/materials/<int:attachment_pk>/remove/",
        theme_cases.material_remove,
        name="theme_case_material_remove",
    ),
    path("theme-cases/<int:pk>/review/", theme_cases.review, name="theme_case_review"),
    path("theme-cases/<int:pk>/discard/", theme_cases.discard, name="theme_case_discard"),
    path(
        "theme-cases/<int:pk>/certificates/",
        theme_cases.certificates,
        name="theme_case_certificates",
    ),
    path("theme-cases/<int:pk>/rate/", theme_cases.rate, name="theme_case_rate"),
    path("theme-cases/<int:pk>/withdraw/", theme_cases.withdraw, name="theme_case_withdraw"),
    path("track/", lookup.track, name="track"),
    path("documents/<int:pk>/download/", documents.document_download, name="document_download"),
    path(
        "work/documents/<int:pk>/correct/",
        documents.document_correct_page,
        name="document_correct",
    ),
    path("verify/", documents.verify_entry, name="document_verify_entry"),
    path("verify/<str:code>/", documents.verify, name="document_verify"),
    # The service window (intake helper) and the applicant's supplement answer.
    path("work/intake/", intake.queue, name="intake_queue"),
    path("work/intake/counter/", intake.counter, name="intake_counter"),
    path("work/intake/<int:pk>/", intake.application_page, name="intake_application"),
    path(
        "work/intake/<int:pk>/<slug:action>/",
        intake.decide,
        name="intake_decide",
    ),
    path("applications/<int:pk>/supplement/", supplement.answer, name="application_supplement"),
    path(
        "applications/<int:pk>/supplement/<slug:material_key>/upload/",
        supplement.upload,
        name="application_supplement_upload",
    ),
    # Officials' department queue, tasks and extension approvals (review helper).
    path("work/queue/", work.queue, name="work_queue"),
    path("work/queue/claim/", work.bulk_claim, name="work_bulk_claim"),
    path("work/tasks/<int:pk>/", work.task_detail, name="work_task"),
    path("work/tasks/<int:pk>/grants/", work.task_grant, name="task_grant"),
    path(
        "work/tasks/<int:pk>/grants/<int:user_pk>/revoke/",
        work.task_grant_revoke,
        name="task_grant_revoke",
    ),
    path("work/extensions/", work.extensions, name="work_extensions"),
    # The licence register (licences helper): holders, the issuing department, the public.
    path("licences/", licences.my_licences, name="my_licences"),
    path(
        "licences/<int:pk>/<slug:action>/start/",
        licences.follow_up,
        name="licence_follow_up",
    ),
    path(
        "applications/<int:pk>/materials/<slug:material_key>/cite/",
        applications.material_cite,
        name="application_material_cite",
    ),
    path("work/commitments/", commitments.queue, name="commitment_queue"),
    path("work/commitments/<int:pk>/", commitments.verify, name="commitment_verify"),
    path("work/licences/", licences.register, name="licence_register"),
    path("work/licences/<int:pk>/", licences.register_detail, name="licence_register_detail"),
    path("work/licences/<int:pk>/revoke/", licences.revoke, name="licence_revoke"),
    path("work/licences/<int:pk>/cancel/", licences.cancel, name="licence_cancel"),
    path("decisions/", licences.decisions, name="published_decisions"),
    # Who saw what (supervision helper): the audited display of an applicant's ID number.
    path("work/applications/<int:pk>/id-number/", case_files.id_number, name="case_id_number"),
    # Electronic supervision, ratings and rectification (supervision helper).
    path("supervision/", supervision.dashboard, name="supervision_dashboard"),
    path("supervision/export.csv", supervision.export, name="supervision_export"),
    # Trends, the cases behind a column, workload and the department tree (charts helper).
    path("supervision/trends/", supervision_trends.trends_page, name="supervision_trends"),
    path(
        "supervision/trends/cases/",
        supervision_trends.trend_cases_page,
        name="supervision_trend_cases",
    ),
    path(
        "supervision/trends/ratings/",
        supervision_trends.trend_ratings_page,
        name="supervision_trend_ratings",
    ),
    path("supervision/workload/", supervision_trends.workload_page, name="supervision_workload"),
    path("supervision/themes/", theme_supervision.themes_page, name="supervision_themes"),
    path(
        "supervision/themes/export.csv",
        theme_supervision.themes_export,
        name="supervision_themes_export",
    ),
    path("applications/<int:pk>/rate/", supervision.rate, name="application_rate"),
    path("work/rectifications/", supervision.rectifications, name="rectifications"),
    path(
        "work/rectifications/<int:pk>/done/",
        supervision.rectification_done,
        name="rectification_done",
    ),
    path("satisfaction/", supervision.satisfaction, name="satisfaction"),
    # 一件事: the window's page of a one-thing case and the applicant's one supplement answer.
    path("work/intake/cases/<int:pk>/", theme_intake.case_page, name="theme_case_intake"),
    path(
        "work/intake/cases/<int:pk>/<slug:action>/",
        theme_intake.decide,
        name="theme_case_intake_decide",
    ),
    path(
        "theme-cases/<int:pk>/supplement/",
        theme_supplement.answer,
        name="theme_case_supplement",
    ),
    path(
        "theme-cases/<int:pk>/supplement/<str:target>/upload/",
        theme_supplement.upload,
        name="theme_case_supplement_upload",
    ),
]
