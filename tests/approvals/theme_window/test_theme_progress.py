"""Inside a one-thing case: when the registration is approved (its licence issued), the food
licence that waits for it starts today and cites the new licence; when it is denied, the food
licence is stopped with the reason and the fire check goes on; the applicant is told once."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.models import (
    Application,
    Attachment,
    Document,
    DocumentKind,
    Licence,
    Notification,
    ReviewTask,
)
from approvals.services.sweep import sweep_deadlines
from approvals.services.tasks import task_approve, task_reject
from approvals.services.theme_intake import theme_case_accept
from approvals.services.theme_progress import theme_case_progress, theme_cases_with_lost_progress
from tests.approvals.theme_window.conftest import members_of
from tests.support import events

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(case, clerk):
    theme_case_accept(actor=clerk, case=case, revision=case.revision)
    return case


def _decide(member, reviewer, *, approve: bool, capture):
    task = ReviewTask.objects.get(application=member, status="open")
    with capture(execute=True):
        if approve:
            task_approve(actor=reviewer, task=task, revision=task.revision)
        else:
            task_reject(actor=reviewer, task=task, revision=task.revision, reasons="No premises")


def test_approving_the_registration_starts_the_food_licence_citing_its_licence(
    accepted, reviewers, citizen, django_capture_on_commit_callbacks
):
    registration = members_of(accepted)["registration"]

    _decide(
        registration,
        reviewers["city-market"],
        approve=True,
        capture=django_capture_on_commit_callbacks,
    )

    members = members_of(accepted)
    licence = Licence.objects.get(application=registration)
    food = members["food"]
    assert food.status == "under_review"
    assert food.accepted_on is not None and food.decision_due_on is not None
    cited = Attachment.objects.get(application=food, material_key="business-licence")
    assert cited.cited_licence == licence
    assert events("theme_case.member_started", food).count() == 1
    assert Notification.objects.filter(user=citizen, kind="theme_case.members_started").count() == 1


def test_denying_the_registration_stops_the_food_licence_and_the_fire_check_goes_on(
    accepted, reviewers, citizen, django_capture_on_commit_callbacks
):
    _decide(
        members_of(accepted)["registration"],
        reviewers["city-market"],
        approve=False,
        capture=django_capture_on_commit_callbacks,
    )

    members = members_of(accepted)
    assert members["registration"].status == "denied"
    assert members["food"].status == "stopped"
    assert members["fire"].status == "under_review"
    stopped = events("theme_case.member_stopped", members["food"]).get()
    assert "企业设立登记" in stopped.reason
    notice = Notification.objects.get(user=citizen, kind="theme_case.members_stopped")
    assert "Business registration" in notice.texts["en"]["body"]
    assert "Food business licence" in notice.texts["en"]["body"]


def test_progress_is_idempotent(accepted, reviewers, django_capture_on_commit_callbacks):
    _decide(
        members_of(accepted)["registration"],
        reviewers["city-market"],
        approve=True,
        capture=django_capture_on_commit_callbacks,
    )

    again = theme_case_progress(case_id=accepted.pk)

    assert again.started == [] and again.stopped == []
    assert Attachment.objects.filter(material_key="business-licence").count() == 1


def test_a_member_waits_while_its_prerequisite_is_still_under_review(accepted):
    progress = theme_case_progress(case_id=accepted.pk)

    assert progress.started == [] and progress.stopped == []
    assert members_of(accepted)["food"].status == "waiting"


def test_a_progress_task_the_broker_lost_is_run_by_the_sweep(
    accepted, reviewers, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # given the registration approved, and the progress task queued after it lost (an outage)
    def lost(execute):
        return django_capture_on_commit_callbacks(execute=False)

    _decide(
        members_of(accepted)["registration"], reviewers["city-market"], approve=True, capture=lost
    )
    assert members_of(accepted)["food"].status == "waiting"

    # when the sweep looks within the grace period, it leaves the task its time (one query)
    with django_assert_num_queries(1):
        assert theme_cases_with_lost_progress(timezone.now()) == []
    assert sweep_deadlines().theme_progress_caught_up == []

    # then, once the grace has passed, the sweep runs the progress: the food licence starts
    Application.objects.filter(theme_case=accepted).update(
        updated_at=timezone.now() - dt.timedelta(minutes=11)
    )
    assert sweep_deadlines().theme_progress_caught_up == [accepted.pk]
    assert members_of(accepted)["food"].status == "under_review"
    assert events("theme_case.member_started", members_of(accepted)["food"]).count() == 1
    # and once only
    assert sweep_deadlines().theme_progress_caught_up == []


def _registration_decided(case, reviewers, capture, *, approve: bool) -> None:
    registration = members_of(case)["registration"]
    _decide(registration, reviewers["city-market"], approve=approve, capture=capture)


def _case_page(client, citizen, case, language: str) -> str:
    client.force_login(citizen)
    response = client.get(
        reverse("approvals:theme_case_detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    return response.content.decode()


def test_the_stop_reason_names_the_denied_service_and_its_status_in_words(
    accepted, reviewers, citizen, client, django_capture_on_commit_callbacks
):
    # given the registration denied, so the food licence that needs it is stopped
    _registration_decided(accepted, reviewers, django_capture_on_commit_callbacks, approve=False)

    # then the audit trail's reason says it in both languages, with the status's own label
    stopped = events("theme_case.member_stopped", members_of(accepted)["food"]).get()
    assert "企业设立登记：已拒绝" in stopped.reason
    assert "Business registration: Denied" in stopped.reason
    assert ": denied" not in stopped.reason
    # and the applicant's case page says why the food licence stopped, in the reader's language
    english = _case_page(client, citizen, accepted, "en")
    assert "A service this one needs was not approved: Business registration: Denied." in english
    chinese = _case_page(client, citizen, accepted, "zh-hans")
    assert "本事项所需的前置事项未获准予：企业设立登记：已拒绝。" in chinese
    assert "denied" not in re.sub(r'(data-status|class)="[^"]*"', "", chinese)
    # and a stopped member promises no date (it waits for nothing any more)
    food = re.search(r'data-member="food".*?</li>', english, re.S).group(0)
    assert "due by" not in food and "Promised by" not in food


def test_the_case_page_shows_the_licence_a_member_cited_linking_to_its_verification(
    accepted, reviewers, citizen, client, django_capture_on_commit_callbacks
):
    # given the registration approved: the food licence starts citing its licence
    _registration_decided(accepted, reviewers, django_capture_on_commit_callbacks, approve=True)
    licence = Licence.objects.get(application=members_of(accepted)["registration"])
    certificate = Document.objects.get(licence=licence, kind=DocumentKind.LICENCE_CERTIFICATE)

    # when the applicant opens the case page
    page = _case_page(client, citizen, accepted, "en")

    # then the food licence's entry names the cited licence, linked to its public verification
    food = re.search(r'data-member="food".*?</li>', page, re.S).group(0)
    verify = reverse("approvals:document_verify", args=[certificate.verification_code])
    assert f'<a href="{verify}">{licence.number}</a>' in food
    assert "Licence cited" in food
