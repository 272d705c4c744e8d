"""The window's pages and the applicant's supplement page: access matrix, queue, each action
through its form, stale and refused decisions (409), both languages."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from approvals.models import Application, ClockPause, SupplementRequest
from approvals.security.query_codes import query_code_matches
from approvals.services.intake import intake_request_supplement
from tests.factories import PersonFactory
from tests.support import events, in_days, png_upload

pytestmark = pytest.mark.django_db

QUEUE = reverse("approvals:intake_queue")
COUNTER = reverse("approvals:intake_counter")


def page_url(application):
    return reverse("approvals:intake_application", args=[application.pk])


def decide_url(application, action):
    return reverse("approvals:intake_decide", args=[application.pk, action])


@pytest.fixture
def as_user(verified_client_factory):
    def make(user, language="en"):
        client = verified_client_factory(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
        return client

    return make


# --- Access matrix -------------------------------------------------------------------------------


def _routes(application):
    return [
        ("get", QUEUE),
        ("get", COUNTER),
        ("get", page_url(application)),
        ("post", decide_url(application, "accept")),
        ("post", decide_url(application, "refuse")),
        ("post", decide_url(application, "supplement")),
        ("post", decide_url(application, "pledge")),
    ]


def test_every_intake_route_is_in_the_matrix(submitted):
    from django.urls import get_resolver

    names = set()
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "approvals":
            names |= {p.name for p in pattern.url_patterns if (p.name or "").startswith("intake_")}
    assert names == {"intake_queue", "intake_counter", "intake_application", "intake_decide"}


def test_anonymous_visitors_are_sent_to_sign_in(submitted):
    for method, url in _routes(submitted):
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url, url


@pytest.mark.parametrize("who", ["citizen", "reviewer"])
def test_citizens_and_reviewers_are_refused(request, submitted, as_user, who):
    client = as_user(request.getfixturevalue(who))

    answers = {url: getattr(client, method)(url).status_code for method, url in _routes(submitted)}

    assert set(answers.values()) <= {403, 404}, answers
    assert Application.objects.get(pk=submitted.pk).status == "submitted"


def test_a_clerk_of_another_city_does_not_see_the_application(submitted, other_clerk, as_user):
    client = as_user(other_clerk)

    assert client.get(page_url(submitted)).status_code == 404
    assert client.post(decide_url(submitted, "accept"), {"revision": 1}).status_code == 404
    assert submitted.tracking_number not in client.get(QUEUE).content.decode()


def test_the_clerk_opens_every_page(submitted, clerk, as_user):
    client = as_user(clerk)
    for url in (QUEUE, COUNTER, page_url(submitted)):
        assert client.get(url).status_code == 200, url


# --- Queue ---------------------------------------------------------------------------------------


def test_the_queue_lists_only_submitted_applications_oldest_first(make_submitted, clerk, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    older = make_submitted()
    newer = make_submitted()
    accepted = make_submitted(status="accepted")
    client = as_user(clerk)
    client.get(QUEUE)  # warm caches (calendar, session)

    with CaptureQueriesContext(connection) as few:
        html = client.get(QUEUE).content.decode()
    for _ in range(5):
        make_submitted()
    with CaptureQueriesContext(connection) as many:
        more = client.get(QUEUE).content.decode()

    assert len(many) == len(few) <= 20  # constant whatever the number of rows
    assert older.tracking_number in html and newer.tracking_number in html
    assert html.index(older.tracking_number) < html.index(newer.tracking_number)
    assert accepted.tracking_number not in html
    assert older.person.masked_id_number in html and older.person.id_number not in html
    assert more.count("<tr>") == html.count("<tr>") + 5


def test_the_queue_filters_by_service(make_submitted, clerk, as_user):
    application = make_submitted()

    shown = as_user(clerk).get(QUEUE, {"service": "SPJY"}).content.decode()
    hidden = as_user(clerk).get(QUEUE, {"service": "NOPE"}).content.decode()

    assert application.tracking_number in shown and application.tracking_number in hidden
    # an unknown service falls back to all; a known one filters
    assert 'value="SPJY" selected' in shown


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_pages_render_in_both_languages(submitted, clerk, as_user, language):
    client = as_user(clerk, language)
    for url in (QUEUE, COUNTER, page_url(submitted)):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Language"] == language


# --- Actions through the page --------------------------------------------------------------------


def test_accept_through_the_page(submitted, clerk, reviewer, as_user):
    response = as_user(clerk).post(
        decide_url(submitted, "accept"), {"revision": submitted.revision}
    )

    assert response.status_code == 302 and response.url == QUEUE
    assert Application.objects.get(pk=submitted.pk).status == "under_review"


def test_supplement_through_the_page_lists_every_ticked_item(submitted, clerk, as_user):
    response = as_user(clerk).post(
        decide_url(submitted, "supplement"),
        {
            "revision": submitted.revision,
            "m-floor-plan": "on",
            "p-floor-plan": "Not to scale",
            "m-lease": "on",
            "p-lease": "Unsigned",
            "other-0": "Shop name differs",
            "reply_by": in_days(15).isoformat(),
        },
    )

    assert response.status_code == 302
    notice = SupplementRequest.objects.get(application=submitted)
    assert notice.items == [
        {"material": "floor-plan", "problem": "Not to scale"},
        {"material": "lease", "problem": "Unsigned"},
        {"material": "", "problem": "Shop name differs"},
    ]


def test_a_ticked_material_without_a_problem_is_shown_again(submitted, clerk, as_user):
    response = as_user(clerk).post(
        decide_url(submitted, "supplement"),
        {"revision": submitted.revision, "m-lease": "on", "reply_by": in_days(15).isoformat()},
    )

    assert response.status_code == 400
    assert "Say what is missing or wrong." in response.content.decode()
    assert not SupplementRequest.objects.exists()


def test_refuse_through_the_page_needs_reasons(submitted, clerk, as_user):
    client = as_user(clerk)

    empty = client.post(decide_url(submitted, "refuse"), {"revision": submitted.revision})
    done = client.post(
        decide_url(submitted, "refuse"),
        {"revision": submitted.revision, "reasons": "Not a food business"},
    )

    assert empty.status_code == 400
    assert "Give the reasons" in empty.content.decode()
    assert done.status_code == 302
    assert Application.objects.get(pk=submitted.pk).status == "not_accepted"


def test_pledge_through_the_page(submitted, clerk, reviewer, as_user):
    response = as_user(clerk).post(
        decide_url(submitted, "pledge"),
        {
            "revision": submitted.revision,
            "material_key": "lease",
            "due_on": in_days(10).isoformat(),
        },
    )

    assert response.status_code == 302
    assert submitted.pledges.get().material_key == "lease"


def test_a_stale_form_says_the_application_changed(submitted, clerk, as_user):
    response = as_user(clerk).post(
        decide_url(submitted, "accept"), {"revision": submitted.revision - 1}
    )

    assert response.status_code == 409
    assert "This application has changed" in response.content.decode()
    assert Application.objects.get(pk=submitted.pk).status == "submitted"


def test_a_decision_on_an_already_decided_application_is_409(submitted, clerk, as_user):
    client = as_user(clerk)
    client.post(
        decide_url(submitted, "refuse"),
        {"revision": submitted.revision, "reasons": "Not a food business"},
    )
    submitted.refresh_from_db()

    response = client.post(decide_url(submitted, "accept"), {"revision": submitted.revision})

    # the page no longer offers a decision; a replayed form answers 409 (or 404 once it is gone)
    assert response.status_code == 409
    assert "no longer at that step" in response.content.decode()
    assert Application.objects.get(pk=submitted.pk).status == "not_accepted"


def test_the_clerk_downloads_the_materials(submitted, clerk, citizen, as_user):
    from approvals.models import Attachment

    attachment = Attachment.objects.create(
        application=submitted,
        material_key="floor-plan",
        file=png_upload(),
        display_name="plan.png",
        content_type="image/png",
        size=10,
        sha256="0" * 64,
        scan_result="clean",
        uploaded_by=citizen,
    )
    download = reverse("approvals:attachment_download", args=[attachment.pk])

    assert download in as_user(clerk).get(page_url(submitted)).content.decode()
    assert as_user(clerk).get(download).status_code == 200


# --- The applicant's supplement page -------------------------------------------------------------


@pytest.fixture
def asked(submitted, clerk):
    intake_request_supplement(
        actor=clerk,
        application=submitted,
        revision=submitted.revision,
        items=[{"material": "floor-plan", "problem": "Not to scale"}],
        reply_by=in_days(15),
    )
    submitted.refresh_from_db()
    return submitted


def test_the_supplement_round_trip_through_the_pages(asked, citizen, clerk, as_user):
    client = as_user(citizen)
    page = reverse("approvals:application_supplement", args=[asked.pk])
    upload = reverse("approvals:application_supplement_upload", args=[asked.pk, "floor-plan"])

    dashboard = client.get(reverse("approvals:dashboard")).content.decode()
    assert page in dashboard  # the "what to do next" link
    shown = client.get(page).content.decode()
    assert "Not to scale" in shown and "Send my supplement" in shown

    too_early = client.post(page, {"comment": ""})
    assert too_early.status_code == 400
    assert client.post(upload, {"file": png_upload()}).status_code == 302
    sent = client.post(page, {"comment": "Redrawn"})

    assert sent.status_code == 302
    assert Application.objects.get(pk=asked.pk).status == "submitted"
    assert ClockPause.objects.get(application=asked).ended_on is not None
    # once only: the page is gone, a replay changes nothing
    again = client.post(page, {"comment": "Again"})
    assert again.status_code == 302
    assert len(events("intake.supplement_answered", asked)) == 1


def test_unlisted_materials_and_strangers_cannot_use_the_supplement_page(asked, as_user):
    stranger = as_user(PersonFactory().user)
    page = reverse("approvals:application_supplement", args=[asked.pk])
    unlisted = reverse("approvals:application_supplement_upload", args=[asked.pk, "lease"])

    assert stranger.get(page).status_code == 404
    assert as_user(asked.created_by).post(unlisted, {"file": png_upload()}).status_code == 404


# --- Counter filing ------------------------------------------------------------------------------


def test_counter_filing_through_the_pages(clerk, version, as_user):
    person = PersonFactory()
    client = as_user(clerk)
    identity = {
        "service": str(version.pk),
        "real_name": person.real_name,
        "id_number": person.id_number,
    }

    step_two = client.post(COUNTER, identity)
    assert step_two.status_code == 200
    html = step_two.content.decode()
    assert "Shop name" in html and person.masked_id_number in html and person.id_number not in html

    filed = client.post(
        COUNTER,
        {
            "stage": "form",
            "shop_name": "老福州小吃",
            "material-floor-plan": png_upload(),
        },
    )

    assert filed.status_code == 302
    application = Application.objects.get(filed_at_counter=True)
    assert application.person == person and application.status == "submitted"
    assert filed.url == page_url(application)


@pytest.mark.parametrize(
    ("language", "applicants", "yours"),
    [
        ("en", "From the applicant&#x27;s identity in the population registry", "From your"),
        ("zh-hans", "取自申请人在人口库中的身份信息", "取自您的实名核验信息"),
    ],
)
def test_counter_form_speaks_of_the_applicants_data(
    clerk, version, as_user, language, applicants, yours
):
    person = PersonFactory()
    client = as_user(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    identity = {"service": str(version.pk), "real_name": person.real_name}

    step_two = client.post(COUNTER, {**identity, "id_number": person.id_number})

    html = step_two.content.decode()
    assert applicants in html and yours not in html


def test_a_counter_filing_shows_the_query_code_once(clerk, version, as_user):
    person = PersonFactory()
    client = as_user(clerk)
    identity = {
        "service": str(version.pk),
        "real_name": person.real_name,
        "id_number": person.id_number,
    }
    client.post(COUNTER, identity)
    filed = client.post(
        COUNTER, {"stage": "form", "shop_name": "老福州小吃", "material-floor-plan": png_upload()}
    )
    application = Application.objects.get(filed_at_counter=True)

    # the clerk's next page shows the code, and it is the application's code
    first = client.get(filed.url).content.decode()
    code = re.search(r'id="counter-query-code".*?<strong>(\d{6})</strong>', first, re.S).group(1)
    assert query_code_matches(code, application.query_code_hash)
    # but only once
    assert code not in client.get(filed.url).content.decode()


def test_counter_filing_refuses_a_name_the_registry_does_not_know(clerk, version, as_user):
    person = PersonFactory()

    response = as_user(clerk).post(
        COUNTER,
        {"service": str(version.pk), "real_name": "张三丰", "id_number": person.id_number},
    )

    assert response.status_code == 400
    assert "does not match the population registry" in response.content.decode()
    assert not Application.objects.exists()


def test_the_window_link_shows_for_intake_clerks_only(clerk, reviewer, citizen, as_user):
    home = reverse("approvals:dashboard")

    assert f'href="{QUEUE}"' in as_user(clerk).get(home).content.decode()
    assert f'href="{QUEUE}"' not in as_user(reviewer).get(home).content.decode()
    assert f'href="{QUEUE}"' not in as_user(citizen).get(home).content.decode()
