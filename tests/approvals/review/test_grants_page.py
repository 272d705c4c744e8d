"""The task page's "extra access" section: a department head grants an official outside the
task's department access to one application and revokes it; others cannot."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from approvals.models import ApplicationUserObjectPermission, Attachment
from tests.support import events

from .conftest import task_of

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def grant_url(task):
    return reverse("approvals:task_grant", args=[task.pk])


def revoke_url(task, user):
    return reverse("approvals:task_grant_revoke", args=[task.pk, user.pk])


def attachment_of(application):
    return Attachment.objects.create(
        application=application,
        material_key="plan",
        file=ContentFile(b"%PDF-1.4 test", name="plan.pdf"),
        display_name="plan.pdf",
        content_type="application/pdf",
        size=13,
        sha256="0" * 64,
        scan_result="clean",
        uploaded_by=application.created_by,
    )


def test_head_grants_and_revokes_access_through_the_task_page(
    demo, started, verified_client_factory
):
    # given the natres head on the planning task and a reviewer of another department
    task = task_of(started, "planning")
    head = verified_client_factory(demo.head)
    outsider = verified_client_factory(demo.other_reviewer)
    attachment = attachment_of(started)
    download = reverse("approvals:attachment_download", args=[attachment.pk])
    task_url = reverse("approvals:work_task", args=[task.pk])
    assert outsider.get(task_url).status_code == 404
    page = head.get(task_url, **ENGLISH).content.decode()
    assert "Extra access to this application" in page

    # when the head grants the outsider access by email
    response = head.post(
        grant_url(task),
        {"grant-email": demo.other_reviewer.email.upper(), "grant-reason": "second opinion"},
        **ENGLISH,
    )

    # then the page redirects back with a message, lists the grant and records it
    assert response.status_code == 302 and response["Location"] == task_url
    page = head.get(task_url, **ENGLISH).content.decode()
    assert "may now see this application" in page
    assert str(demo.other_reviewer) in page and demo.other.name_en in page
    assert revoke_url(task, demo.other_reviewer) in page
    granted = events("permission.granted", started).get()
    assert granted.reason == "second opinion" and granted.actor_id == demo.head.pk
    # and the outsider can open the task page and download the attachment
    assert outsider.get(task_url).status_code == 200
    assert outsider.get(download).status_code == 200

    # when the head revokes the grant
    response = head.post(revoke_url(task, demo.other_reviewer), **ENGLISH)

    # then the grant is gone, audited, and the outsider is shut out again
    assert response.status_code == 302 and response["Location"] == task_url
    assert not ApplicationUserObjectPermission.objects.filter(content_object=started).exists()
    assert events("permission.revoked", started).count() == 1
    assert "may no longer see this application" in head.get(task_url, **ENGLISH).content.decode()
    assert outsider.get(task_url).status_code == 404
    assert outsider.get(download).status_code == 404


def test_reviewer_does_not_see_the_section_and_cannot_post(demo, started, verified_client_factory):
    from approvals.services.grants import grant_application_access

    task = task_of(started, "planning")
    grant_application_access(
        actor=demo.head, application=started, user=demo.supervisor, reason="complaint"
    )
    reviewer = verified_client_factory(demo.reviewers["planning"])
    outsider = verified_client_factory(demo.other_reviewer)

    page = reviewer.get(reverse("approvals:work_task", args=[task.pk]), **ENGLISH)
    assert page.status_code == 200
    assert "Extra access to this application" not in page.content.decode()

    data = {"grant-email": demo.other_reviewer.email, "grant-reason": "x"}
    assert reviewer.post(grant_url(task), data).status_code == 403
    assert reviewer.post(revoke_url(task, demo.supervisor)).status_code == 403
    # an official who cannot see the task gets 404, as if it did not exist
    assert outsider.post(grant_url(task), data).status_code == 404
    assert outsider.post(revoke_url(task, demo.supervisor)).status_code == 404
    # nothing changed: the supervisor's grant is still there, nobody else got one
    assert list(
        ApplicationUserObjectPermission.objects.filter(content_object=started).values_list(
            "user_id", flat=True
        )
    ) == [demo.supervisor.pk]
    assert events("permission.granted", started).count() == 1
    assert not events("permission.revoked", started).exists()


def test_revoking_someone_without_a_grant_is_404(demo, started, verified_client_factory):
    task = task_of(started, "planning")
    head = verified_client_factory(demo.head)
    assert head.post(revoke_url(task, demo.other_reviewer)).status_code == 404
    assert not events("permission.revoked", started).exists()


def test_get_is_not_allowed_on_the_grant_routes(demo, started, verified_client_factory):
    task = task_of(started, "planning")
    head = verified_client_factory(demo.head)
    assert head.get(grant_url(task)).status_code == 405


@pytest.mark.parametrize(
    ("email", "reason", "field"),
    [
        ("nobody@example.gov.cn", "second opinion", "email"),
        ("", "second opinion", "email"),
        (None, "", "reason"),  # None: the outsider's email
    ],
)
def test_invalid_grant_shows_field_errors_and_keeps_the_input(
    demo, started, verified_client_factory, email, reason, field
):
    task = task_of(started, "planning")
    head = verified_client_factory(demo.head)
    email = demo.other_reviewer.email if email is None else email

    response = head.post(grant_url(task), {"grant-email": email, "grant-reason": reason}, **ENGLISH)

    assert response.status_code == 400
    form = response.context["grant_form"]
    assert list(form.errors) == [field]
    page = response.content.decode()
    assert "There is a problem" in page
    if email:
        assert f'value="{email}"' in page
    if reason:
        assert reason in page
    assert not ApplicationUserObjectPermission.objects.filter(content_object=started).exists()
    assert not events("permission.granted", started).exists()


def test_citizen_without_position_is_not_an_official(demo, started, verified_client_factory):
    from tests.factories import PersonFactory

    task = task_of(started, "planning")
    citizen = PersonFactory().user
    head = verified_client_factory(demo.head)
    response = head.post(
        grant_url(task), {"grant-email": citizen.email, "grant-reason": "x"}, **ENGLISH
    )
    assert response.status_code == 400
    assert "No active official has this email address." in response.content.decode()


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Extra access to this application"), ("zh-hans", "本申请的额外访问权限")],
)
def test_section_renders_in_both_languages(
    demo, started, verified_client_factory, language, heading
):
    from approvals.services.grants import grant_application_access

    task = task_of(started, "planning")
    grant_application_access(
        actor=demo.head, application=started, user=demo.supervisor, reason="complaint"
    )
    head = verified_client_factory(demo.head)

    response = head.get(
        reverse("approvals:work_task", args=[task.pk]), HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert heading in page
    assert str(demo.supervisor) in page
    assert demo.other.name_en in page or demo.other.name_zh in page
