"""好差评: rating rules, the rectification task a bad rating opens, its completion, and the
public satisfaction page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from approvals.models import RectificationTask, ServiceRating
from approvals.services.ratings import rating_submit, rectification_complete
from tests.factories import ApplicationFactory, MembershipFactory, OfficialFactory, UserFactory
from tests.support import events, recorded_events

pytestmark = pytest.mark.django_db

# Wednesday 4 March 2026, a working day; no holiday falls in the next 15 working days.
RATED_AT = dt.datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def decided(city):
    def make(status="approved"):
        return ApplicationFactory(
            service_version=city.version,
            person=city.citizen.person,
            created_by=city.citizen,
            submitted=True,
            status=status,
            decided_on=dt.date(2026, 3, 2),
        )

    return make


@pytest.mark.parametrize("status", ["approved", "denied", "licence_issued", "closed"])
def test_the_applicant_rates_a_decided_application(city, decided, status):
    application = decided(status)

    rating = rating_submit(actor=city.citizen, application=application, grade=5, comment="Fast")

    assert (rating.grade, rating.comment, rating.department) == (5, "Fast", city.bureau)
    assert events("rating.submitted", rating).get().changes == {
        "application": [None, application.pk],
        "grade": [None, 5],
    }
    assert not RectificationTask.objects.exists()


@pytest.mark.parametrize("status", ["submitted", "accepted", "under_review", "withdrawn"])
def test_no_rating_before_a_decision(city, decided, status):
    application = decided(status)

    with pytest.raises(ValidationError) as error:
        rating_submit(actor=city.citizen, application=application, grade=4)

    assert "grade" in error.value.message_dict
    assert not ServiceRating.objects.exists()


def test_a_rating_is_given_once(city, decided):
    application = decided()
    rating_submit(actor=city.citizen, application=application, grade=4)

    with pytest.raises(ValidationError):
        rating_submit(actor=city.citizen, application=application, grade=1)

    assert ServiceRating.objects.get().grade == 4
    assert events("rating.submitted").count() == 1


def test_only_the_applicant_side_rates(city, decided):
    application = decided()

    for outsider in (city.reviewer, city.head, city.supervisor):
        with pytest.raises(PermissionDenied):
            rating_submit(actor=outsider, application=application, grade=5)

    assert not ServiceRating.objects.exists()


def test_a_business_agent_who_filed_it_may_rate(city, decided):
    from tests.factories import BusinessFactory

    business = BusinessFactory()
    agent = MembershipFactory(business=business).user
    application = ApplicationFactory(
        service_version=city.version,
        applicant_kind="business",
        business=business,
        person=None,
        created_by=agent,
        submitted=True,
        status="approved",
    )

    assert rating_submit(actor=agent, application=application, grade=3).grade == 3


@pytest.mark.parametrize("grade", [1, 2])
def test_a_bad_rating_opens_a_rectification_due_in_15_working_days(city, decided, grade):
    application = decided()

    with time_machine.travel(RATED_AT, tick=False), recorded_events() as recorded:
        rating = rating_submit(actor=city.citizen, application=application, grade=grade)

    task = RectificationTask.objects.get()
    assert (task.rating, task.department, task.status) == (rating, city.bureau, "open")
    assert task.due_on == dt.date(2026, 3, 25)
    # one act, one event: the rating names the rectification it opened
    rated = recorded.the_one()
    assert (rated.action, rated.object_id) == ("rating.submitted", str(rating.pk))
    assert rated.changes["rectification"] == [None, task.pk]
    assert rated.changes["rectification_due_on"] == [None, "2026-03-25"]
    assert not events("rectification.opened").exists()
    assert city.head.notifications.filter(kind="rectification_opened").exists()


def test_the_head_of_the_department_completes_the_rectification(city, decided):
    with time_machine.travel(RATED_AT, tick=False):
        rating_submit(actor=city.citizen, application=decided(), grade=1, comment="Slow")
    task = RectificationTask.objects.get()

    for outsider in (city.reviewer, city.supervisor, city.citizen):
        with pytest.raises(PermissionDenied):
            rectification_complete(actor=outsider, task=task, response="Done")
    other_head = OfficialFactory(department=city.other, role="department_head").user
    with pytest.raises(PermissionDenied):
        rectification_complete(actor=other_head, task=task, response="Done")
    with pytest.raises(ValidationError):
        rectification_complete(actor=city.head, task=task, response="   ")

    done = rectification_complete(actor=city.head, task=task, response="Staff retrained")

    assert (done.status, done.response, done.done_by) == ("done", "Staff retrained", city.head)
    event = events("rectification.completed", task).get()
    assert (event.actor, event.reason) == (city.head, "Staff retrained")
    with pytest.raises(ValidationError):
        rectification_complete(actor=city.head, task=task, response="Again")


# --- Pages -----------------------------------------------------------------------------------


def test_the_application_page_offers_the_rating_once_decided(city, decided, client):
    application = decided()
    client.force_login(city.citizen)
    detail = reverse("approvals:application_detail", args=[application.pk])

    assert 'data-testid="rate"' in client.get(detail).content.decode()
    response = client.post(
        reverse("approvals:application_rate", args=[application.pk]),
        {"grade": "4", "comment": "Clear"},
    )

    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert 'data-testid="rate"' not in page
    assert 'data-testid="rating"' in page


def test_the_rating_form_keeps_the_comment_when_the_grade_is_missing(city, decided, client):
    application = decided()
    client.force_login(city.citizen)

    response = client.post(
        reverse("approvals:application_rate", args=[application.pk]), {"comment": "My words"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "My words" in page
    assert "error-message" in page
    assert not ServiceRating.objects.exists()


def test_an_undecided_application_has_no_rating_form(city, decided, client):
    application = decided("under_review")
    client.force_login(city.citizen)

    assert (
        'data-testid="rate"'
        not in client.get(
            reverse("approvals:application_detail", args=[application.pk])
        ).content.decode()
    )
    response = client.post(
        reverse("approvals:application_rate", args=[application.pk]), {"grade": "5"}
    )
    assert response.status_code == 302
    assert not ServiceRating.objects.exists()


def test_someone_elses_application_cannot_be_rated(city, decided, client):
    application = decided()
    client.force_login(
        OfficialFactory().user.__class__.objects.create_user(
            email="stranger@example.cn", password="x-Very-long-9"
        )
    )

    response = client.post(
        reverse("approvals:application_rate", args=[application.pk]), {"grade": "1"}
    )

    assert response.status_code == 404


def test_the_head_completes_a_rectification_on_the_page(city, decided, verified_client_factory):
    with time_machine.travel(RATED_AT, tick=False):
        rating_submit(actor=city.citizen, application=decided(), grade=2, comment="Rude")
        task = RectificationTask.objects.get()
        client = verified_client_factory(city.head)

        page = client.get(reverse("approvals:rectifications")).content.decode()
        assert "Rude" in page and "2026-03-25" in page
        empty = client.post(
            reverse("approvals:rectification_done", args=[task.pk]), {"response": ""}
        )
        assert empty.status_code == 400
        response = client.post(
            reverse("approvals:rectification_done", args=[task.pk]), {"response": "Apologised"}
        )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"


def test_other_officials_cannot_open_the_rectifications(city, verified_client_factory):
    assert (
        verified_client_factory(city.reviewer).get(reverse("approvals:rectifications")).status_code
        == 403
    )


def test_the_public_page_shows_rates_and_no_personal_data(city, decided, client):
    with time_machine.travel(RATED_AT, tick=False):
        rating_submit(actor=city.citizen, application=decided(), grade=5, comment="秘密评论")
        rating_submit(actor=city.citizen, application=decided(), grade=4)
        rating_submit(actor=city.citizen, application=decided(), grade=1)
        application = decided()
        rating_submit(actor=city.citizen, application=application, grade=2)
        response = client.get(reverse("approvals:satisfaction"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Market bureau" in page
    assert "50.0%" in page  # 2 of 4 ratings are 4 or 5
    person = city.citizen.person
    for private in (
        person.real_name,
        person.id_number,
        city.citizen.email,
        application.tracking_number,
        "秘密评论",
    ):
        assert private not in page


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Service satisfaction"), ("zh-hans", "服务满意度")]
)
def test_the_public_page_in_both_languages(client, db, language, heading):
    response = client.get(reverse("approvals:satisfaction"), HTTP_ACCEPT_LANGUAGE=language)

    assert heading in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Rate the service"), ("zh-hans", "评价服务")]
)
def test_the_rating_page_in_both_languages(city, decided, client, language, text):
    application = decided()
    client.force_login(city.citizen)

    response = client.get(
        reverse("approvals:application_rate", args=[application.pk]),
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("language", "text"), [("en", "Record as done"), ("zh-hans", "记录为已整改")]
)
def test_the_rectification_page_in_both_languages(
    city, decided, verified_client_factory, language, text
):
    with time_machine.travel(RATED_AT, tick=False):
        rating_submit(actor=city.citizen, application=decided(), grade=1)
        client = verified_client_factory(city.head)
        response = client.get(reverse("approvals:rectifications"), HTTP_ACCEPT_LANGUAGE=language)

    assert text in response.content.decode()


def test_the_rectification_page_costs_the_same_for_3_and_30(city, decided, verified_client_factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(count):
        for _ in range(count):
            rating_submit(actor=city.citizen, application=decided(), grade=1)

    with time_machine.travel(RATED_AT, tick=False):
        client = verified_client_factory(city.head)
        add(3)
        client.get(reverse("approvals:rectifications"))  # the calendar is loaded once
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("approvals:rectifications"))
        add(27)
        with CaptureQueriesContext(connection) as many:
            page = client.get(reverse("approvals:rectifications")).content.decode()

    assert len(many) == len(few)
    assert page.count("Record as done") == 30 or page.count("记录为已整改") == 30


@pytest.mark.django_db(transaction=True)
def test_a_bad_rating_near_the_calendar_end_opens_the_task_with_its_date_unknown(city, decided):
    # given a decided application rated 1 on 2026-12-24: 15 working days reach into 2027
    from approvals.admin.calendar import sync_year_days
    from approvals.models import CalendarYear

    application = decided()
    china = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(dt.datetime(2026, 12, 24, 10, 0, tzinfo=china), tick=False):
        rating_submit(actor=city.citizen, application=application, grade=1, comment="Slow")
    # then the rectification task is open, its due date unknown rather than guessed
    task = RectificationTask.objects.get(rating__application=application)
    assert task.status == "open" and task.due_on is None
    # when the administrator enters 2027 (a made-up schedule: New Year's Day off)
    CalendarYear.objects.create(year=2027, source="test")
    sync_year_days(
        UserFactory(is_staff=True), 2027, {dt.date(2027, 1, 1): ("holiday", "New Year's Day")}
    )
    # then the date is filled in: 15 working days after Thursday 2026-12-24
    task.refresh_from_db()
    assert task.due_on == dt.date(2027, 1, 15)
