"""The progress timeline on the applicant's page, the public tracking page and the officials'
pages, in both languages; its selector reads a fixed number of queries; the public page shows
departments only, nothing personal and no official's name."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvals.security.query_codes import hash_query_code
from approvals.selectors.timeline import application_progress
from approvals.services.tasks import task_approve
from audit.models import AuditEvent
from tests.approvals.applications.pages import main_part
from tests.approvals.review.conftest import task_of
from tests.approvals.timeline.conftest import expert_review_pause
from tests.approvals.timeline.facts import add_timeline_facts
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

PAUSE_REASON = "Noise study by the expert panel of Zhang Wei, 13800138000"
QUERY_CODE = "482913"


def paused(demo, application):
    """The planning branch agreed; the fire branch paused the clock for an expert review."""
    planning = task_of(application, "planning")
    task_approve(actor=demo.reviewers["planning"], task=planning, revision=planning.revision)
    expert_review_pause(demo, application, reason=PAUSE_REASON, days=15)
    application.refresh_from_db()
    return application


def current_step(html: str) -> str:
    """The step marked aria-current="step" (up to the next step)."""
    steps = [
        part
        for part in html.split('<li class="timeline-step')
        if 'aria-current="step"' in part.split(">", 1)[0]
    ]
    assert len(steps) == 1, "exactly one step is marked aria-current"
    return steps[0]


# --- The selector -------------------------------------------------------------------------------


def _queries(application) -> int:
    application = type(application).objects.select_related("service_version").get(pk=application.pk)
    with CaptureQueriesContext(connection) as captured:
        timeline = application_progress(application)
    assert timeline is not None
    return len(captured)


def test_the_selector_reads_a_fixed_number_of_queries(demo, started, django_assert_max_num_queries):
    # given a small case, and a large one with many tasks, pauses, extensions, notices, events
    small = _queries(started)
    large = started
    add_timeline_facts(demo, large, 12)
    assert AuditEvent.objects.count() > 12
    # then both read the same, small number of queries
    with django_assert_max_num_queries(8):  # seven, and the service version
        application_progress(large)
    assert _queries(large) == small


def test_a_draft_has_no_timeline(demo):
    assert application_progress(ApplicationFactory(service_version=demo.version)) is None


# --- The applicant's page -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "now", "done", "to_come", "pause_words", "departments_key"),
    [
        ("en", "Now", "Done", "To come", "Clock paused since", "name_en"),
        ("zh-hans", "进行中", "已完成", "待办理", "暂停计时", "name_zh"),
    ],
)
def test_the_applicant_sees_each_step_and_the_pause_explained(
    demo, started, client, language, now, done, to_come, pause_words, departments_key
):
    application = paused(demo, started)
    client.force_login(application.created_by)
    response = client.get(
        reverse("approvals:application_detail", args=[application.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = main_part(response)
    assert response.status_code == 200
    # the running step is the joint review, its three departments side by side
    running = current_step(html)
    assert now in running
    for department in (demo.natres, demo.housing, demo.fire):
        assert getattr(department, departments_key) in running
    # the pause is told in words with its reason (the applicant is told in writing, Art. 45)
    assert pause_words in running and PAUSE_REASON in running
    assert html.count(f">{done}<") >= 2  # submitted, accepted
    assert to_come in html
    assert 'data-testid="timeline-paused"' in html


# --- The public page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "name", "paused_words"),
    [("en", "name_en", "Clock paused since"), ("zh-hans", "name_zh", "暂停计时")],
)
def test_the_public_page_shows_departments_but_nothing_personal(
    demo, started, client, language, name, paused_words
):
    application = paused(demo, started)
    application.query_code_hash = hash_query_code(QUERY_CODE)
    application.save(update_fields=["query_code_hash"])
    response = client.post(
        reverse("approvals:track"),
        {"tracking_number": application.tracking_number, "query_code": QUERY_CODE},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = main_part(response)
    assert response.status_code == 200
    running = current_step(html)
    assert paused_words in running
    assert getattr(demo.fire, name) in running and getattr(demo.housing, name) in running
    person = application.person
    officials = [demo.clerk, *demo.reviewers.values(), demo.approver]
    for secret in (
        person.real_name,
        person.id_number,
        person.masked_id_number,
        application.created_by.email,
        PAUSE_REASON,
        *(official.display_name for official in officials),
        *(official.email for official in officials),
    ):
        assert secret not in html, secret


# --- The officials' pages -----------------------------------------------------------------------


def test_the_reviewers_task_page_shows_the_same_timeline(demo, started, verified_client_factory):
    application = paused(demo, started)
    client = verified_client_factory(demo.reviewers["housing"])
    task = task_of(application, "housing")
    response = client.get(reverse("approvals:work_task", args=[task.pk]), HTTP_ACCEPT_LANGUAGE="en")
    html = main_part(response)
    assert response.status_code == 200
    running = current_step(html)
    assert "Clock paused since" in running and demo.fire.name_en in running


def test_the_window_sees_the_timeline_of_an_application_waiting_for_intake(
    demo, verified_client_factory
):
    today = timezone.localdate()
    application = ApplicationFactory(
        service_version=demo.version,
        submitted=True,
        received_on=today,
        intake_due_on=today + dt.timedelta(days=7),
    )
    client = verified_client_factory(demo.clerk)
    response = client.get(
        reverse("approvals:intake_application", args=[application.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = main_part(response)
    assert response.status_code == 200
    running = re.search(r'aria-current="step".*?</li>', html, re.S).group(0)
    assert f"Due by {application.intake_due_on:%Y-%m-%d}" in running


# --- The pages share what the timeline reads ------------------------------------------------------


def _reads(client, url) -> dict[str, int]:
    """How many queries of the page read each table."""
    client.get(url)  # the working-day calendar is loaded once per process
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    reads: dict[str, int] = {}
    for query in captured.captured_queries:
        # the table of the query's first column, else the first one it reads FROM
        found = re.match(r'SELECT "(\w+)"\.', query["sql"]) or re.search(
            r'FROM "(\w+)"', query["sql"]
        )
        if found:
            reads[found[1]] = reads.get(found[1], 0) + 1
    return reads


def test_the_application_page_reads_the_clock_once_for_the_timeline_and_the_due_date(
    demo, started, client
):
    # given an application whose clock was paused, on its applicant's page
    paused(demo, started)
    client.force_login(started.created_by)
    reads = _reads(client, reverse("approvals:application_detail", args=[started.pk]))
    # then the timeline and the due date's explanation share one read of the pauses and the
    # extensions; the materials and the departments are read once
    for table in (
        "approvals_clockpause",
        "approvals_material",
        "accounts_department",
    ):
        assert reads.get(table) == 1, (table, reads)
    # (it has no extension: the page knows it with the application, and reads none)
    assert reads.get("approvals_deadlineextension", 0) <= 1, reads


def test_the_task_page_reads_the_tasks_once_for_its_list_history_and_timeline(
    demo, started, verified_client_factory
):
    paused(demo, started)
    task = task_of(started, "housing")
    client = verified_client_factory(demo.reviewers["housing"])
    reads = _reads(client, reverse("approvals:work_task", args=[task.pk]))
    # the task itself and the application's tasks (the case file's check that the official
    # sees it is answered from them)
    assert reads["approvals_reviewtask"] == 2, reads
    assert reads["approvals_deadlineextension"] == 1, reads
