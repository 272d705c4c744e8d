"""Submitting: once per idempotency key, only when complete, with a tracking number and a query
code, an audit event, the applicant's receipt and the window's notice."""

import datetime
import re
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from approvals.models import Application, ApplicationStatus, Notification, TrackingCounter
from approvals.security.query_codes import query_code_matches
from approvals.services.applications import (
    ApplicationIncomplete,
    application_save_step,
    application_start,
    application_submit,
)
from tests.approvals.applications.helpers import filled_draft
from tests.factories import ServiceItemFactory, ServiceVersionFactory
from tests.support import events

pytestmark = pytest.mark.django_db

TRACKING = re.compile(r"^SPJY-\d{8}-\d{5}$")


@pytest.fixture
def draft(citizen, version):
    return filled_draft(actor=citizen, version=version)


def test_submitting_assigns_a_tracking_number_and_a_query_code(
    citizen, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = application_submit(actor=citizen, application=draft, idempotency_key="key-1")

    stored = Application.objects.get(pk=draft.pk)
    assert stored.status == ApplicationStatus.SUBMITTED
    assert stored.submitted_at is not None
    assert TRACKING.match(stored.tracking_number)
    today = timezone.localdate(timezone=datetime.timezone(datetime.timedelta(hours=8)))
    assert stored.tracking_number == f"SPJY-{today:%Y%m%d}-00001"
    assert re.fullmatch(r"\d{6}", submitted.query_code)
    assert query_code_matches(submitted.query_code, stored.query_code_hash)
    [event] = events("application.submitted", draft)
    assert event.actor == citizen
    assert event.changes["status"] == ["draft", "submitted"]
    assert event.changes["tracking_number"] == [None, stored.tracking_number]


def test_the_query_code_is_stored_nowhere_in_clear(
    citizen, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = application_submit(actor=citizen, application=draft, idempotency_key="key-1")

    code = submitted.query_code
    row = Application.objects.filter(pk=draft.pk).values().get()
    assert all(code not in str(value) for value in row.values())
    assert not Notification.objects.filter(body__contains=code).exists()
    assert not Notification.objects.filter(title__contains=code).exists()
    assert all(code not in str(event.changes) for event in events("application.submitted", draft))
    # It reaches the applicant by email (and SMS), outside the database.
    assert any(code in message.body for message in mail.outbox)


def test_the_same_key_again_returns_the_same_application_and_does_nothing_more(
    citizen, clerk, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = application_submit(actor=citizen, application=draft, idempotency_key="key-1")
    with django_capture_on_commit_callbacks(execute=True):
        again = application_submit(actor=citizen, application=draft, idempotency_key="key-1")

    assert again.pk == first.pk
    assert again.tracking_number == first.tracking_number
    assert again.query_code is None  # shown once only
    assert Application.objects.filter(status=ApplicationStatus.SUBMITTED).count() == 1
    assert len(events("application.submitted", draft)) == 1
    assert Notification.objects.filter(user=citizen, kind="application.submitted").count() == 1
    assert Notification.objects.filter(user=clerk, kind="intake.new_application").count() == 1
    assert len(mail.outbox) == 2  # the applicant's receipt and the clerk's notice, once each
    assert TrackingCounter.objects.get().last_value == 1


def test_a_second_submission_with_another_key_is_refused(citizen, draft):
    application_submit(actor=citizen, application=draft, idempotency_key="key-1")

    with pytest.raises(ValidationError):
        application_submit(actor=citizen, application=draft, idempotency_key="key-2")

    assert len(events("application.submitted", draft)) == 1


def test_a_missing_answer_stops_the_submission_and_changes_nothing(citizen, version):
    draft = application_start(actor=citizen, version=version)
    draft = application_save_step(
        actor=citizen,
        application=draft,
        step_key="basic",
        values={"shop_name": "A", "category": "catering"},
        revision=draft.revision,
    )
    before = Application.objects.filter(pk=draft.pk).values().get()

    with pytest.raises(ApplicationIncomplete) as raised:
        application_submit(actor=citizen, application=draft, idempotency_key="key-1")

    assert set(raised.value.field_errors) == {"seats", "floor_area"}
    assert [m.key for m in raised.value.missing_materials] == ["floor-plan"]
    assert Application.objects.filter(pk=draft.pk).values().get() == before
    assert not TrackingCounter.objects.exists()
    assert not events("application.submitted", draft)
    assert not Notification.objects.exists()


def test_a_missing_required_material_stops_the_submission(citizen, version):
    draft = filled_draft(actor=citizen, version=version, attach=False)

    with pytest.raises(ApplicationIncomplete) as raised:
        application_submit(actor=citizen, application=draft, idempotency_key="key-1")

    assert raised.value.field_errors == {}
    assert [m.key for m in raised.value.missing_materials] == ["floor-plan"]
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT


def test_a_stranger_cannot_submit_someone_elses_draft(stranger, draft):
    with pytest.raises(PermissionDenied):
        application_submit(actor=stranger, application=draft, idempotency_key="key-1")

    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT


def test_an_empty_key_is_refused(citizen, draft):
    with pytest.raises(ValidationError):
        application_submit(actor=citizen, application=draft, idempotency_key="  ")


def test_tracking_numbers_count_per_service_and_day_in_china_time(citizen, version, monkeypatch):
    other_version = ServiceVersionFactory(
        item=ServiceItemFactory(code="GGWS", department=version.item.department),
        form_schema=version.form_schema,
        materials=[],
        published=True,
    )
    # 17:30 UTC on 1 March is 01:30 on 2 March in Beijing.
    evening_utc = datetime.datetime(2025, 3, 1, 17, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: evening_utc)

    numbers = [
        application_submit(
            actor=citizen,
            application=filled_draft(actor=citizen, version=v),
            idempotency_key=f"k{i}",
        ).tracking_number
        for i, v in enumerate([version, version, other_version, version])
    ]
    monkeypatch.setattr(timezone, "now", lambda: evening_utc + datetime.timedelta(days=1))
    next_day = application_submit(
        actor=citizen, application=filled_draft(actor=citizen, version=version), idempotency_key="n"
    ).tracking_number

    assert numbers == [
        "SPJY-20250302-00001",
        "SPJY-20250302-00002",
        "GGWS-20250302-00001",
        "SPJY-20250302-00003",
    ]
    assert next_day == "SPJY-20250303-00001"


def test_a_business_application_is_submitted_by_its_agent(agent, business, version):
    draft = filled_draft(actor=agent, version=version, business=business)

    submitted = application_submit(actor=agent, application=draft, idempotency_key="key-1")

    assert submitted.status == ApplicationStatus.SUBMITTED
    [event] = events("application.submitted", draft)
    assert event.on_behalf_of == f"business:{business.pk}"


# --- Two requests at once (PostgreSQL: real row locks between connections) -----------------------


def _in_threads(*calls):
    """Run the calls at the same moment, each in its own thread and database connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks between connections (PostgreSQL)"
)


@pytest.mark.postgresql
@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_double_click_submits_once(citizen, version):
    draft = filled_draft(actor=citizen, version=version)

    def click():
        return application_submit(actor=citizen, application=draft, idempotency_key="double")

    first, second = _in_threads(click, click)

    assert not isinstance(first, Exception), first
    assert not isinstance(second, Exception), second
    assert first.pk == second.pk == draft.pk
    assert first.tracking_number == second.tracking_number
    assert [first.query_code is None, second.query_code is None].count(True) == 1
    assert len(events("application.submitted", draft)) == 1
    assert TrackingCounter.objects.get().last_value == 1


@pytest.mark.postgresql
@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_first_submissions_of_the_day_get_different_numbers(citizen, version):
    drafts = [filled_draft(actor=citizen, version=version) for _ in range(4)]

    results = _in_threads(
        *[
            (
                lambda d=d: application_submit(
                    actor=citizen, application=d, idempotency_key=f"{d.pk}"
                )
            )
            for d in drafts
        ]
    )

    assert not any(isinstance(result, Exception) for result in results), results
    numbers = sorted(result.tracking_number[-5:] for result in results)
    assert numbers == ["00001", "00002", "00003", "00004"]


@pytest.mark.postgresql
@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_submission_locks_its_application_not_the_service_everyone_applies_for(
    citizen, version, monkeypatch
):
    """Submissions of one service do not wait for each other on the service's row: while one is
    between its lock and its commit, another connection can lock the service version."""
    from approvals.models import ServiceVersion
    from approvals.services import applications

    draft = filled_draft(actor=citizen, version=version)
    seen: list = []
    issue_receipt = applications._issue_receipt

    def receipt_while_another_connection_locks_the_service(**kwargs):
        def other():
            from django.db import DatabaseError, transaction

            try:
                with transaction.atomic():
                    ServiceVersion.objects.select_for_update(nowait=True).get(pk=version.pk)
                seen.append("locked")
            except DatabaseError as exc:
                seen.append(exc)
            finally:
                connections.close_all()

        thread = threading.Thread(target=other)
        thread.start()
        thread.join(timeout=30)
        return issue_receipt(**kwargs)

    monkeypatch.setattr(
        applications, "_issue_receipt", receipt_while_another_connection_locks_the_service
    )

    application_submit(actor=citizen, application=draft, idempotency_key="k")

    assert seen == ["locked"]


def test_a_submission_reads_the_same_number_of_rows_however_many_materials(citizen, version):
    """The materials and attachments are read once, for the check and the receipt alike."""
    from django.test.utils import CaptureQueriesContext

    from tests.approvals.applications.conftest import MATERIALS, SCHEMA

    annexes = [
        {"key": f"annex-{n}", "name_en": f"Annex {n}", "name_zh": f"附件{n}", "required": True}
        for n in range(4)
    ]
    more = ServiceVersionFactory(
        item=ServiceItemFactory(code="SPJY2", department=version.item.department),
        form_schema=SCHEMA,
        materials=[*MATERIALS, *annexes],
        published=True,
    )
    for each in (version, more):  # the day's first: counters start, the calendar is read
        application_submit(
            actor=citizen,
            application=filled_draft(actor=citizen, version=each),
            idempotency_key=f"w{each.pk}",
        )
    counts = []
    for each in (version, more):
        draft = filled_draft(actor=citizen, version=each)
        with CaptureQueriesContext(connection) as captured:
            application_submit(actor=citizen, application=draft, idempotency_key=f"k{each.pk}")
        counts.append(len(captured))

    assert counts[0] == counts[1]


def test_a_notice_that_fails_after_the_commit_leaves_the_submission_done_and_logged(
    citizen, draft, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    # given the receipt's notice breaks once the submission is committed
    def broken(application):
        raise RuntimeError("the notice could not be written")

    monkeypatch.setattr("approvals.services.applications.notice_application_submitted", broken)

    # when the applicant submits: no error reaches them
    with django_capture_on_commit_callbacks(execute=True):
        submitted = application_submit(actor=citizen, application=draft, idempotency_key="key-n")

    # then the application is stored as submitted, with its receipt and audit event, and the
    # failure is in the log
    stored = Application.objects.get(pk=draft.pk)
    assert stored.status == ApplicationStatus.SUBMITTED
    assert submitted.query_code and stored.tracking_number
    assert events("application.submitted", draft)
    assert stored.documents.filter(kind="receipt").exists()
    assert not Notification.objects.filter(application=stored).exists()
    assert "the notice could not be written" in caplog.text
