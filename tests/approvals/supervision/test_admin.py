"""The supervisors' admin: the audit list with filters and no full count, an application's
timeline, verify now, CSV export (audited), and view-only access."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.services.case_files import case_file_open, id_number_reveal
from audit.chain import audit_record
from audit.models import AuditEvent
from tests.approvals import tampering
from tests.approvals.supervision.conftest import TIMELINE_STATEMENTS
from tests.factories import ApplicationFactory
from tests.support import events

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:audit_auditevent_changelist"


@pytest.fixture
def supervisor_client(city, verified_client_factory):
    client = verified_client_factory(city.supervisor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def seen(city, under_review):
    """The reviewer opened the case file and looked at the full ID number."""
    application = under_review.application
    case_file_open(actor=city.reviewer, application=application, page="task")
    id_number_reveal(actor=city.reviewer, application=application)
    audit_record(action="test.noise", reason="unrelated")
    return application


def counts_over_the_whole_table(queries) -> list[str]:
    table = AuditEvent._meta.db_table
    return [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"].upper()
        and table in q["sql"]
        and "LIMIT" not in q["sql"].upper()
        and "WHERE" not in q["sql"].upper()
    ]


def test_the_audit_list_counts_nothing_without_a_limit(supervisor_client, seen):
    with CaptureQueriesContext(connection) as captured:
        response = supervisor_client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert counts_over_the_whole_table(captured.captured_queries) == []
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts, "the capped paginator still counts, with a LIMIT"
    assert all("LIMIT" in sql.upper() for sql in counts)


def test_who_saw_the_id_number_is_found_by_filtering_on_the_action(city, supervisor_client, seen):
    response = supervisor_client.get(reverse(CHANGELIST), {"action": "person.id_number_revealed"})

    assert response.status_code == 200
    shown = list(response.context["cl"].result_list)
    assert [e.action for e in shown] == ["person.id_number_revealed"]
    assert shown[0].actor == city.reviewer


@pytest.mark.parametrize(
    "params",
    [
        {"action": "application.viewed"},
        {"object": "approvals.application:{pk}", "action": "application.viewed"},
        {"actor": "{reviewer_email}", "action": "application.viewed"},
        {"department": "{bureau}", "action": "application.viewed"},
        {
            "occurred_from": "2000-01-01",
            "occurred_to": "2999-12-31",
            "action": "application.viewed",
        },
    ],
)
def test_each_filter_narrows_the_list(city, supervisor_client, seen, params):
    values = {"pk": seen.pk, "reviewer_email": city.reviewer.email, "bureau": city.bureau.pk}
    query = {key: value.format(**values) for key, value in params.items()}

    response = supervisor_client.get(reverse(CHANGELIST), query)

    assert response.status_code == 200
    assert [e.action for e in response.context["cl"].result_list] == ["application.viewed"]


def test_a_date_range_in_the_past_shows_nothing(supervisor_client, seen):
    response = supervisor_client.get(
        reverse(CHANGELIST), {"occurred_from": "2000-01-01", "occurred_to": "2000-01-31"}
    )

    assert list(response.context["cl"].result_list) == []


def test_the_supervisor_cannot_change_or_delete(city, supervisor_client, seen):
    department_change = reverse("admin:accounts_department_change", args=[city.bureau.pk])
    event = AuditEvent.objects.first()

    assert supervisor_client.get(department_change).status_code == 200  # view only
    assert supervisor_client.post(department_change, {"name_en": "X"}).status_code == 403
    assert (
        supervisor_client.post(
            reverse("admin:accounts_department_delete", args=[city.bureau.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        supervisor_client.post(
            reverse("admin:approvals_application_change", args=[seen.pk]), {}
        ).status_code
        == 403
    )
    assert (
        supervisor_client.post(
            reverse("admin:audit_auditevent_change", args=[event.pk]), {}
        ).status_code
        == 403
    )


def test_the_timeline_shows_every_event_with_its_differences(
    city, supervisor_client, seen, under_review
):
    audit_record(
        action="task.approved",
        actor=city.reviewer,
        obj=under_review,
        changes={"status": ["open", "approved"]},
    )

    response = supervisor_client.get(reverse("admin:audit_auditevent_timeline", args=[seen.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    actions = [entry.event.action for entry in response.context["entries"]]
    assert actions[:3] == ["application.viewed", "person.id_number_revealed", "task.approved"]
    assert "test.noise" not in actions
    assert "Full ID number shown" in page
    assert "Status changed from Open to Approved." in page
    # each row links to its event's page in the admin (the address reversed once a page)
    for entry in response.context["entries"]:
        link = reverse("admin:audit_auditevent_change", args=[entry.event.pk])
        assert f'<a href="{link}">{entry.event.sequence}</a>' in page
    # Reading the timeline is itself a case-file opening.
    assert events("application.viewed", seen).filter(actor=city.supervisor).exists()


def test_a_long_timeline_is_read_a_page_at_a_time_oldest_first(
    city, supervisor_client, seen, under_review, django_assert_max_num_queries
):
    # given a case read and worked long: 150 more events on it, and the same applicant's full ID
    # number shown for another application of theirs
    for number in range(150):
        audit_record(
            action="task.approved",
            actor=city.reviewer,
            obj=under_review,
            changes={"status": ["open", "approved"]},
            reason=f"step {number}",
        )
    other = ApplicationFactory(person=seen.person, submitted=True)
    audit_record(
        action="person.id_number_revealed",
        actor=city.reviewer,
        obj=seen.person,
        changes={"application": [None, other.pk]},
    )
    url = reverse("admin:audit_auditevent_timeline", args=[seen.pk])

    # when the supervisor opens its timeline, then the next page
    first = supervisor_client.get(url)
    with django_assert_max_num_queries(TIMELINE_STATEMENTS):
        second = supervisor_client.get(url, {"page": 2})

    # then the first page holds the oldest hundred, with a way on; the second the rest, with a
    # way back, ending with the newest events (this reading included)
    assert [e.event.action for e in first.context["entries"]][:2] == [
        "application.viewed",
        "person.id_number_revealed",
    ]
    assert len(first.context["entries"]) == 100
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' not in first.content.decode()
    rest = second.context["entries"]
    assert 'rel="prev"' in second.content.decode() and 'rel="next"' not in second.content.decode()
    assert [e.event.action for e in rest[-2:]] == ["application.viewed"] * 2  # both readings
    assert rest[-3].event.reason == "step 149"
    shown = [e.event for e in [*first.context["entries"], *rest]]
    assert len({e.pk for e in shown}) == len(shown) == 100 + len(rest)
    # the other application's reveal is on its own timeline only
    revealed = [e for e in shown if e.action == "person.id_number_revealed"]
    assert [e.changes["application"][1] for e in revealed] == [seen.pk]
    assert "Events 101–" in second.content.decode()


def test_the_timeline_is_found_by_tracking_number(supervisor_client, seen):
    response = supervisor_client.get(
        reverse("admin:audit_auditevent_find"), {"tracking_number": seen.tracking_number}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:audit_auditevent_timeline", args=[seen.pk])


def test_verify_now_records_the_result_shown_on_the_index(
    city, supervisor_client, seen, django_capture_on_commit_callbacks
):
    # the walk is queued for a worker, not run in the request
    with django_capture_on_commit_callbacks() as queued:
        response = supervisor_client.post(reverse("admin:audit_auditevent_verify"))
    assert response.status_code == 302
    assert not events("audit.verified").exists()
    # when the worker runs it, the result is recorded and shown on the index
    for callback in queued:
        callback()
    event = events("audit.verified").get()
    assert (event.actor, event.outcome) == (city.supervisor, "done")
    index = supervisor_client.get(reverse("admin:index")).content.decode()
    assert 'id="audit-chain-status"' in index
    assert "Intact" in index


def test_verify_now_on_a_broken_chain_records_a_failure(
    supervisor_client, seen, django_capture_on_commit_callbacks
):
    tampering.edit(2, "reason", "edited")

    with django_capture_on_commit_callbacks(execute=True):
        supervisor_client.post(reverse("admin:audit_auditevent_verify"))

    event = events("audit.verified").get()
    assert event.outcome == "failed"
    assert "audit event #2" in event.reason
    assert "Broken" in supervisor_client.get(reverse("admin:index")).content.decode()


def test_verify_now_needs_a_post(supervisor_client):
    assert supervisor_client.get(reverse("admin:audit_auditevent_verify")).status_code == 405


def test_csv_export_of_a_filtered_view_is_audited(city, supervisor_client, seen):
    response = supervisor_client.get(
        reverse("admin:audit_auditevent_export"), {"action": "person.id_number_revealed"}
    )

    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:3] == ["sequence", "occurred_at", "actor_label"]
    assert [row[5] for row in rows[1:]] == ["person.id_number_revealed"]
    assert "11010519491231002X" not in content
    exported = events("audit.exported").get()
    assert exported.actor == city.supervisor
    assert exported.changes == {"filters": [None, {"action": "person.id_number_revealed"}]}


def test_a_formula_in_an_exported_cell_is_neutralised(supervisor_client):
    audit_record(action="test.formula", reason="=HYPERLINK(1)")

    response = supervisor_client.get(
        reverse("admin:audit_auditevent_export"), {"action": "test.formula"}
    )

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][10] == "'=HYPERLINK(1)"


def test_an_applicant_cannot_reach_the_supervisors_admin(city, client, seen):
    client.force_login(city.citizen)

    for url in (
        reverse(CHANGELIST),
        reverse("admin:audit_auditevent_timeline", args=[seen.pk]),
        reverse("admin:audit_auditevent_export"),
    ):
        assert client.get(url).status_code == 302  # to the sign-in page
    assert not events("audit.exported").exists()


def test_a_staff_user_without_the_permission_gets_403(city, verified_client_factory, seen):
    city.reviewer.is_staff = True
    city.reviewer.save(update_fields=["is_staff"])
    client = verified_client_factory(city.reviewer)

    assert client.get(reverse("admin:audit_auditevent_timeline", args=[seen.pk])).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_export")).status_code == 403
    assert client.post(reverse("admin:audit_auditevent_verify")).status_code == 403


@pytest.mark.parametrize(("language", "text"), [("en", "Verify now"), ("zh-hans", "立即校验")])
def test_the_index_and_timeline_in_both_languages(supervisor_client, seen, language, text):
    supervisor_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language

    index = supervisor_client.get(reverse("admin:index")).content.decode()
    timeline = supervisor_client.get(
        reverse("admin:audit_auditevent_timeline", args=[seen.pk])
    ).content.decode()

    assert text in index
    assert ("已显示完整身份证号码" if language == "zh-hans" else "Full ID number shown") in timeline


@pytest.mark.parametrize(
    "url_name",
    [
        CHANGELIST,
        "admin:approvals_application_changelist",
        "admin:approvals_supervisioncard_changelist",
    ],
)
def test_the_supervisors_lists_cost_the_same_for_3_and_30_applications(
    city, supervisor_client, url_name
):
    from approvals.models import CardColour, SupervisionCard
    from tests.factories import ApplicationFactory

    def add(count):
        for _ in range(count):
            application = ApplicationFactory(service_version=city.version, submitted=True)
            case_file_open(actor=city.clerk, application=application, page="intake")
            SupervisionCard.objects.create(
                application=application,
                department=city.bureau,
                colour=CardColour.RED,
                reason="late",
                issued_on=application.submitted_at.date(),
            )

    def measure():
        with CaptureQueriesContext(connection) as captured:
            assert supervisor_client.get(reverse(url_name)).status_code == 200
        return len(captured)

    add(3)
    few = measure()
    add(27)

    assert measure() == few


def test_the_search_box_finds_an_object_number_exactly(supervisor_client, seen):
    response = supervisor_client.get(reverse(CHANGELIST), {"q": str(seen.pk)})

    shown = list(response.context["cl"].result_list)
    assert shown
    assert {event.object_id for event in shown} == {str(seen.pk)}


def test_a_supervisor_whose_position_ended_no_longer_reads_the_audit_trail(city, supervisor_client):
    from accounts.models import OfficialPosition

    assert supervisor_client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    OfficialPosition.objects.filter(user=city.supervisor).update(is_active=False)

    response = supervisor_client.get(reverse("admin:audit_auditevent_changelist"))

    assert response.status_code in (302, 403)
