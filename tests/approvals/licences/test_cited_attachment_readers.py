"""Every page that lists an application's materials copes with a cited licence (no file)."""

from accounts.models import OfficialRole
from approvals.models import Attachment
from demo.catalogue import department_workflow
from tests.factories import (
    ApplicationFactory,
    DepartmentFactory,
    OfficialFactory,
    ReviewTaskFactory,
    ServiceVersionFactory,
)


def _submitted_with_citation(register, status="submitted"):
    version = ServiceVersionFactory(
        item__department=register.bureau,
        workflow_definition=department_workflow(
            register.bureau.code, review_days=5, decision_days=5
        ),
        materials=[{"key": "food-licence", "reusable_licence_item_code": "SPJY"}],
        published=True,
    )
    application = ApplicationFactory(
        service_version=version, person=register.holder.person, submitted=True, status=status
    )
    Attachment.objects.create(
        application=application,
        material_key="food-licence",
        cited_licence=register.licence,
        display_name=register.licence.number,
        content_type="",
        size=0,
        sha256="",
        scan_result="",
        uploaded_by=register.holder,
    )
    return application


def test_the_intake_page_shows_the_citation_with_its_verification(register, official_client):
    window = DepartmentFactory(is_service_window=True, region_code=register.bureau.region_code)
    clerk = OfficialFactory(department=window, role=OfficialRole.INTAKE_CLERK).user
    application = _submitted_with_citation(register)
    page = official_client(clerk).get(f"/work/intake/{application.pk}/")
    assert page.status_code == 200
    assert f"Licence {register.licence.number} (from the licence register)" in page.text
    assert f"/verify/{register.certificate.verification_code}/" in page.text


def test_the_task_page_shows_the_citation(register, official_client):
    application = _submitted_with_citation(register, status="under_review")
    task = ReviewTaskFactory(application=application, department=register.bureau)
    page = official_client(register.reviewer).get(f"/work/tasks/{task.pk}/")
    assert page.status_code == 200
    assert f"Licence {register.licence.number} (from the licence register)" in page.text


def test_the_applicants_detail_page_marks_a_citation_that_lost_its_validity(register, client_for):
    from approvals.services.licences import licence_revoke

    application = _submitted_with_citation(register)
    licence_revoke(actor=register.head, licence=register.licence, reason="x")
    page = client_for(register.holder).get(f"/applications/{application.pk}/")
    assert "(from the licence register)" in page.text
    assert "Revoked" in page.text


def test_a_change_application_says_which_licence_it_changes(register, client_for):
    from approvals.models import LicenceAction
    from approvals.services.licences import licence_follow_up_start

    application = licence_follow_up_start(
        actor=register.holder, licence=register.licence, action=LicenceAction.CHANGE
    )
    page = client_for(register.holder).get(f"/applications/{application.pk}/step/shop/")
    assert f"Change of licence {register.licence.number}" in page.text


def test_the_reminder_sweep_is_scheduled_daily(settings):
    from celery.schedules import crontab

    from approvals import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["licence-expiry-reminders"]
    assert entry["task"] == tasks.licence_expiry_reminders_task.name
    assert isinstance(entry["schedule"], crontab)
